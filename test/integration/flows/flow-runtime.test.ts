import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AvroSerde } from '../../../src/platform/avro/avro-serde.js';
import { valueSubject } from '../../../src/platform/avro/canonical-schema-registration.js';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../../src/platform/avro/schema-registry-client.js';
import { FlowRuntime } from '../../../src/flows/flow-runtime.js';
import { createStepRegistry } from '../../../src/flows/step-registry.js';
import type { IncomingRecord, KafkaClient } from '../../../src/platform/kafka/kafka-client.js';
import { KafkajsClient } from '../../../src/platform/kafka/kafkajs-client.js';
import { createLogger } from '../../../src/platform/observability/logger.js';
import { DEAD_LETTER_HEADER } from '../../../src/platform/headers/dead-letter-headers.js';
import { sampleCustomer } from '../../fixtures/sample-records.js';
import { waitFor } from '../../support/runtime-harness.js';
import { infrastructure, uniqueName } from '../infrastructure.js';

describe('flows on the real broker', function () {
  this.timeout(120_000);
  let client: KafkaClient;
  let serde: AvroSerde;
  let schemas: SchemaCatalog;
  let dir: string;
  let runtime: FlowRuntime | undefined;

  before(async () => {
    client = new KafkajsClient({ brokers: infrastructure().kafka.brokers });
    serde = new AvroSerde(new SchemaRegistryClient(infrastructure().registry.url));
    schemas = await SchemaCatalog.load();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-flows-'));
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = (watch = false) =>
    FlowRuntime.start(
      dir,
      { client, serde, schemas, steps: createStepRegistry(), logger: createLogger({ level: process.env.LOG_LEVEL ?? 'error' }) },
      { watch },
    );

  async function produce(topic: string, customers: Record<string, unknown>[]): Promise<void> {
    const schema = schemas.registrySchema('Customer');
    // The hub never creates a topic by writing to it, nor does the test: a topic is made first.
    const admin = await client.admin();
    await admin.ensureTopics([{ topic }]).finally(() => admin.disconnect());
    const producer = await client.producer();
    await producer.send(
      topic,
      await Promise.all(
        customers.map(async (c) => ({
          key: c.customerId as string,
          value: await serde.encode(valueSubject(topic), schema, c),
          headers: { 'correlation-id': `corr-${c.customerId as string}-${c.jobCategory as string}` },
        })),
      ),
    );
    await producer.disconnect();
  }

  async function readAll(topic: string): Promise<IncomingRecord[]> {
    return client.readToEnd(topic);
  }

  function flowFile(name: string, input: string, output: string, filter: string, extra = ''): string {
    return `name: ${name}
description: integration test flow
from: ${input}
steps:
  - filter: ${filter}
  - validate:
      rules:
        - { rule: residentId, field: idNumber }
${extra}to: { topic: ${output}, schema: crmhub.customer.Customer }
topics: { ${input}: { schema: crmhub.customer.Customer }, ${output}: { schema: crmhub.customer.Customer } }
errors:
  retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100, multiplier: 2 }
  deadLetterTopic: dlq.flow.${name}
concurrency: 3
`;
  }

  it('keeps per-key order, dead-letters a failing message with the step named, and resumes after a restart without loss', async () => {
    const name = uniqueName('flow').toLowerCase();
    const input = uniqueName('it.flow.in');
    const output = uniqueName('it.flow.out');
    const admin = await client.admin();
    await admin.ensureTopics([{ topic: input, partitions: 3 }]);
    await admin.disconnect();
    // The dedupe state is durable: a copy produced again after the restart is dropped.
    fs.writeFileSync(
      path.join(dir, `${name}.yaml`),
      flowFile(name, input, output, 'status = "ACTIVE"', '  - dedupe: { key: \'customerId & "/" & jobCategory\' }\n'),
    );

    const customers = Array.from({ length: 240 }, (_, i) => ({
      ...sampleCustomer(),
      customerId: `K${i % 12}`,
      jobCategory: String(Math.floor(i / 12)),
      status: i % 10 === 9 ? 'INACTIVE' : 'ACTIVE',
    }));
    const broken = { ...sampleCustomer(), customerId: 'K-broken', jobCategory: '0', idNumber: '110105194912310021' }; // bad checksum
    runtime = await start();
    await produce(input, [...customers.slice(0, 120), broken]);
    await waitFor(async () => (await readAll(output)).length >= 108, 30_000, 'first half through the flow');
    await runtime.stop();
    runtime = await start();
    await produce(input, [...customers.slice(100, 110), ...customers.slice(120)]); // ten of them a second time

    const expected = customers.filter((c) => c.status === 'ACTIVE');
    await waitFor(
      async () => new Set((await readAll(output)).map((r) => `${r.key}/${r.headers['correlation-id']}`)).size >= expected.length,
      30_000,
      'every active customer',
    );
    const out = await readAll(output);
    const seqByKey = new Map<string, number[]>();
    for (const record of out) {
      const value = (await serde.decode(record.value)).value as { jobCategory: string; status: string };
      expect(value.status).to.equal('ACTIVE');
      seqByKey.set(record.key!.toString(), [...(seqByKey.get(record.key!.toString()) ?? []), Number(value.jobCategory)]);
    }
    for (const [key, seq] of seqByKey) {
      const distinct = seq.filter((v, i) => i === 0 || v !== seq[i - 1]);
      expect(distinct, key).to.deep.equal([...new Set(distinct)].sort((a, b) => a - b));
    }
    expect(new Set(out.map((r) => r.headers['correlation-id'])).size).to.equal(expected.length);
    expect(out.length, 'the resent copies were deduplicated').to.equal(expected.length);

    const [letter] = await readAll(`dlq.flow.${name}`);
    expect(letter!.key!.toString()).to.equal('K-broken');
    expect(letter!.headers[DEAD_LETTER_HEADER.stage]).to.equal(`flow:${name}`);
    expect(letter!.headers['dlq-flow-step']).to.equal('steps[1].validate');
    expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('FLOW_VALIDATION_FAILED');
    expect(letter!.headers[DEAD_LETTER_HEADER.originalTopic]).to.equal(input);
    expect(letter!.headers[DEAD_LETTER_HEADER.errorMessage]).not.to.contain('110105194912310021');
  });

  it('hot-reloads a changed flow file, and keeps the last good version running when a change is invalid', async () => {
    const name = uniqueName('flow').toLowerCase();
    const input = uniqueName('it.flow.in');
    const output = uniqueName('it.flow.out');
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, flowFile(name, input, output, 'valueSegment = "GOLD"'));
    runtime = await start(true);
    await produce(input, [
      { ...sampleCustomer(), customerId: 'G1', valueSegment: 'GOLD' },
      { ...sampleCustomer(), customerId: 'S1', valueSegment: 'SILVER' },
    ]);
    await waitFor(async () => (await readAll(output)).some((r) => r.key?.toString() === 'G1'), 20_000, 'G1');

    fs.writeFileSync(file, flowFile(name, input, output, 'valueSegment = "SILVER"'));
    await waitFor(
      () => runtime!.statuses().some((s) => s.name === name && s.state === 'running' && s.generation === 2),
      20_000,
      'the reload',
    );
    await produce(input, [
      { ...sampleCustomer(), customerId: 'G2', valueSegment: 'GOLD' },
      { ...sampleCustomer(), customerId: 'S2', valueSegment: 'SILVER' },
    ]);
    await waitFor(async () => (await readAll(output)).some((r) => r.key?.toString() === 'S2'), 20_000, 'S2 through the new version');

    fs.writeFileSync(file, flowFile(name, input, output, 'valueSegment = $nosuchfunction()'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const status = runtime.statuses().find((s) => s.name === name)!;
    expect(status).to.deep.include({ state: 'running', generation: 2 });
    expect(status.issues?.join('\n')).to.contain('nosuchfunction');
    await produce(input, [{ ...sampleCustomer(), customerId: 'S3', valueSegment: 'SILVER' }]);
    await waitFor(async () => (await readAll(output)).some((r) => r.key?.toString() === 'S3'), 20_000, 'S3 through the last good version');
    const keys = (await readAll(output)).map((r) => r.key!.toString());
    expect(keys).to.include.members(['G1', 'S2', 'S3']);
    expect(keys).not.to.include('G2');
    expect(keys).not.to.include('S1');
  });

  it('enriches from a table built from a topic, following the table live', async () => {
    const name = uniqueName('flow').toLowerCase();
    const customersTopic = uniqueName('it.flow.customers');
    const input = uniqueName('it.flow.in');
    const output = uniqueName('it.flow.out');
    // Customers known before the flow starts, and one that arrives while it runs.
    await produce(customersTopic, [{ ...sampleCustomer(), customerId: 'H1', fullName: '张伟', email: 'zw@example.cn' }]);
    fs.writeFileSync(
      path.join(dir, `${name}.yaml`),
      `name: ${name}
from: ${input}
steps:
  - enrich:
      table: { topic: ${customersTopic}, key: customerId }
      as: known
  - map:
      keep: true
      fields:
        email: 'known ? known.email : "unknown@example.cn"'
to: { topic: ${output}, schema: crmhub.customer.Customer }
topics: { ${input}: { schema: crmhub.customer.Customer }, ${output}: { schema: crmhub.customer.Customer } }
errors: { retry: { attempts: 2, initialDelayMs: 20, maxDelayMs: 50, multiplier: 2 } }
`,
    );
    runtime = await start();
    expect(runtime.statuses().find((s) => s.name === name)?.issues, JSON.stringify(runtime.statuses())).to.equal(undefined);
    await produce(customersTopic, [{ ...sampleCustomer(), customerId: 'H2', email: 'late@example.cn' }]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await produce(input, [
      { ...sampleCustomer(), customerId: 'H1' },
      { ...sampleCustomer(), customerId: 'H2' },
      { ...sampleCustomer(), customerId: 'H3' },
    ]);
    await waitFor(
      async () => (await readAll(output)).length >= 3,
      20_000,
      `three results (dead letters: ${JSON.stringify((await readAll(`dlq.flow.${name}`)).map((l) => l.headers[DEAD_LETTER_HEADER.errorMessage]))})`,
    );
    const emails = new Map<string, unknown>();
    for (const record of await readAll(output))
      emails.set(record.key!.toString(), ((await serde.decode(record.value)).value as { email: unknown }).email);
    expect(Object.fromEntries(emails)).to.deep.equal({ H1: 'zw@example.cn', H2: 'late@example.cn', H3: 'unknown@example.cn' });
  });
});
