import { expect } from 'chai';
import { AvroSerde } from '../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../src/platform/avro/canonical-schema-registration.js';
import { InMemorySchemaRegistry } from '../../../src/platform/avro/in-memory-schema-registry.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { compileExpression } from '../../../src/expressions/expression-compiler.js';
import { DEFAULT_EXPRESSION_LIMITS, ExpressionLimitError } from '../../../src/expressions/expression-limits.js';
import { compileFlowFile } from '../../../src/flows/flow-compiler.js';
import { FlowRunner } from '../../../src/flows/flow-runner.js';
import { createStepRegistry } from '../../../src/flows/step-registry.js';
import { createLogger } from '../../../src/platform/observability/logger.js';
import { sampleCustomer } from '../../fixtures/sample-records.js';
import { InMemoryKafka } from '../../support/in-memory-kafka.js';
import { withDeclaredTopics } from '../../support/declared-flow-topics.js';

/** Recursion without a base case: each call waits for the next, so the evaluation only ever gets deeper (and the heap bigger). */
const UNBOUNDED_RECURSION = '($f := function($x){1+$f($x)}; $f(1)>0)';
/** A tail call: jsonata turns it into a loop that never gets deeper, and never ends. */
const ENDLESS_LOOP = '($f := function($x){$f($x)}; $f(1))';
const countDown = (n: number): string => `($f := function($n){$n <= 0 ? 0 : 1 + $f($n - 1)}; $f(${n}))`;

async function failure(text: string, limits = DEFAULT_EXPRESSION_LIMITS): Promise<unknown> {
  const compilation = compileExpression(text, { limits });
  if (!compilation.ok) throw new Error(`does not compile: ${JSON.stringify(compilation.problems)}`);
  try {
    await compilation.expression.evaluate({});
  } catch (error) {
    return error;
  }
  throw new Error(`${text} evaluated without reaching a limit`);
}

describe('expression limits', () => {
  it('stops recursion without a base case at the depth limit, long before the heap grows', async () => {
    const error = await failure(UNBOUNDED_RECURSION);
    expect(error).to.be.instanceOf(ExpressionLimitError);
    expect(error).to.include({ code: 'EXPRESSION_LIMIT_EXCEEDED', limit: 'expressionDepth', retriable: false });
    expect((error as Error).message).to.contain('limits.expressionDepth (1000');
  });

  it('stops a loop that never gets deeper at the time limit', async () => {
    const error = await failure(ENDLESS_LOOP, { ...DEFAULT_EXPRESSION_LIMITS, expressionTimeoutMs: 20 });
    expect(error).to.include({ code: 'EXPRESSION_LIMIT_EXCEEDED', limit: 'expressionTimeoutMs' });
    expect((error as Error).message).to.contain('limits.expressionTimeoutMs (20 ms)');
  });

  it('lets bounded recursion run within the default depth, and a flow may lower or raise the depth', async () => {
    const compiled = compileExpression(countDown(100));
    expect(compiled.ok && (await compiled.expression.evaluate({}))).to.equal(100);
    expect(await failure(countDown(100), { ...DEFAULT_EXPRESSION_LIMITS, expressionDepth: 100 })).to.include({ limit: 'expressionDepth' });
    const deeper = compileExpression(countDown(1000), { limits: { ...DEFAULT_EXPRESSION_LIMITS, expressionDepth: 20000 } });
    expect(deeper.ok && (await deeper.expression.evaluate({}))).to.equal(1000);
  });

  it('bounds each evaluation on its own: concurrent evaluations of one expression do not share a budget', async () => {
    const compiled = compileExpression(countDown(30), { limits: { ...DEFAULT_EXPRESSION_LIMITS, expressionDepth: 200 } });
    if (!compiled.ok) throw new Error('does not compile');
    const results = await Promise.all(Array.from({ length: 20 }, () => compiled.expression.evaluate({})));
    expect(results).to.deep.equal(Array.from({ length: 20 }, () => 30));
  });

  describe('in a flow file', () => {
    let schemas: SchemaCatalog;
    before(async () => {
      schemas = await SchemaCatalog.load();
    });

    const compile = (text: string) =>
      compileFlowFile(
        { file: 'flows/bounded.yaml', text: withDeclaredTopics(text, { in: 'crmhub.customer.Customer', out: 'crmhub.customer.Customer' }) },
        { schemas, steps: createStepRegistry(), table: () => ({ get: () => undefined }) },
      );

    it('reports limits out of range and misspelt at their line and column', () => {
      const { issues } = compile(
        'name: bounded\nfrom: crm.customer.v1\nlimits:\n  expressionTimeoutMs: 0\n  expressionDepht: 5\nsteps: []\nto: { topic: out, schema: crmhub.customer.Customer }\n',
      );
      expect(issues.map((issue) => `${issue.line}:${issue.column} ${issue.path} ${issue.code}`)).to.deep.equal([
        '4:24 limits.expressionTimeoutMs VALUE_INVALID',
        '5:3 limits.expressionDepht KEY_UNKNOWN',
      ]);
    });

    it('dead-letters the message an expression reaches a limit on, naming the code and the step, and goes on with the others', async () => {
      const { flow, issues } = compile(`name: bounded
from: in
limits: { expressionDepth: 200 }
steps:
  - map: { keep: true, fields: { fullName: "$uppercase(fullName)" } }
  - filter: 'fullName = "LOOP" ? ${UNBOUNDED_RECURSION} : true'
to: { topic: out, schema: crmhub.customer.Customer }
`);
      expect(issues).to.deep.equal([]);
      const kafka = new InMemoryKafka();
      const serde = new AvroSerde(new InMemorySchemaRegistry());
      const names = ['Ann', 'loop', 'Bo'];
      const records = [];
      for (const [index, fullName] of names.entries()) {
        const value = { ...sampleCustomer(), customerId: `C${String(index).padStart(12, '0')}`, fullName };
        records.push(
          kafka.append('in', {
            key: value.customerId,
            value: await serde.encode(valueSubject('in'), schemas.registrySchema('crmhub.customer.Customer'), value),
          }),
        );
      }
      const runner = new FlowRunner(flow!, kafka, await kafka.producer(), serde, schemas, createLogger({ level: 'error' }));
      await runner.start();
      await kafka.handlers.get(runner.groupId)!(
        { topic: 'in', partition: 0, records },
        { heartbeat: async () => undefined, isRunning: () => true },
      );
      const out = await Promise.all(
        kafka.records('out').map(async (record) => ((await serde.decode(record.value)).value as { fullName: string }).fullName),
      );
      expect(out).to.deep.equal(['ANN', 'BO']);
      const [dead, ...more] = kafka.records('dlq.flow.bounded');
      expect(more).to.have.length(0);
      expect(dead!.headers).to.include({
        'dlq-error-code': 'EXPRESSION_LIMIT_EXCEEDED',
        'dlq-flow-step': 'steps[1].filter',
        'dlq-original-offset': '1',
      });
      expect(dead!.headers['dlq-error-message']).to.contain('limits.expressionDepth (200');
    });
  });
});
