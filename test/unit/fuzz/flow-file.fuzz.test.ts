import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import YAML from 'yaml';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { compileFlowFile, type FlowCompileDeps } from '../../../src/flows/flow-compiler.js';
import { createStepRegistry } from '../../../src/flows/step-registry.js';
import { HubError } from '../../../src/core/hub-error.js';
import { PROJECT_ROOT } from '../../support/cli-process.js';
import { sampleRecord } from '../../fixtures/sample-records.js';
import { mutatedDocument } from './document-mutations.js';
import { fuzzInput, type FuzzVerdict } from './fuzz-report.js';
import { mutatedText } from './text-mutations.js';

const FLOWS = path.join(PROJECT_ROOT, 'flows');
const shipped = fs
  .readdirSync(FLOWS)
  .filter((name) => name.endsWith('.yaml') && !name.endsWith('.test.yaml'))
  .map((name) => fs.readFileSync(path.join(FLOWS, name), 'utf8'));

describe('fuzzing: flow files', function () {
  this.timeout(120_000);
  let deps: FlowCompileDeps;
  before(async () => {
    deps = {
      schemas: await SchemaCatalog.load(),
      steps: createStepRegistry(),

      table: () => ({ get: () => undefined }),
    };
    // A flow that compiles reads a catalog topic, and each is given its sample record below.
    for (const { topic } of deps.schemas.topics()) expect(() => sampleRecord(topic), topic).not.to.throw();
  });

  /** Compiles the text; a flow that compiles also processes the sample record of each topic it reads. Any throw other than a HubError fails. */
  function check(text: string): Promise<FuzzVerdict> {
    return fuzzInput('flow files', async () => {
      const { flow, issues } = compileFlowFile({ file: 'flows/fuzzed.yaml', text, env: {} }, deps);
      if (!flow) {
        expect(issues.length, 'a flow that does not compile has issues').to.be.greaterThan(0);
        for (const issue of issues) {
          expect(issue.file).to.equal('flows/fuzzed.yaml');
          expect(issue.line).to.be.a('number').and.to.be.at.least(1);
          expect(issue.message).to.be.a('string').and.not.equal('');
          expect(issue.message.length).to.be.below(4000);
        }
        return 'rejected';
      }
      try {
        for (const topic of flow.from) {
          try {
            await flow.process({ topic, key: 'k', value: sampleRecord(topic), headers: {} } as never);
          } catch (error) {
            expect(error, `${String(error)}`).to.be.instanceOf(HubError);
          }
        }
      } finally {
        await flow.close();
      }
      return 'accepted';
    });
  }

  /** Runs `property` and asserts that at least `share` of its inputs compiled, so that the fuzzing reaches past the parser. */
  async function compiling(share: number, runs: (check: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
    let inputs = 0;
    let compiled = 0;
    await runs(async (text) => {
      inputs++;
      if ((await check(text)) === 'accepted') compiled++;
    });
    expect(compiled / inputs, `${compiled} of ${inputs} compiled`).to.be.at.least(share);
  }

  it('never crashes on mutated shipped flow texts: each is compiled, or rejected with file, line and message', async () => {
    await compiling(0.05, (check) =>
      fc.assert(
        fc.asyncProperty(fc.constantFrom(...shipped), fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (text, seed) =>
          check(mutatedText(text, seed)),
        ),
        { seed: 20261123, numRuns: 200 },
      ),
    );
  });

  it('never crashes on shipped flows with list items, keys and values moved, removed or replaced; many still compile and run', async () => {
    await compiling(0.3, (check) =>
      fc.assert(
        fc.asyncProperty(fc.constantFrom(...shipped), fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (text, seed) =>
          check(YAML.stringify(mutatedDocument(YAML.parse(text), seed))),
        ),
        { seed: 20261207, numRuns: 200 },
      ),
    );
  });

  it('never crashes on arbitrary YAML documents', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => void (await check(YAML.stringify(value)))),
      { seed: 42, numRuns: 200 },
    );
  });

  it('never crashes on flows built from real parts: some of their steps, mostly in order, perhaps a step of another flow or another destination', async () => {
    const parts = shipped.map((text) => YAML.parse(text) as Record<string, unknown>);
    const stepsOf = (part: Record<string, unknown>): unknown[] => (Array.isArray(part.steps) ? part.steps : []);
    const steps = parts.flatMap(stepsOf);
    const mostly = <T, U>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<U>) =>
      fc.oneof({ weight: 3, arbitrary: usual }, { weight: 1, arbitrary: unusual });
    await compiling(0.2, (check) =>
      fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...parts)
            .chain((base) =>
              fc.tuple(
                fc.constant(base),
                mostly(fc.subarray(stepsOf(base)), fc.shuffledSubarray(stepsOf(base))),
                mostly(fc.constant(null), fc.tuple(fc.nat(), fc.constantFrom(...steps))),
                mostly(fc.constant(base.to), fc.constantFrom(...parts.map((part) => part.to))),
              ),
            ),
          async ([base, own, foreign, to]) => {
            const chosen = [...own];
            if (foreign) chosen.splice(foreign[0] % (chosen.length + 1), 0, foreign[1]);
            await check(YAML.stringify({ ...base, steps: chosen, to }));
          },
        ),
        { seed: 7, numRuns: 200 },
      ),
    );
  });
});
