import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import YAML from 'yaml';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { compileFlowFile, type FlowCompileDeps } from '../../../src/flows/flow-compiler.js';
import { InMemoryStateStore } from '../../../src/flows/in-memory-state-store.js';
import { createStepRegistry } from '../../../src/flows/step-registry.js';
import { HubError } from '../../../src/core/hub-error.js';
import { PROJECT_ROOT } from '../../support/cli-process.js';
import { sampleRecord } from '../../fixtures/sample-records.js';
import { noteFuzzInput } from './fuzz-report.js';
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
      state: () => new InMemoryStateStore(),
      table: () => ({ get: () => undefined }),
    };
  });

  /** Compiles the text; a flow that compiles also processes a sample of its input. Any throw other than a HubError fails. */
  async function check(text: string): Promise<void> {
    const { flow, issues } = compileFlowFile({ file: 'flows/fuzzed.yaml', text, env: {} }, deps);
    if (!flow) {
      expect(issues.length, 'a flow that does not compile has issues').to.be.greaterThan(0);
      for (const issue of issues) {
        expect(issue.file).to.equal('flows/fuzzed.yaml');
        expect(issue.line).to.be.a('number').and.to.be.at.least(1);
        expect(issue.message).to.be.a('string').and.not.equal('');
        expect(issue.message.length).to.be.below(4000);
      }
      noteFuzzInput('flow files', 'rejected');
      return;
    }
    noteFuzzInput('flow files', 'accepted');
    for (const topic of flow.from) {
      let value: Record<string, unknown>;
      try {
        value = sampleRecord(topic);
      } catch {
        continue;
      }
      try {
        await flow.process({ topic, key: 'k', value, headers: {} } as never);
      } catch (error) {
        expect(error, `${String(error)}`).to.be.instanceOf(HubError);
      }
    }
    await flow.close();
  }

  it('never crashes on mutated shipped flows: each is compiled, or rejected with file, line and message', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...shipped), fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (text, seed) =>
        check(mutatedText(text, seed)),
      ),
      { seed: 20261123, numRuns: 400 },
    );
  });

  it('never crashes on arbitrary YAML documents', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => check(YAML.stringify(value))),
      { seed: 42, numRuns: 200 },
    );
  });

  it('never crashes on flows built from real parts in random order and shapes', async () => {
    const parts = shipped.map((text) => YAML.parse(text) as Record<string, unknown>);
    const steps = parts.flatMap((part) => (Array.isArray(part.steps) ? part.steps : []));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...parts),
        fc.array(fc.constantFrom(...steps), { maxLength: 6 }),
        fc.constantFrom(...parts.map((part) => part.to)),
        async (base, chosen, to) => check(YAML.stringify({ ...base, steps: chosen, to })),
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});
