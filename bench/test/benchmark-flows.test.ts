import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonRecordCodec } from '../../src/platform/avro/json-record-codec.js';
import type { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import type { CompiledFlow } from '../../src/flows/compiled-flow.js';
import { compileFlowFile } from '../../src/flows/flow-compiler.js';
import { createStepRegistry } from '../../src/flows/step-registry.js';
import { BenchError } from '../runner/bench-error.js';
import { activeCustomers, customerToDwFlow } from '../benchmarks/flow-throughput.js';
import { keptCustomers } from '../benchmarks/peer-customer-job.js';
import { benchSchemaCatalog } from '../support/bench-schema-catalog.js';
import { peerCustomer, peerJobFlow } from '../support/peer-customer.js';
import { variedCustomer } from '../support/varied-customer.js';

/**
 * The benchmarks' flows compiled and run in process, as `crm-hub test` runs flows: the figures are
 * only worth something if the flows do the job they are said to do.
 */
describe('benchmark flows', () => {
  let dir: string;
  let schemas: SchemaCatalog;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-bench-test-'));
    schemas = await benchSchemaCatalog(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function compile(text: string): CompiledFlow {
    const { flow, issues } = compileFlowFile(
      { file: 'bench.yaml', text },
      {
        schemas,
        steps: createStepRegistry(),

        table: () => {
          throw new BenchError('BENCH_NO_TABLE', 'the benchmark flows use no table');
        },
      },
    );
    expect(issues).to.deep.equal([]);
    return flow!;
  }

  async function outputs(flow: CompiledFlow, values: Record<string, unknown>[], key: string) {
    const results = [];
    for (const value of values)
      results.push(...(await flow.process({ key: String(value[key]), value, headers: {}, topic: flow.from[0]! })));
    return results;
  }

  describe('the peer-comparable job', () => {
    it('drops bronze and writes the rest renamed, upper-cased, with premium × 1.06 and the birth date, keyed by customer id', async () => {
      const flow = compile(peerJobFlow('peer-test', 'bench.peer.in', 'bench.peer.out', 3));
      const input = [0, 1, 2, 3].map(peerCustomer);
      expect(input.map((customer) => customer.segment)).to.deep.equal(['platinum', 'gold', 'silver', 'bronze']);
      const out = await outputs(flow, input, 'customerId');
      expect(out.map((output) => output.destination)).to.deep.equal(
        Array(3).fill({ topic: 'bench.peer.out', schema: 'crmhub.bench.PeerPolicyholder' }),
      );
      const first = out[0]!.message;
      expect(first.key).to.equal('P000000000');
      expect(first.value).to.deep.equal({
        id: 'P000000000',
        fullName: 'WANG WEI',
        nationalId: input[0]!.idNumber,
        mobile: '13900000000',
        tier: 'platinum',
        grossPremium: 848,
        birthDate: '1950-01-01',
      });
      expect(out[1]!.message.value).to.include({ id: 'P000000001', fullName: 'LI WEI', grossPremium: 849.07, birthDate: '1951-02-02' });
    });

    it('writes values that encode with the output record and keeps exactly the non-bronze customers', async () => {
      const flow = compile(peerJobFlow('peer-test', 'bench.peer.in', 'bench.peer.out', 3));
      const type = schemas.type('crmhub.bench.PeerPolicyholder');
      const input = Array.from({ length: 203 }, (_, index) => peerCustomer(1_000 + index));
      const out = await outputs(flow, input, 'customerId');
      expect(out).to.have.length(keptCustomers(1_000, 203));
      for (const output of out) {
        expect(type.isValid(output.message.value), JSON.stringify(output.message.value)).to.equal(true);
        expect(output.message.key).to.equal(output.message.value.id);
      }
    });

    it('reads the JSON text on its input topic and writes JSON text, as the job asks', async () => {
      const flow = compile(peerJobFlow('peer-test', 'bench.peer.in', 'bench.peer.out', 3));
      const text = JSON.stringify(peerCustomer(1));
      expect(text).to.contain('"premium":801.01');
      const value = new JsonRecordCodec(schemas.type('crmhub.bench.PeerCustomer'), 'PeerCustomer').decode(Buffer.from(text));
      const [out] = await outputs(flow, [value], 'customerId');
      const written = new JsonRecordCodec(schemas.type('crmhub.bench.PeerPolicyholder'), 'PeerPolicyholder')
        .encode(out!.message.value)
        .toString('utf8');
      expect(JSON.parse(written)).to.deep.equal({
        id: 'P000000001',
        fullName: 'LI WEI',
        nationalId: peerCustomer(1).idNumber,
        mobile: '13900000001',
        tier: 'gold',
        grossPremium: '849.07',
        birthDate: '1951-02-02',
      });
    });

    it('feeds input records that fit the input record', () => {
      const type = schemas.type('crmhub.bench.PeerCustomer');
      for (const index of [0, 7, 499_999]) expect(type.isValid(peerCustomer(index)), String(index)).to.equal(true);
    });
  });

  describe('the customer-to-warehouse flow', () => {
    it('passes exactly the active customers, as valid warehouse rows', async () => {
      const flow = compile(customerToDwFlow('dw-test', 'bench.flow.in', 'bench.flow.out'));
      const customers = schemas.type('crmhub.customer.Customer');
      const rows = schemas.type('crmhub.dw.DwCustomer');
      const input = Array.from({ length: 57 }, (_, index) => variedCustomer(2_000 + index));
      for (const value of input) expect(customers.isValid(value), String(value.customerId)).to.equal(true);
      const out = await outputs(flow, input, 'customerId');
      expect(out).to.have.length(activeCustomers(2_000, 57));
      for (const output of out) expect(rows.isValid(output.message.value)).to.equal(true);
      expect(out[0]!.message.value).to.include({ customerId: 'C0000002000', status: 'ACTIVE', phoneCount: 2, primaryPhone: '13000002000' });
    });
  });
});
