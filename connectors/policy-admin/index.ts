import { defineConnector, type ConfigOf, type JSONSchema, type SourceRecord } from '../../src/connect/sdk/connector-definition.js';
import { changeFeedPoll, changeFeedPollProperty } from '../../src/connect/sdk/change-feed-poll.js';
import { rejectingUnmappable } from '../../src/connect/sdk/rejecting-unmappable.js';
import { PRODUCT_LINES, policyEventNo, policyNumberOf, toCanonicalPolicy, type PolicyMappingOptions } from './policy-event-mapping.js';

const TOPIC = 'policy.policy.v1';

const spec = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sourceSystem: { type: 'string', minLength: 1, default: 'core-policy', description: 'meta.sourceSystem of the records' },
    amountUnit: {
      type: 'string',
      enum: ['fen', 'yuan'],
      default: 'fen',
      description: 'How the system states sumPremium and sumAmount: integer fen, or yuan with at most two decimals',
    },
    utcOffset: {
      type: 'string',
      pattern: '^[+-]\\d{2}:\\d{2}$',
      default: '+08:00',
      description: "Zone of the system's local times (eventTime, signTime)",
    },
    productLines: {
      type: 'object',
      description: 'riskCode, or its first letter (the class), to line of business; unlisted codes are OTHER',
      additionalProperties: { type: 'string', enum: PRODUCT_LINES },
      default: { D: 'MOTOR', E: 'ACCIDENT', H: 'HEALTH', L: 'LIFE', Q: 'PROPERTY', Z: 'LIABILITY', T: 'TRAVEL' },
    },
    poll: changeFeedPollProperty('https://policy.example.com/api/policy-events'),
  },
} as const satisfies JSONSchema;

export default defineConnector<ConfigOf<typeof spec>>({
  name: 'policy-admin',
  version: '1.0.0',
  kind: 'source',
  description:
    'Policy events (issued, endorsed, renewed, lapsed, cancelled) from the core policy administration system onto policy.policy.v1, by webhook and/or its changed-since feed.',
  produces: [TOPIC],
  receivesWebhooks: true,
  spec,
  create(config, context) {
    const mapping: PolicyMappingOptions = {
      sourceSystem: config.sourceSystem,
      amountUnit: config.amountUnit,
      utcOffset: config.utcOffset,
      productLines: config.productLines,
    };
    const toRecord = (event: unknown): SourceRecord => ({
      topic: TOPIC,
      key: policyNumberOf(event),
      value: toCanonicalPolicy(event, mapping),
    });
    const toRecordOrReject = rejectingUnmappable(
      toRecord,
      { topic: TOPIC, keyOf: policyNumberOf, describe: (event) => `policy event ${JSON.stringify(fieldOf(event, 'eventNo'))}` },
      context,
    );

    return {
      poll: changeFeedPoll(config.poll, context, (event) => textOrNull(fieldOf(event, 'updatedAt')), toRecordOrReject),
      webhook: {
        bodySchema: {
          type: 'object',
          required: ['eventNo', 'bizType', 'policy'],
          properties: {
            eventNo: { type: 'string', minLength: 1 },
            bizType: { type: 'string' },
            policy: { type: 'object', required: ['polNo'] },
          },
        },
        eventId: (request) => policyEventNo(request.body),
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
