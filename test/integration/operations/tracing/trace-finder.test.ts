import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { FlowRuntime } from '../../../../src/flows/flow-runtime.js';
import { createStepRegistry } from '../../../../src/flows/step-registry.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { withTracingHeaders } from '../../../../src/platform/headers/record-headers.js';
import { TraceFinder } from '../../../../src/operations/tracing/trace-finder.js';
import { parseTraceparent } from '../../../../src/platform/headers/traceparent.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { instanceConfig, readUntil, startRuntime, type RuntimeHarness } from '../../../support/runtime-harness.js';
import { infrastructure, uniqueName } from '../../infrastructure.js';

describe('tracing on the real broker', function () {
  this.timeout(60_000);

  it("scans exactly the offset ranges asked for, without a group's offsets", async () => {
    const client = new KafkajsClient({ brokers: infrastructure().kafka.brokers });
    const topic = uniqueName('it.trace.scan');
    const admin = await client.admin();
    await admin.ensureTopics([{ topic, partitions: 2 }]);
    await admin.disconnect();
    const producer = await client.producer();
    await producer.send(
      topic,
      ['a', 'b', 'c', 'd'].map((value) => ({ key: null, value: Buffer.from(value), partition: 0 })),
    );
    await producer.send(topic, [{ key: null, value: Buffer.from('x'), partition: 1 }]);
    await producer.disconnect();

    const ranges = await client.rangesSince([topic], 0);
    expect(ranges).to.deep.equal([
      { topic, partition: 0, from: '0', to: '4' },
      { topic, partition: 1, from: '0', to: '1' },
    ]);
    expect(await client.rangesSince([topic], Date.now() + 60_000), 'nothing after a time yet to come').to.deep.equal([
      { topic, partition: 0, from: '4', to: '4' },
      { topic, partition: 1, from: '1', to: '1' },
    ]);
    const seen: string[] = [];
    const unfinished = await client.scanRanges([{ topic, partition: 0, from: '1', to: '3' }], (records) =>
      seen.push(...records.map((record) => `${record.partition}@${record.offset}=${record.value}`)),
    );
    expect(unfinished).to.deep.equal([]);
    expect(seen).to.deep.equal(['0@1=b', '0@2=c']);
  });

  describe('a source record through a flow to a topic and a sink, and one the flow dead-letters', () => {
    let dir: string;
    let flows: FlowRuntime | undefined;
    let harness: RuntimeHarness | undefined;
    let erp: http.Server;

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-trace-'));
      // The back office refuses every customer it is sent: the sink dead-letters them.
      erp = http
        .createServer((req, res) =>
          req
            .resume()
            .on('end', () => res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":"customer master closed"}')),
        )
        .listen(0, '127.0.0.1');
      await new Promise((resolve) => erp.once('listening', resolve));
    });
    after(async () => {
      await flows?.stop();
      await harness?.stop();
      await new Promise((resolve) => erp.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('traces by correlation id and by key: hops in order, with stages, delays and one trace id', async () => {
      const since = new Date(Date.now() - 1000);
      const flow = uniqueName('trace').toLowerCase();
      const sink = uniqueName('trace-erp').toLowerCase();
      const input = uniqueName('it.trace.in');
      const output = uniqueName('it.trace.out');
      const [keyA, keyB] = [uniqueName('CA'), uniqueName('CB')];
      const [corrA, corrB] = [uniqueName('corr-a'), uniqueName('corr-b')];

      harness = await startRuntime([
        instanceConfig({
          name: sink,
          connector: 'http-sink',
          config: {
            url: `http://127.0.0.1:${(erp.address() as AddressInfo).port}/customers/{key}`,
            method: 'PUT',
            body: 'value',
            timeoutMs: 5000,
            headers: {},
          },
          allowPrivateNetworks: true,
          retry: { attempts: 1, initialDelayMs: 10, maxDelayMs: 50, multiplier: 2 },
        }),
      ]);
      const { client, serde, schemas } = harness;
      fs.writeFileSync(
        path.join(dir, `${flow}.yaml`),
        `name: ${flow}
description: tracing integration test
from: ${input}
steps:
  - validate:
      rules:
        - { rule: residentId, field: idNumber }
to: [{ topic: ${output}, schema: crmhub.customer.Customer }, { connector: ${sink} }]
topics: { ${input}: { schema: crmhub.customer.Customer }, ${output}: { schema: crmhub.customer.Customer } }
errors:
  retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 50, multiplier: 2 }
  deadLetterTopic: dlq.flow.${flow}
`,
      );
      flows = await FlowRuntime.start(dir, {
        client,
        serde,
        schemas,
        steps: createStepRegistry(),
        logger: createLogger({ level: process.env.LOG_LEVEL ?? 'error' }),
      });

      // What a CRM source writes: the business key, the tracing headers filled in from meta.
      const customer = (customerId: string, correlationId: string, idNumber?: string) => {
        const base = sampleCustomer();
        return { ...base, customerId, ...(idNumber ? { idNumber } : {}), meta: { ...(base.meta as object), correlationId } };
      };
      const valueA = customer(keyA, corrA);
      const valueB = customer(keyB, corrB, '110105194912310021'); // bad check digit
      const producer = await client.producer();
      const schema = schemas.registrySchema('crmhub.customer.Customer');
      const sourceHeaders = withTracingHeaders(valueA, undefined, 'crm');
      await producer.send(input, [
        { key: keyA, value: await serde.encode(valueSubject(input), schema, valueA), headers: sourceHeaders },
        {
          key: keyB,
          value: await serde.encode(valueSubject(input), schema, valueB),
          headers: withTracingHeaders(valueB, undefined, 'crm'),
        },
      ]);
      await producer.disconnect();
      await readUntil(client, `dlq.${sink}`, (records) => records.length >= 1);
      await readUntil(client, `dlq.flow.${flow}`, (records) => records.length >= 1);

      const finder = new TraceFinder({ client: new KafkajsClient({ brokers: infrastructure().kafka.brokers }), schemas, serde });
      const trace = await finder.find({ correlationId: corrA, since, values: true });
      expect(trace.scan).to.include({ limitHit: false, unfinished: 0 });
      expect(trace.hops.map((hop) => hop.stage.kind)).to.deep.equal(['source', 'flow', 'flow', 'dead-letter']);
      expect(trace.hops[0]).to.include({
        topic: input,
        key: keyA,
        sourceSystem: 'crm',
        eventType: 'CustomerUpdated',
        matchedBy: 'correlation-id',
        sincePreviousMs: null,
        sinceFirstMs: 0,
      });
      expect(trace.hops.slice(1, 3).map((hop) => [hop.topic, hop.stage.name])).to.have.deep.members([
        [output, flow],
        [`connector.${sink}.in`, flow],
      ]);
      const dead = trace.hops[3]!;
      expect(dead.topic).to.equal(`dlq.${sink}`);
      expect(dead.stage).to.deep.include({ kind: 'dead-letter', name: `connector:${sink}` });
      expect(dead.stage.reason).to.include({ retriable: false, originalTopic: `connector.${sink}.in` });
      expect(dead.stage.reason!.message).to.contain('422');

      // One chain of work: the source's trace throughout, a span of its own for each record the flow wrote.
      const sourceTrace = parseTraceparent(sourceHeaders.traceparent)!;
      expect(trace.traceIds).to.deep.equal([sourceTrace.traceId]);
      expect(trace.correlationIds).to.deep.equal([corrA]);
      expect(trace.hops[0]!.spanId).to.equal(sourceTrace.spanId);
      expect(new Set(trace.hops.slice(0, 3).map((hop) => hop.spanId)).size).to.equal(3);
      for (let i = 1; i < trace.hops.length; i++) {
        const [before, after] = [trace.hops[i - 1]!, trace.hops[i]!];
        expect(after.sincePreviousMs)
          .to.equal(Date.parse(after.timestamp) - Date.parse(before.timestamp))
          .and.be.at.least(0);
        expect(after.sinceFirstMs).to.equal(Date.parse(after.timestamp) - Date.parse(trace.hops[0]!.timestamp));
      }
      // Values only on request, personal data masked.
      expect(trace.hops[0]!.schemaName).to.equal('crmhub.customer.Customer');
      expect((trace.hops[0]!.value as Record<string, unknown>).customerId).to.equal(keyA);
      expect(JSON.stringify(trace.hops.map((hop) => hop.value))).to.not.contain(String(valueA.idNumber));

      const byKey = await finder.find({ key: keyB, since });
      expect(byKey.hops.map((hop) => [hop.topic, hop.stage.kind, hop.matchedBy])).to.deep.equal([
        [input, 'source', 'key'],
        [`dlq.flow.${flow}`, 'dead-letter', 'key'],
      ]);
      expect(byKey.hops[1]!.stage).to.deep.include({ name: `flow:${flow}` });
      expect(byKey.hops[1]!.stage.reason).to.include({ code: 'FLOW_VALIDATION_FAILED', step: 'steps[0].validate', originalTopic: input });
      expect(byKey.hops[1]!.stage.reason!.message).to.not.contain('110105194912310021');
      expect(byKey.correlationIds).to.deep.equal([corrB]);
      expect(byKey.hops[0]).to.not.have.property('value');
    });
  });
});
