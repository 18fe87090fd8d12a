import { expect } from 'chai';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import { DEAD_LETTER_HEADER } from '../../../../src/platform/headers/dead-letter-headers.js';
import { sampleCustomer } from '../../../../test/fixtures/sample-records.js';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { infrastructure, uniqueName } from '../../../../test/integration/infrastructure.js';
import { instanceConfig, readUntil, startRuntime, waitFor, type RuntimeHarness } from '../../../../test/support/runtime-harness.js';
import { seededDeskTickets, startServiceDeskSimulator, type ServiceDeskSimulator } from '../../../../src/demo/service-desk-simulator.js';
import { startRuntimeWith } from '../../../crm/test/integration/runtime-with-definitions.js';
import contextSink from '../../customer-context-sink.js';

const TOPIC = 'service.request.v1';
const TOKEN = 'desk-token-5c1d';
/** The channel each source the simulator writes must arrive as (written out here, not taken from the mapping under test). */
const CHANNEL_OF_SOURCE: Record<string, string> = {
  电话: 'PHONE',
  TEL: 'PHONE',
  传真: 'FAX',
  邮件: 'EMAIL',
  网页: 'WEB',
  WEB: 'WEB',
  短信: 'SMS',
};

describe('service-desk connector on the real broker against the service desk simulator', function () {
  this.timeout(120_000);
  let desk: ServiceDeskSimulator | undefined;
  let harness: RuntimeHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await desk?.close();
    desk = undefined;
  });

  it('polls tickets onto service.request.v1, dead-letters one with an unknown channel, and reports a wrong token', async () => {
    const prefix = uniqueName('SR');
    const tickets: Record<string, unknown>[] = seededDeskTickets(15).map((t) => ({ ...t, ticketNo: `${prefix}-${String(t.ticketNo)}` }));
    tickets.push({ ...tickets[0], ticketNo: `${prefix}-bad`, source: '微信' });
    desk = await startServiceDeskSimulator({ bearerToken: TOKEN, tickets });
    const good = instanceConfig({
      connector: 'service-desk',
      schedule: '*/1 * * * * *',
      config: { baseUrl: desk.url, bearerToken: TOKEN, sourceSystem: 'call-centre', pageSize: 5, timeoutMs: 2000 },
    });
    const wrong = instanceConfig({
      connector: 'service-desk',
      schedule: '*/1 * * * * *',
      config: { baseUrl: desk.url, bearerToken: 'wrong', sourceSystem: 'call-centre', pageSize: 5, timeoutMs: 2000 },
    });
    harness = await startRuntime([good, wrong]);
    const mine = <T extends { key: Buffer | null }>(records: T[]): T[] =>
      records.filter((r) => r.key?.toString().startsWith(`${prefix}-SR`));
    const all = mine(
      await readUntil(harness.client, TOPIC, (records) => new Set(mine(records).map((r) => r.key!.toString())).size >= 15, 40_000),
    );
    const value = (await harness.serde.decode(all.find((r) => r.key!.toString() === tickets[0]!.ticketNo)!.value)).value as Record<
      string,
      unknown
    >;
    expect(value).to.deep.include({
      ticketNumber: tickets[0]!.ticketNo,
      customerId: tickets[0]!.custNo,
      callerPhone: tickets[0]!.contactTel,
    });
    const channels = new Map<string, unknown>();
    for (const record of all)
      channels.set(record.key!.toString(), ((await harness.serde.decode(record.value)).value as { channel: unknown }).channel);
    expect(Object.fromEntries(channels)).to.deep.equal(
      Object.fromEntries(tickets.slice(0, 15).map((ticket) => [ticket.ticketNo, CHANNEL_OF_SOURCE[String(ticket.source)]])),
    );
    const [letter] = await readUntil(harness.client, good.deadLetterTopic, (records) => records.length >= 1);
    expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('AVRO_VALUE_INVALID');
    expect(JSON.parse(letter!.value!.toString()).ticketNumber).to.equal(`${prefix}-bad`);
    await waitFor(() => harness!.runtime.status(wrong.name).lastError !== undefined, 15_000, 'the refused poll');
    expect(harness.runtime.status(wrong.name).lastError!.message).to.contain('401');
  });

  describe('customer context (service-desk-context)', () => {
    async function produceCustomers(topic: string, customers: Record<string, unknown>[]): Promise<void> {
      const schema = harness!.schemas.registrySchema('Customer');
      const producer = await harness!.client.producer();
      await producer.send(
        topic,
        await Promise.all(
          customers.map(async (c) => ({
            key: String(c.customerId),
            value: await harness!.serde.encode(valueSubject(topic), schema, c),
            headers: {},
          })),
        ),
      );
      await producer.disconnect();
    }

    it("patches the customer's open tickets through 503s, and dead-letters on 401 without retrying", async () => {
      const tickets = seededDeskTickets(40);
      desk = await startServiceDeskSimulator({ bearerToken: TOKEN, tickets });
      const custNo = String(tickets.find((t) => ['新建', '已派单', '处理中', '待备件'].includes(String(t.state)))!.custNo);
      const open = tickets
        .filter((t) => t.custNo === custNo && ['新建', '已派单', '处理中', '待备件'].includes(String(t.state)))
        .map((t) => t.ticketNo);
      const topic = uniqueName('it.desk.customers');
      const good = instanceConfig({
        connector: 'service-desk-context',
        topics: [topic],
        config: { baseUrl: desk.url, bearerToken: TOKEN, timeoutMs: 2000 },
      });
      const wrongTopic = uniqueName('it.desk.customers-auth');
      const wrong = instanceConfig({
        connector: 'service-desk-context',
        topics: [wrongTopic],
        config: { baseUrl: desk.url, bearerToken: 'wrong', timeoutMs: 2000 },
      });
      // The desk's store behind its PATCH answers 503 twice: the first PATCH of the record fails twice, the record is retried.
      desk.backOffice.failNext(2, 503, { method: 'put', path: /^\/api\/ticket-customer-contexts\// });
      // Topics exist before the sinks subscribe, so that neither starts after its record.
      const admin = await new KafkajsClient({ brokers: infrastructure().kafka.brokers }).admin();
      await admin.ensureTopics([
        { topic, partitions: 1 },
        { topic: wrongTopic, partitions: 1 },
      ]);
      await admin.disconnect();
      harness = await startRuntimeWith([contextSink], [good, wrong]);
      await produceCustomers(topic, [{ ...sampleCustomer(), customerId: custNo, fullName: '测试客户', valueSegment: 'PLATINUM' }]);
      await waitFor(() => desk!.contextWrites().length >= open.length, 20_000, 'the context of every open ticket');
      expect(
        desk
          .contextWrites()
          .map((w) => w.ticketNo)
          .sort(),
      ).to.deep.equal([...open].sort());
      expect(desk.contextWrites()[0]).to.deep.include({ custNo, custName: '测试客户', vipLevel: '钻石' });
      expect(desk.backOffice.stats().byStatus[503], 'the injected 503s were served').to.equal(2);

      await produceCustomers(wrongTopic, [{ ...sampleCustomer(), customerId: custNo }]);
      const [letter] = await readUntil(harness.client, wrong.deadLetterTopic, (records) => records.length >= 1);
      expect(letter!.headers[DEAD_LETTER_HEADER.errorCode]).to.equal('HTTP_401');
      expect(letter!.headers[DEAD_LETTER_HEADER.retriable]).to.equal('false');
    });
  });
});
