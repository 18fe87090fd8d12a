import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AvroSerde } from '../../../../src/platform/avro/avro-serde.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../../../src/platform/avro/schema-registry-client.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { HubHttpServer } from '../../../../src/interfaces/api/http-server.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { cleanEnv, runCli } from '../../../support/cli-process.js';
import { infrastructure, uniqueName } from '../../infrastructure.js';

interface TailedLine {
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  format?: string;
  schema?: { id?: number; name: string };
  value?: Record<string, unknown>;
  error?: { code: string; message: string };
  size?: number;
  preview?: string;
}

const ZHANG = sampleCustomer();
const WANG = {
  ...sampleCustomer(),
  customerId: 'C310100000456',
  fullName: '王秀英',
  email: 'wang.xiuying@example.com.cn',
  phones: [{ type: 'MOBILE', number: '13987654321', primary: true }],
};
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('crm-hub tail', function () {
  this.timeout(60_000);
  const avroTopic = uniqueName('tail-avro');
  const jsonTopic = uniqueName('tail-json');
  const tokens = { viewer: 'tail-viewer-token', operator: 'tail-operator-token' };
  let hub: HubHttpServer;
  let hubUrl: string;
  let noTokenDir: string;
  let env: NodeJS.ProcessEnv;

  const tail = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const run = await runCli(['tail', ...args], { ...env, ...extra });
    const lines = run.stdout.split('\n').filter(Boolean);
    return { ...run, lines, records: () => lines.map((line) => JSON.parse(line) as TailedLine) };
  };

  before(async () => {
    const { kafka, registry } = infrastructure();
    const catalog = await SchemaCatalog.load();
    const serde = new AvroSerde(new SchemaRegistryClient(registry.url));
    const schema = catalog.registrySchema('crmhub.customer.Customer');
    const client = new KafkajsClient({ brokers: kafka.brokers });
    const admin = await client.admin();
    const producer = await client.producer();
    try {
      await admin.ensureTopics([
        { topic: avroTopic, partitions: 1 },
        { topic: jsonTopic, partitions: 1 },
      ]);
      await producer.send(avroTopic, [
        {
          key: ZHANG.customerId as string,
          value: await serde.encode(`${avroTopic}-value`, schema, ZHANG),
          headers: { traceparent: TRACEPARENT, 'x-source-system': 'crm' },
        },
        // A schema id no registry holds: undecodable, shown with its reason, the tail goes on.
        { key: 'C000000000000', value: Buffer.from([0, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3]) },
        { key: WANG.customerId, value: await serde.encode(`${avroTopic}-value`, schema, WANG) },
        {
          key: ZHANG.customerId as string,
          value: await serde.encode(`${avroTopic}-value`, schema, { ...ZHANG, valueSegment: 'PLATINUM' }),
        },
      ]);
      await producer.send(jsonTopic, [
        {
          key: 'T-1',
          value: Buffer.from(
            JSON.stringify({ ticketNumber: 'T-1', callerName: '李娜', callerPhone: '13712345678', note: 'call back 13712345678' }),
          ),
          headers: { 'content-type': 'application/json' },
        },
        { key: 'T-2', value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
        { key: 'T-3', value: Buffer.from(JSON.stringify({ ticketNumber: 'T-3', callerName: '赵敏', email: 'zhao.min@example.cn' })) },
      ]);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
    // The hub's own HTTP server, which knows the tokens: what `--unmasked` asks.
    hub = new HubHttpServer(createLogger({ level: 'error' }), {
      tokens: new ApiTokens(
        Object.entries(tokens).map(([role, token]) => ({
          name: `${role}-one`,
          role: role as 'viewer' | 'operator',
          sha256: sha256Hex(token),
        })),
      ),
      openPaths: new Set(['/health']),
    });
    hubUrl = `http://127.0.0.1:${await hub.listen(0, '127.0.0.1')}`;
    // No admin-token file to fall back on: a token is only what the test passes.
    noTokenDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-tail-'));
    env = cleanEnv({
      KAFKA_BROKERS: kafka.brokers.join(','),
      SCHEMA_REGISTRY_URL: registry.url,
      CRM_HUB_URL: hubUrl,
      CRM_HUB_DATA_DIR: noTokenDir,
    });
  });

  after(async () => {
    await hub?.close();
    fs.rmSync(noTokenDir, { recursive: true, force: true });
  });

  it('decodes Avro through the registry with headers, masks personal data, and shows an undecodable record with its reason and goes on', async () => {
    const run = await tail([avroTopic, '--from-beginning', '--count', '4', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const records = run.records();
    expect(records.map((record) => `${record.partition}:${record.offset}:${record.key}`)).to.deep.equal([
      '0:0:C440300000123',
      '0:1:C000000000000',
      '0:2:C310100000456',
      '0:3:C440300000123',
    ]);
    const [zhang, bad, wang, zhangAgain] = records as [TailedLine, TailedLine, TailedLine, TailedLine];

    expect(zhang.headers).to.deep.equal({ traceparent: TRACEPARENT, 'x-source-system': 'crm' });
    expect(zhang.format).to.equal('avro');
    expect(zhang.schema?.name).to.equal('crmhub.customer.Customer');
    expect(zhang.value).to.include({
      customerId: 'C440300000123',
      customerType: 'PERSON',
      valueSegment: 'GOLD',
      updatedAt: '2026-11-23T08:29:58.123Z',
    });
    // Personal fields masked as the API masks them for a viewer: recognisable, not usable.
    expect(zhang.value!.fullName).to.equal('张*');
    expect(zhang.value!.idNumber).to.equal('440305********0132');
    expect(zhang.value!.email).to.equal('z***@example.com.cn');
    expect((zhang.value!.phones as { number: string }[])[0]!.number).to.equal('138****5678');
    expect(run.stdout)
      .to.not.contain('张伟')
      .and.not.contain('13812345678')
      .and.not.contain(ZHANG.idNumber as string)
      .and.not.contain('zhang.wei@');
    expect(wang.value).to.include({ customerId: 'C310100000456', fullName: '王**' });
    expect(zhangAgain.value).to.include({ valueSegment: 'PLATINUM' });

    expect(bad.value).to.equal(undefined);
    expect(bad.error?.code).to.equal('SCHEMA_ID_UNKNOWN');
    expect(bad.error?.message).to.contain('schema id 2147483647');
    expect(bad).to.include({ size: 8, preview: '00 7f ff ff ff 01 02 03' });
  });

  it('shows only the records of one key with --key', async () => {
    const run = await tail([avroTopic, '--from-beginning', '--count', '2', '--json', '--key', 'C440300000123']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.records().map((record) => `${record.offset}:${record.key}:${record.value?.valueSegment}`)).to.deep.equal([
      '0:C440300000123:GOLD',
      '3:C440300000123:PLATINUM',
    ]);
  });

  it('reads a JSON topic, masks by field name and by pattern, and prints one readable line per record by default', async () => {
    const json = await tail([jsonTopic, '--from-beginning', '--count', '3', '--json']);
    expect(json.code, json.stderr).to.equal(0);
    const [first, bad, third] = json.records() as [TailedLine, TailedLine, TailedLine];
    expect(first).to.include({ key: 'T-1', format: 'json' });
    expect(first.headers).to.deep.equal({ 'content-type': 'application/json' });
    expect(first.value).to.deep.equal({
      ticketNumber: 'T-1',
      callerName: '李*',
      callerPhone: '137****5678',
      note: 'call back 137****5678',
    });
    expect(bad.error?.code).to.equal('JSON_INVALID');
    expect(bad.preview).to.equal('de ad be ef');
    expect(third.value).to.deep.equal({ ticketNumber: 'T-3', callerName: '赵*', email: 'z***@example.cn' });

    const text = await tail([jsonTopic, '--from-beginning', '--count', '3']);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.lines).to.have.length(3);
    expect(text.lines[0]).to.match(
      /^\d{4}-\d\d-\d\dT\S+Z {2}0:0 {2}key=T-1 \{"content-type":"application\/json"\} {2}\{"ticketNumber":"T-1","callerName":"李\*"/,
    );
    expect(text.lines[1]).to.match(/ {2}0:1 {2}key=T-2 {2}UNDECODABLE JSON_INVALID: .*\[4 bytes: de ad be ef\]$/);
    expect(text.stdout).to.not.contain('李娜').and.not.contain('13712345678').and.not.contain('zhao.min@');
  });

  it('refuses --unmasked without a token the hub confirms as operator or admin, and shows personal data whole with one', async () => {
    const anonymous = await tail([avroTopic, '--from-beginning', '--count', '1', '--json', '--unmasked']);
    expect(anonymous.code).to.equal(1);
    expect(anonymous.stdout).to.equal('');
    expect(anonymous.stderr).to.contain('UNMASKED_REFUSED').and.contain('--token');

    const viewer = await tail([avroTopic, '--from-beginning', '--count', '1', '--json', '--unmasked', '--token', tokens.viewer]);
    expect(viewer.code).to.equal(1);
    expect(viewer.stdout).to.equal('');
    expect(viewer.stderr).to.contain('UNMASKED_REFUSED').and.contain('viewer-one has the viewer role');

    const operator = await tail([avroTopic, '--from-beginning', '--count', '1', '--json', '--unmasked'], {
      CRM_HUB_TOKEN: tokens.operator,
    });
    expect(operator.code, operator.stderr).to.equal(0);
    const [zhang] = operator.records() as [TailedLine];
    expect(zhang.value).to.include({ fullName: '张伟', idNumber: ZHANG.idNumber, email: 'zhang.wei@example.com.cn' });
  });

  it('names a topic that does not exist, with the closest ones', async () => {
    const run = await tail([`${avroTopic}x`, '--count', '1']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain(`TOPIC_NOT_FOUND: topic ${avroTopic}x does not exist`).and.contain(avroTopic);
    expect(run.stderr).to.not.match(/\n\s+at /);
  });
});
