import { expect } from 'chai';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { TraceFinder, type Trace } from '../../../../src/operations/tracing/trace-finder.js';
import { formatTrace } from '../../../../src/operations/tracing/trace-text.js';
import { T0, TRACE, traceScenario } from './trace-scenario.js';

describe('formatTrace', () => {
  let schemas: SchemaCatalog;

  before(async () => {
    schemas = await SchemaCatalog.load();
  });

  async function trace(query: Parameters<TraceFinder['find']>[0], resolveCustomer?: (key: string) => string[]): Promise<Trace> {
    const { kafka, serde } = await traceScenario(schemas);
    return new TraceFinder({ client: kafka, schemas, serde, resolveCustomer }).find({ since: new Date(T0 - 60_000), ...query });
  }

  it('prints what was looked for, the trace id and one timed hop after another with its stage and place', async () => {
    const lines = formatTrace(await trace({ correlationId: 'corr-1' })).split('\n');
    expect(lines[0]).to.equal('trace of correlation id corr-1');
    expect(lines[1]).to.match(/^ {2}since 2026-03-01T07:59:00.000Z: 6 records read on 10 partitions of 5 topics in \d+ ms$/);
    expect(lines[2]).to.equal(`  trace id ${TRACE}`);
    expect(lines.slice(4, 10)).to.deep.equal([
      '  2026-03-01T08:00:00.000Z  +0 ms  source crm',
      '      crm.customer.v1[1]@0  key C1  CustomerUpdated from crm',
      '  2026-03-01T08:00:00.040Z  +40 ms (+40 ms)  flow vip',
      '      vip.customer.v1[0]@0  key C1  CustomerUpdated from crm',
      '  2026-03-01T08:00:00.090Z  +90 ms (+50 ms)  dead letter (connector:erp-main) ERP_REJECTED: ERP said no',
      '      dlq.erp-main[0]@0  key C1  CustomerUpdated from crm',
    ]);
  });

  it("names the customer's other keys and each hop's correlation id when tracing by key, and prints masked values", async () => {
    const text = formatTrace(await trace({ key: 'C1', values: true }, () => ['P-9']));
    expect(text).to.contain("trace of key C1 (with the customer's keys P-9)");
    expect(text).to.contain('  correlation ids corr-1, corr-3');
    expect(text).to.contain('policy.policy.v1[0]@0  key P-9  PolicyIssued from policy-admin  correlation corr-3');
    expect(text).to.contain('crmhub.customer.Customer {"meta":');
    expect(text).to.contain('"fullName":"张*"');
    expect(text).to.contain('value not decoded: ');
  });

  it('says when nothing was found and when the limit cut the scan short', async () => {
    const text = formatTrace(await trace({ correlationId: 'corr-1', limit: 2 }));
    expect(text).to.contain('limit hit: read the newest 2 of 6 records since 2026-03-01T07:59:00.000Z; narrow --since or raise --limit');
    expect(formatTrace(await trace({ correlationId: 'nobody' }))).to.contain('  no record found');
  });
});
