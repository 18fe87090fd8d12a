import { defineConnector, type ConfigOf, type JSONSchema, type SourceRecord } from '../../src/connect/sdk/connector-definition.js';
import { changeFeedPoll, changeFeedPollProperty } from '../../src/connect/sdk/change-feed-poll.js';
import { rejectingUnmappable } from '../../src/connect/sdk/rejecting-unmappable.js';
import { claimEventNo, claimNumberOf, toCanonicalClaim, type ClaimMappingOptions } from './claim-event-mapping.js';

const TOPIC = 'claims.claim.v1';

const spec = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sourceSystem: { type: 'string', minLength: 1, default: 'claims', description: 'meta.sourceSystem of the records' },
    utcOffset: {
      type: 'string',
      pattern: '^[+-]\\d{2}:\\d{2}$',
      default: '+08:00',
      description: "Zone of the system's local times (nodeTime, reportTime)",
    },
    lossTypes: {
      type: 'object',
      description: 'damageCode (出险原因) to the canonical lossType; an event with an unlisted code is dead-lettered',
      additionalProperties: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' },
      default: {
        '01': 'COLLISION',
        '02': 'ROLLOVER',
        '03': 'THEFT',
        '04': 'FIRE',
        '05': 'WATER_DAMAGE',
        '06': 'GLASS_BREAKAGE',
        '07': 'NATURAL_DISASTER',
        '21': 'HOSPITALISATION',
        '22': 'OUTPATIENT',
        '31': 'ACCIDENTAL_INJURY',
        '99': 'OTHER',
      },
    },
    poll: changeFeedPollProperty('https://claims.example.com/api/claim-events'),
  },
} as const satisfies JSONSchema;

export default defineConnector<ConfigOf<typeof spec>>({
  name: 'claims',
  version: '1.0.0',
  kind: 'source',
  description:
    'Claim events (reported, registered, assessed, approved, paid, closed, rejected, reopened) with reserve and paid amounts from the claims system onto claims.claim.v1, by webhook and/or its changed-since feed.',
  produces: [TOPIC],
  receivesWebhooks: true,
  spec,
  create(config, context) {
    const mapping: ClaimMappingOptions = { sourceSystem: config.sourceSystem, utcOffset: config.utcOffset, lossTypes: config.lossTypes };
    const toRecord = (event: unknown): SourceRecord => ({
      topic: TOPIC,
      key: claimNumberOf(event),
      value: toCanonicalClaim(event, mapping),
    });
    const toRecordOrReject = rejectingUnmappable(
      toRecord,
      { topic: TOPIC, keyOf: claimNumberOf, describe: (event) => `claim event ${JSON.stringify(fieldOf(event, 'msgId'))}` },
      context,
    );

    return {
      poll: changeFeedPoll(config.poll, context, (event) => textOrNull(fieldOf(event, 'updatedAt')), toRecordOrReject),
      webhook: {
        bodySchema: {
          type: 'object',
          required: ['msgId', 'nodeCode', 'registNo'],
          properties: { msgId: { type: 'string', minLength: 1 }, nodeCode: { type: 'string' }, registNo: { type: 'string', minLength: 1 } },
        },
        eventId: (request) => claimEventNo(request.body),
        // A push answers for itself: a mapping failure is a 422 to the sender with the path to fix.
        toRecords: (request) => [toRecord(request.body)],
      },
    };
  },
});

function fieldOf(event: unknown, field: string): unknown {
  return typeof event === 'object' && event !== null ? ((event as Record<string, unknown>)[field] ?? null) : null;
}

function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
