import { defineConnector, type ConfigOf, type JSONSchema, type SourceRecord } from '../../src/connectors/connector-definition.js';
import { pollChangeFeed } from '../../src/connectors/change-feed.js';
import { rejectingUnmappable } from '../../src/connectors/rejecting-unmappable.js';
import { claimEventNo, claimNumberOf, toCanonicalClaim, type ClaimMappingOptions } from './claim-event-mapping.js';

const TOPIC = 'claims.claim.v1';

const spec = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sourceSystem: { type: 'string', minLength: 1, default: 'claims', description: 'meta.sourceSystem of the records' },
    utcOffset: { type: 'string', pattern: '^[+-]\\d{2}:\\d{2}$', default: '+08:00', description: 'Zone of the system\'s local times (nodeTime, reportTime)' },
    lossTypes: {
      type: 'object',
      description: 'damageCode (出险原因) to the canonical lossType; an event with an unlisted code is dead-lettered',
      additionalProperties: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' },
      default: { '01': 'COLLISION', '02': 'ROLLOVER', '03': 'THEFT', '04': 'FIRE', '05': 'WATER_DAMAGE', '06': 'GLASS_BREAKAGE', '07': 'NATURAL_DISASTER', '21': 'HOSPITALISATION', '22': 'OUTPATIENT', '31': 'ACCIDENTAL_INJURY', '99': 'OTHER' },
    },
    poll: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      description: 'Pull mode: the system\'s changed-since event feed (needs a schedule on the instance)',
      properties: {
        url: { type: 'string', pattern: '^https?://', description: 'Event feed, e.g. https://claims.example.com/api/claim-events' },
        pageSize: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Events asked for per page' },
        startFrom: { type: 'string', format: 'date-time', description: 'Watermark of the very first poll; unset means from the beginning' },
        timeoutMs: { type: 'integer', minimum: 100, maximum: 120000, default: 10000 },
        bearerToken: { type: 'string', writeOnly: true, description: 'Bearer token of the feed, usually ${ENV_VAR}' },
      },
    },
  },
} as const satisfies JSONSchema;

export default defineConnector<ConfigOf<typeof spec>>({
  name: 'claims',
  version: '1.0.0',
  kind: 'source',
  description: 'Claim events (reported, registered, assessed, approved, paid, closed, rejected, reopened) with reserve and paid amounts from the claims system onto claims.claim.v1, by webhook and/or its changed-since feed.',
  produces: [TOPIC],
  spec,
  create(config, context) {
    const mapping: ClaimMappingOptions = { sourceSystem: config.sourceSystem, utcOffset: config.utcOffset, lossTypes: config.lossTypes };
    const toRecord = (event: unknown): SourceRecord => ({ topic: TOPIC, key: claimNumberOf(event), value: toCanonicalClaim(event, mapping) });
    const toRecordOrReject = rejectingUnmappable(toRecord, { topic: TOPIC, keyOf: claimNumberOf, describe: (event) => `claim event ${JSON.stringify(fieldOf(event, 'msgId'))}` }, context);

    const poll = config.poll;
    const http = poll ? context.http({ timeoutMs: poll.timeoutMs }) : undefined;

    return {
      poll: poll && http
        ? (stored, signal) =>
            pollChangeFeed(stored, { http, url: poll.url, pageSize: poll.pageSize, startFrom: poll.startFrom, bearerToken: poll.bearerToken, updatedAtOf: (event) => textOrNull(fieldOf(event, 'updatedAt')) }, toRecordOrReject, signal)
        : undefined,
      webhook: {
        bodySchema: { type: 'object', required: ['msgId', 'nodeCode', 'registNo'], properties: { msgId: { type: 'string', minLength: 1 }, nodeCode: { type: 'string' }, registNo: { type: 'string', minLength: 1 } } },
        eventId: (request) => claimEventNo(request.body),
        // A push answers for itself: a mapping failure is a 422 to the sender with the path to fix.
        toRecords: (request) => [toRecord(request.body)],
      },
    };
  },
});

function fieldOf(event: unknown, field: string): unknown {
  return typeof event === 'object' && event !== null ? (event as Record<string, unknown>)[field] ?? null : null;
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
