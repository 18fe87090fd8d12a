import { expect } from 'chai';
import { valueSubject } from '../../../../src/platform/avro/canonical-schema-registration.js';
import type { BackOfficeSimulator } from '../../../../src/demo/back-office-simulator.js';
import { startScmSimulator } from '../../../../src/demo/scm-simulator.js';
import { sampleServiceRequest } from '../../../../test/fixtures/sample-records.js';
import { uniqueName } from '../../../../test/integration/infrastructure.js';
import { connectorConfig, instanceConfig, readUntil, startRuntime, type RuntimeHarness } from '../../../../test/support/runtime-harness.js';

const TOKEN = 'scm-token-replies';
const REPLY_TOPIC = 'scm.reservation.v1';

describe('scm-reservations on the real broker: reservations the SCM accepted, on scm.reservation.v1', function () {
  this.timeout(120_000);
  let scm: BackOfficeSimulator | undefined;
  let harness: RuntimeHarness | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await scm?.close();
    scm = undefined;
  });

  it('produces one decodable PartReservation per reserved part through 503s, with the ticket as reference and its correlation id', async () => {
    scm = await startScmSimulator({ auth: { bearerToken: TOKEN } });
    const topic = uniqueName('it.scm.reservation-tickets');
    const instance = instanceConfig({
      connector: 'scm-reservations',
      topics: [topic],
      config: await connectorConfig('scm-reservations', {
        baseUrl: scm.url,
        bearerToken: TOKEN,
        plant: 'WH-SZ',
        storageLocation: '01',
        timeoutMs: 2000,
      }),
    });
    harness = await startRuntime([instance]);
    scm.failNext(1, 503, { path: /^\/api\/reservations/, retryAfterSeconds: 0 });

    const ticketNumber = uniqueName('SR');
    const correlationId = uniqueName('corr');
    const base = sampleServiceRequest();
    const ticket = { ...base, meta: { ...(base.meta as object), eventId: uniqueName('ev'), correlationId }, ticketNumber };
    const producer = await harness.client.producer();
    await producer.send(topic, [
      {
        key: ticketNumber,
        value: await harness.serde.encode(valueSubject(topic), harness.schemas.registrySchema('ServiceRequest'), ticket),
        headers: { 'correlation-id': correlationId },
      },
    ]);
    await producer.disconnect();

    const mine = <Read extends { key: Buffer | null }>(records: Read[]) =>
      records.filter((r) => r.key?.toString().startsWith(`${ticketNumber}/`));
    const read = mine(await readUntil(harness.client, REPLY_TOPIC, (records) => mine(records).length >= 2));
    const replies = await Promise.all(
      read.map(async (r) => ({ key: r.key!.toString(), headers: r.headers, value: (await harness!.serde.decode(r.value)).value })),
    );
    expect(replies.map((reply) => reply.key).sort()).to.deep.equal([`${ticketNumber}/CAP-35UF`, `${ticketNumber}/CMP-35-INV`]);
    for (const reply of replies) {
      const value = reply.value as Record<string, unknown>;
      expect(value).to.deep.include({
        reservationNumber: reply.key,
        reference: ticketNumber,
        warehouseCode: 'WH-SZ-01',
        requester: 'ENG-0217',
      });
      expect((value.meta as Record<string, unknown>).correlationId).to.equal(correlationId);
      expect(reply.headers['correlation-id']).to.equal(correlationId);
    }
    expect(scm.stats().byStatus[503]).to.equal(1);
    expect(scm.records('reservations')).to.have.length(2);
  });
});
