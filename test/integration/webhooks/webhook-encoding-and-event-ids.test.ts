import { expect } from 'chai';
import iconv from 'iconv-lite';
import type { IncomingRecord } from '../../../src/platform/kafka/kafka-client.js';
import { WEBHOOK_EVENTS_TOPIC } from '../../../src/connect/runtime/connector-runtime.js';
import { sampleCustomer } from '../../fixtures/sample-records.js';
import { sendWebhook } from '../../../src/demo/webhook-sender.js';
import { uniqueName } from '../infrastructure.js';
import { instanceConfig, serveWebhooks, startRuntime, type RuntimeHarness } from '../../support/runtime-harness.js';

const TOPIC = 'crm.customer.v1';
const SECRET = 'whsec-7a30';

/** A CRM customer in Guangzhou: names and address that GBK can spell. */
function customer(customerId: string, fullName = '张三'): Record<string, unknown> {
  const { meta: _meta, ...rest } = sampleCustomer();
  return {
    ...rest,
    customerId,
    fullName,
    addresses: [
      {
        type: 'HOME',
        province: '广东省',
        city: '广州市',
        district: '天河区',
        street: '天河路385号',
        postalCode: '510620',
        countryCode: 'CN',
      },
    ],
  };
}

const json = (charset: string): Record<string, string> => ({ 'content-type': `application/json; charset=${charset}` });

