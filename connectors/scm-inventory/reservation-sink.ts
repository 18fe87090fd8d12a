import { randomUUID } from 'node:crypto';
import {
  defineConnector,
  type ConfigOf,
  type DeliveryOutcome,
  type JSONSchema,
  type SinkRecord,
  type SourceRecord,
} from '../../src/connect/sdk/connector-definition.js';
import { apiBaseUrlProperty, apiBearerTokenProperty, REQUEST_TIMEOUT_PROPERTY } from '../../src/connect/sdk/http-api-properties.js';
import { requestHeaders } from '../../src/connect/sdk/api-request-headers.js';
import { DeliveryError } from '../../src/connect/sdk/delivery-error.js';
import { deliveryErrorFromHttp } from '../../src/connect/sdk/http-failure-classifier.js';
import { RESERVATION_TOPIC, toReservation, toReservationRecord } from './scm-mapping.js';

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'plant', 'storageLocation'],
  properties: {
    baseUrl: apiBaseUrlProperty('SCM API', 'https://scm.example.com'),
    bearerToken: apiBearerTokenProperty('SCM API user', 'SCM_TOKEN'),
    plant: { type: 'string', minLength: 1, description: 'Plant (werks) parts are reserved in, e.g. WH-SZ' },
    storageLocation: { type: 'string', minLength: 1, description: 'Storage location (lgort) within the plant, e.g. 01' },
    reservationsPath: { type: 'string', default: '/api/reservations', description: 'Reservation resource (POST)' },
    skipStatuses: {
      type: 'array',
      items: { type: 'string' },
      default: ['RESOLVED', 'CLOSED', 'CANCELLED'],
      description: 'Ticket statuses for which nothing is reserved',
    },
    timeoutMs: REQUEST_TIMEOUT_PROPERTY,
  },
} as const satisfies JSONSchema;

/**
 * Reserves the parts a service ticket asks for, and reports every reservation the SCM accepted on
 * scm.reservation.v1 as the delivery's reply (the runtime produces it before the ticket's offset is
 * committed). Its own definition because a connector has one kind; it lives with scm-inventory
 * because both speak the same SCM API.
 */
export default defineConnector<ConfigOf<typeof spec>>({
  name: 'scm-reservations',
  version: '1.0.0',
  kind: 'sink',
  description:
    'Reserves in the SCM the spare parts each service ticket requests (POST /api/reservations, idempotent per ticket and part) and reports each reservation the SCM accepted on scm.reservation.v1; parts out of stock are dead-lettered with the reason.',
  consumes: ['service.request.v1'],
  produces: [RESERVATION_TOPIC],
  spec,
  create(config, context) {
    const http = context.http({
      baseURL: config.baseUrl,
      timeoutMs: config.timeoutMs,
      allowedHosts: context.allowedHosts ?? [new URL(config.baseUrl).hostname],
    });
    const target = { plant: config.plant, storageLocation: config.storageLocation };

    async function reserveParts(record: SinkRecord): Promise<DeliveryOutcome> {
      const ticket = record.value;
      const parts = Array.isArray(ticket.partsRequested) ? (ticket.partsRequested as Record<string, unknown>[]) : [];
      if (parts.length === 0 || config.skipStatuses.includes(String(ticket.status))) return { ok: true };
      const ticketMeta = (ticket.meta ?? {}) as Record<string, unknown>;
      const correlationId = typeof ticketMeta.correlationId === 'string' ? ticketMeta.correlationId : randomUUID();
      const accepted: SourceRecord[] = [];
      // Parts go one after the other: a retry repeats those already reserved, which the SCM answers from its idempotency store.
      for (const part of parts) {
        const reservation = toReservation(ticket, part, target);
        const headers = {
          'Content-Type': 'application/json',
          ...requestHeaders({ idempotencyKey: `reservation-${String(reservation.rsnum)}`, bearerToken: config.bearerToken }),
        };
        try {
          const answer = await http.post(config.reservationsPath, reservation, { headers });
          // The SCM answers a replay with the first answer: the same version, so the same event id.
          const version = (answer.data as { version?: unknown } | undefined)?.version;
          const eventId = `${context.instance}:${String(reservation.rsnum)}:${typeof version === 'number' ? version : 1}`;
          accepted.push(toReservationRecord(reservation, { eventId, correlationId }, new Date().toISOString()));
        } catch (error) {
          const failure = deliveryErrorFromHttp(error, `POST ${config.reservationsPath} ${String(reservation.rsnum)}`);
          if (failure instanceof DeliveryError && failure.status === 409) {
            const reason = `stock not available: ${String(part.quantity)} × ${String(part.partNumber)} in ${config.plant}/${config.storageLocation} for ticket ${String(ticket.ticketNumber)}`;
            return {
              ok: false,
              error: new DeliveryError('SCM_STOCK_NOT_AVAILABLE', `${reason} (${failure.message})`, {
                retriable: false,
                status: 409,
                cause: failure,
              }),
            };
          }
          return { ok: false, error: failure };
        }
      }
      return { ok: true, records: accepted };
    }

    return { deliver: (records) => Promise.all(records.map(reserveParts)) };
  },
});
