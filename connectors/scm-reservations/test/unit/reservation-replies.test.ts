import { expect } from 'chai';
import type { ConnectorContext, DeliveryOutcome, SinkRecord, SourceRecord } from '../../../../src/connect/sdk/connector-definition.js';
import { connectorDefinitionProblems } from '../../../../src/connect/sdk/connector-definition-check.js';
import { createConnectorHttpClient } from '../../../../src/connect/runtime/connector-http-client.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';
import type { BackOfficeSimulator } from '../../../../src/demo/back-office-simulator.js';
import { startScmSimulator } from '../../../../src/demo/scm-simulator.js';
import { sampleServiceRequest } from '../../../../test/fixtures/sample-records.js';
import reservationSink from '../../index.js';

const TOKEN = 'scm-token-unit';
const signal = new AbortController().signal;
const context: ConnectorContext = {
  instance: 'scm-reservations-unit',
  logger: createLogger({ level: 'error' }),
  http: createConnectorHttpClient,
};

function ticketRecord(overrides: Record<string, unknown>, offset: number): SinkRecord {
  const value = { ...sampleServiceRequest(), ...overrides };
  return {
    topic: 'service.request.v1',
    partition: 0,
    offset: String(offset),
    key: String(value.ticketNumber),
    value,
    schemaName: 'crmhub.service.ServiceRequest',
    headers: {},
  };
}

const repliesOf = (outcome: DeliveryOutcome | undefined): SourceRecord[] => {
  if (!outcome?.ok) return expect.fail(`expected a delivered outcome, got ${JSON.stringify(outcome)}`);
  return outcome.records ?? [];
};

describe('scm-reservations: each reservation the SCM accepted, on scm.reservation.v1', () => {
  let scm: BackOfficeSimulator;

  beforeEach(async () => {
    scm = await startScmSimulator({ auth: { bearerToken: TOKEN } });
  });
  afterEach(() => scm.close());

  const sink = () =>
    reservationSink.create(
      {
        baseUrl: scm.url,
        bearerToken: TOKEN,
        plant: 'WH-SZ',
        storageLocation: '01',
        reservationsPath: '/api/reservations',
        skipStatuses: ['RESOLVED', 'CLOSED', 'CANCELLED'],
        timeoutMs: 2000,
      },
      context,
    );

  it('declares the topic it replies on, and is a valid sink definition', () => {
    expect(reservationSink.kind).to.equal('sink');
    expect(reservationSink.kind === 'sink' && reservationSink.produces).to.deep.equal(['scm.reservation.v1']);
    expect(connectorDefinitionProblems(reservationSink, 'scm-reservations')).to.deep.equal([]);
  });

  it('replies one PartReservation per reserved part, keyed by the reservation number, referencing the ticket', async () => {
    const before = Date.now();
    const [outcome] = await (await sink()).deliver([ticketRecord({}, 1)], signal);
    const after = Date.now();
    const replies = repliesOf(outcome);
    const type = (await SchemaCatalog.load()).type('PartReservation');

    expect(replies.map((reply) => [reply.topic, reply.key])).to.deep.equal([
      ['scm.reservation.v1', 'SR20261123000157/CMP-35-INV'],
      ['scm.reservation.v1', 'SR20261123000157/CAP-35UF'],
    ]);
    for (const reply of replies) {
      expect(type.isValid(reply.value), JSON.stringify(reply.value)).to.equal(true);
      expect(Date.parse(String(reply.value.reservedAt))).to.be.within(before, after);
      expect(reply.value.meta).to.deep.include({
        eventId: `scm-reservations-unit:${String(reply.key)}:1`,
        eventType: 'PartsReserved',
        sourceSystem: 'scm',
        occurredAt: reply.value.reservedAt,
        // The reservation continues the ticket's correlation.
        correlationId: 'corr-20261123-000158',
      });
    }
    expect(replies[1]!.value).to.deep.include({
      reservationNumber: 'SR20261123000157/CAP-35UF',
      reference: 'SR20261123000157',
      partNumber: 'CAP-35UF',
      quantity: 2,
      warehouseCode: 'WH-SZ-01',
      requester: 'ENG-0217',
      neededBy: '2026-11-25T09:47:12.000Z',
    });
    // What was replied is what the SCM holds.
    expect(scm.records('reservations').map((held) => [held.rsnum, held.reference, held.matnr, held.menge])).to.have.deep.members(
      replies.map((reply) => [reply.value.reservationNumber, reply.value.reference, reply.value.partNumber, reply.value.quantity]),
    );
  });

  it('replies again with the same event ids when the ticket is redelivered, the SCM answering from its idempotency store', async () => {
    const connector = await sink();
    const first = repliesOf((await connector.deliver([ticketRecord({}, 1)], signal))[0]);
    const again = repliesOf((await connector.deliver([ticketRecord({}, 1)], signal))[0]);
    expect(again.map((reply) => (reply.value.meta as { eventId: string }).eventId)).to.deep.equal(
      first.map((reply) => (reply.value.meta as { eventId: string }).eventId),
    );
    expect(scm.received('reservations')).to.have.length(2);
  });

  it('replies nothing for a ticket it reserves nothing for, nor for one the stock cannot cover', async () => {
    const outcomes = await (
      await sink()
    ).deliver(
      [
        ticketRecord({ ticketNumber: 'SR-CLOSED', status: 'CLOSED' }, 1),
        ticketRecord({ ticketNumber: 'SR-NO-PARTS', partsRequested: [] }, 2),
        // 5 free compressors in WH-SZ/01 (6 on hand, 1 reserved): 9 cannot be covered.
        ticketRecord({ ticketNumber: 'SR-SHORT', partsRequested: [{ partNumber: 'CMP-35-INV', quantity: 9 }] }, 3),
      ],
      signal,
    );
    expect(repliesOf(outcomes[0])).to.deep.equal([]);
    expect(repliesOf(outcomes[1])).to.deep.equal([]);
    expect(outcomes[2]).to.include({ ok: false });
    expect(scm.records('reservations')).to.deep.equal([]);
  });
});
