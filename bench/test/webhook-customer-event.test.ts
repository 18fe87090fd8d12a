import { expect } from 'chai';
import axios from 'axios';
import { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { ConnectorCatalog } from '../../src/connect/sdk/connector-catalog.js';
import type { SourceConnector } from '../../src/connect/sdk/connector-definition.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../src/connect/sdk/webhook-signature.js';
import { activeCustomerPool, signedRequest, webhookCustomerEvent } from '../support/webhook-customer-event.js';
import { webhookSourceInstance } from '../support/webhook-source-instance.js';

/** The load generators' requests, read by the real http-source connector as the webhook reads them. */
describe('webhook customer events', () => {
  let schemas: SchemaCatalog;
  let source: SourceConnector;

  before(async () => {
    schemas = await SchemaCatalog.load();
    const instance = webhookSourceInstance('crm.customer.v1', 'secret');
    const definition = (await ConnectorCatalog.discover()).get('http-source');
    if (definition.kind !== 'source') expect.fail('http-source is a source');
    // The spec's defaults, as the hub config loader applies them.
    const config = { ...(instance.config as Record<string, unknown>), webhook: { eventIdField: 'eventId', recordsField: 'records' } };
    source = await definition.create(config, {
      instance: 'bench-load',
      logger: createLogger({ level: 'error' }),
      http: () => axios.create(),
    });
  });

  it('draws a pool of distinct ACTIVE customers, so that every event passes a status filter', () => {
    const pool = activeCustomerPool(50);
    expect(pool).to.have.length(50);
    expect(pool.every((customer) => customer.status === 'ACTIVE')).to.equal(true);
    expect(new Set(pool.map((customer) => customer.customerId)).size).to.equal(50);
  });

  it('becomes one valid crm.customer.v1 record keyed by customer id, carrying the event id and the send time', () => {
    const customer = activeCustomerPool(3)[2]!;
    const sentAt = Date.UTC(2026, 2, 1, 8, 0, 0, 123);
    const body = JSON.parse(webhookCustomerEvent(customer, 'run-1.42', sentAt)) as Record<string, unknown>;
    const request = { body, headers: {} };
    expect(source.webhook!.eventId(request)).to.equal('run-1.42');
    const records = source.webhook!.toRecords(request) as { topic: string; key: string; value: Record<string, unknown> }[];
    expect(records).to.have.length(1);
    const [record] = records;
    expect(record!.topic).to.equal('crm.customer.v1');
    expect(record!.key).to.equal(customer.customerId);
    expect(record!.value.meta).to.deep.include({ eventId: 'run-1.42', occurredAt: '2026-03-01T08:00:00.123Z' });
    expect(record!.value).to.not.have.property('eventId');
    expect(schemas.type('crmhub.customer.Customer').isValid(record!.value)).to.equal(true);
  });

  it('is signed over its exact bytes with a fresh timestamp, as the webhook verifies', () => {
    const body = webhookCustomerEvent(activeCustomerPool(1)[0]!, 'run-2.0', Date.now());
    const signed = signedRequest(body, 'secret');
    expect(signed.body).to.equal(body);
    expect(() => verifyWebhookSignature('secret', Buffer.from(body), signed.headers[SIGNATURE_HEADER], 300)).to.not.throw();
    expect(() => verifyWebhookSignature('other', Buffer.from(body), signed.headers[SIGNATURE_HEADER], 300)).to.throw(/does not match/);
  });
});