describe('webhook bodies: charsets and reused event ids, on the real broker', function () {
  this.timeout(120_000);
  const instance = instanceConfig({
    connector: 'http-source',
    webhook: { secret: SECRET, toleranceSeconds: 300, maxBodyBytes: 64 * 1024 },
    config: {
      topic: TOPIC,
      keyField: 'customerId',
      eventType: 'CustomerUpdated',
      webhook: { eventIdField: 'eventId', recordsField: 'records' },
    },
  });
  let harness: RuntimeHarness;
  let webhooks: { url: string; close(): void };

  const serve = async (): Promise<void> => {
    harness = await startRuntime([instance]);
    webhooks = await serveWebhooks(harness, instance.name);
  };
  before(serve);
  after(async () => {
    webhooks?.close();
    await harness?.stop();
  });

  /** This test's records on the topic (everything the broker acknowledged, since 200 comes after the ack). */
  async function mine(prefix: string): Promise<IncomingRecord[]> {
    return (await harness.client.readToEnd(TOPIC)).filter((record) => record.key?.toString().startsWith(prefix));
  }

  it('refuses bytes that are not the declared encoding with 400 BODY_ENCODING_INVALID, and produces nothing', async () => {
    const prefix = uniqueName('ENC-BAD');
    // GBK sent without saying so: the bytes of 张三 are not UTF-8 (they used to be stored as "���").
    const undeclared = iconv.encode(JSON.stringify({ eventId: `${prefix}-1`, records: [customer(`${prefix}-1`)] }), 'gbk');
    const answer = await sendWebhook(webhooks.url, undeclared, { secret: SECRET });
    expect(answer.status).to.equal(400);
    expect(answer.body).to.have.nested.property('error.code', 'BODY_ENCODING_INVALID');
    expect((answer.body as { error: { message: string } }).error.message)
      .to.contain('UTF-8')
      .and.to.contain('offset');
    // Declared GBK, but a byte no GBK character starts with.
    const broken = Buffer.concat([
      iconv.encode(`{"eventId":"${prefix}-2","records":[{"customerId":"${prefix}-2","fullName":"张`, 'gbk'),
      Buffer.from([0xff]),
      Buffer.from('"}]}'),
    ]);
    const brokenAnswer = await sendWebhook(webhooks.url, broken, { secret: SECRET, headers: json('gbk') });
    expect(brokenAnswer.status).to.equal(400);
    expect(brokenAnswer.body).to.have.nested.property('error.code', 'BODY_ENCODING_INVALID');
    expect(await mine(prefix)).to.deep.equal([]);
  });

  it('decodes GBK and GB18030 bodies by their declared charset: the Chinese text arrives intact', async () => {
    const prefix = uniqueName('ENC-GB');
    const sent = [
      { charset: 'gbk', id: `${prefix}-gbk`, fullName: '张三' },
      { charset: 'GB18030', id: `${prefix}-gb18030`, fullName: '李四𠀾' }, // the last one only GB18030's four-byte range spells
    ];
    for (const { charset, id, fullName } of sent) {
      const body = iconv.encode(JSON.stringify({ eventId: id, records: [customer(id, fullName)] }), 'gb18030');
      const answer = await sendWebhook(webhooks.url, body, { secret: SECRET, headers: json(charset) });
      expect(answer.status, `${charset}: ${JSON.stringify(answer.body)}`).to.equal(200);
      expect(answer.body).to.deep.include({ status: 'accepted', records: 1 });
    }
    const records = await mine(prefix);
    expect(records).to.have.length(2);
    for (const { id, fullName } of sent) {
      const record = records.find((r) => r.key!.toString() === id)!;
      const value = (await harness.serde.decode(record.value)).value as {
        fullName: string;
        addresses: { city: string; district: string; street: string }[];
      };
      expect(value.fullName).to.equal(fullName);
      expect(value.addresses[0]).to.include({ city: '广州市', district: '天河区', street: '天河路385号' });
    }
  });

  it('refuses a charset it does not read with 415 naming the supported ones, and produces nothing', async () => {
    const prefix = uniqueName('ENC-415');
    for (const charset of ['latin1', 'utf-16', 'klingon']) {
      const body = Buffer.from(
        JSON.stringify({ eventId: `${prefix}-${charset}`, records: [customer(`${prefix}-${charset}`, 'Zhang San')] }),
      );
      const answer = await sendWebhook(webhooks.url, body, { secret: SECRET, headers: json(charset) });
      expect(answer.status, charset).to.equal(415);
      expect(answer.body).to.have.nested.property('error.code', 'BODY_ENCODING_UNSUPPORTED');
      expect((answer.body as { error: { message: string } }).error.message)
        .to.contain(charset)
        .and.to.contain('UTF-8, GBK, GB18030');
    }
    expect(await mine(prefix)).to.deep.equal([]);
  });

  it("refuses a body its connector's schema refuses with 400 BODY_INVALID naming each field in the words of every schema issue", async () => {
    const prefix = uniqueName('SCHEMA-BAD');
    const body = Buffer.from(JSON.stringify({ eventI: `${prefix}-1`, records: [customer(`${prefix}-1`)] }));
    const answer = await sendWebhook(webhooks.url, body, { secret: SECRET });
    expect(answer.status).to.equal(400);
    expect((answer.body as { error: unknown }).error).to.deep.equal({
      code: 'BODY_INVALID',
      message: `the body does not match the ${instance.name} webhook schema: eventId: is required`,
      details: [{ path: 'eventId', message: 'is required' }],
    });
    const empty = await sendWebhook(webhooks.url, Buffer.from(JSON.stringify({ eventId: '' })), { secret: SECRET });
    expect((empty.body as { error: { details: unknown } }).error.details).to.deep.equal([
      { path: 'eventId', message: 'must NOT have fewer than 1 characters' },
    ]);
    expect(await mine(prefix)).to.deep.equal([]);
  });

  it('answers 409 EVENT_ID_REUSED to an event id already accepted with another body, producing nothing; the same body again is a 200 duplicate', async () => {
    const prefix = uniqueName('EVT');
    const eventId = `${prefix}-evt`;
    const first = { eventId, records: [customer(`${prefix}-first`)] };
    expect((await sendWebhook(webhooks.url, first, { secret: SECRET })).status).to.equal(200);

    const reused = await sendWebhook(webhooks.url, { eventId, records: [customer(`${prefix}-second`, '王五')] }, { secret: SECRET });
    expect(reused.status).to.equal(409);
    expect(reused.body).to.have.nested.property('error.code', 'EVENT_ID_REUSED');
    expect((reused.body as { error: { message: string } }).error.message).to.contain(eventId);

    // The same event, however it is spelled: as sent, with its keys reordered and spaced out, and in GBK.
    const respaced = Buffer.from(JSON.stringify({ records: first.records, eventId }, null, 2));
    for (const [what, again, headers] of [
      ['as sent', Buffer.from(JSON.stringify(first)), {}],
      ['respaced', respaced, {}],
      ['in GBK', iconv.encode(JSON.stringify(first), 'gbk'), json('gbk')],
    ] as const) {
      const answer = await sendWebhook(webhooks.url, again, { secret: SECRET, headers });
      expect(answer.status, what).to.equal(200);
      expect(answer.body, what).to.deep.include({ status: 'duplicate', eventId });
    }
    expect((await mine(prefix)).map((r) => r.key!.toString())).to.deep.equal([`${prefix}-first`]);
  });

  // Compatibility, not a fault: marks stored before they kept a body hash are still read, as duplicates.
  it('still takes a repeat of an event marked without a body hash (an older hub) for a duplicate, after a restart', async () => {
    const prefix = uniqueName('OLD');
    const eventId = `${prefix}-evt`;
    const producer = await harness.client.producer();
    try {
      await producer.send(WEBHOOK_EVENTS_TOPIC, [
        { key: `${instance.name}/${eventId}`, value: Buffer.from(JSON.stringify({ at: '2026-12-01T08:00:00.000Z' })) },
      ]);
    } finally {
      await producer.disconnect();
    }
    webhooks.close();
    await harness.stop();
    await serve(); // the marks are read whole at start
    const answer = await sendWebhook(webhooks.url, { eventId, records: [customer(`${prefix}-1`)] }, { secret: SECRET });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.include({ status: 'duplicate', eventId });
    expect(await mine(prefix)).to.deep.equal([]);
  });
});
