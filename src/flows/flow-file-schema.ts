import type { FromSchema } from 'json-schema-to-ts';
import { expressionLimitsSchema } from '../expressions/expression-limits.js';

/** Flow names become consumer groups (`crm-hub.flow.<name>`) and dead-letter topics: kept simple. */
export const FLOW_NAME_PATTERN = '^[a-z][a-z0-9-]*$';
const TOPIC_NAME_PATTERN = '^[A-Za-z0-9._-]{1,249}$';

const topicName = { type: 'string', pattern: TOPIC_NAME_PATTERN } as const;

/**
 * Where messages go. One object form with both keys declared (rather than a oneOf of two forms)
 * so that a misspelt key gets "did you mean"; that exactly one of `topic` and `connector` is
 * given is checked by the compiler, which can say so plainly.
 */
export const flowDestinationSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    topic: {
      ...topicName,
      description:
        "A declared topic (schemas/topics.json or the flow's `topics:`); its values are written with `schema`, else the record declared for the topic.",
    },
    schema: { type: 'string', minLength: 1, description: 'Full (or unambiguous short) name of the record the values are written with.' },
    connector: {
      type: 'string',
      pattern: FLOW_NAME_PATTERN,
      description: 'A sink connector instance of the hub config, which receives the messages.',
    },
  },
} as const;

/**
 * A flow file (flows/*.yaml). Each default is declared here and only here; ajv applies them.
 * `errors.deadLetterTopic` defaults to `dlq.flow.<name>`, which depends on the name, so that one
 * default is applied by the compiler. Each step is a map of one key, its type; the step's own
 * config is checked against that type's spec from the step registry.
 */
export const flowFileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'from', 'steps'],
  properties: {
    name: {
      type: 'string',
      pattern: FLOW_NAME_PATTERN,
      description: 'Unique name of the flow; its consumer group is crm-hub.flow.<name>.',
    },
    description: { type: 'string', description: 'What the flow is for, in a sentence.' },
    from: {
      description: 'The topic, or topics, the flow consumes.',
      anyOf: [topicName, { type: 'array', minItems: 1, uniqueItems: true, items: topicName }],
    },
    topics: {
      type: 'object',
      description:
        'Topics of this flow that schemas/topics.json does not declare, by name: the record their values hold and how they are written. Every topic in from, to and route must be declared, here or there.',
      propertyNames: { pattern: TOPIC_NAME_PATTERN },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['schema'],
        properties: {
          schema: { type: 'string', minLength: 1, description: 'Full (or unambiguous short) name of the record the values hold.' },
          format: {
            enum: ['avro', 'json'],
            default: 'avro',
            description: 'avro (Confluent wire format) or json (UTF-8 JSON text of the record).',
          },
        },
      },
    },
    steps: {
      type: 'array',
      description: 'The steps each message goes through, in order; each is `- <type>: <config>`.',
      items: { type: 'object' },
    },
    to: {
      description: 'Where messages go when no `route` step chose for them: one destination or a list.',
      anyOf: [flowDestinationSchema, { type: 'array', minItems: 1, items: flowDestinationSchema }],
    },
    errors: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        retry: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'How a message whose processing fails with a retriable error is tried again (exponential backoff with jitter).',
          properties: {
            attempts: { type: 'integer', minimum: 1, default: 5, description: 'Total tries including the first.' },
            initialDelayMs: { type: 'integer', minimum: 0, default: 200 },
            maxDelayMs: { type: 'integer', minimum: 0, default: 30000 },
            multiplier: { type: 'number', minimum: 1, default: 2 },
          },
        },
        deadLetterTopic: { ...topicName, description: 'Where messages that fail for good go; default `dlq.flow.<name>`.' },
      },
    },
    concurrency: {
      type: 'integer',
      minimum: 1,
      default: 4,
      description: 'Partitions handled at once; order is always kept within a partition.',
    },
    limits: expressionLimitsSchema,
    time: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'How the event time of stateful steps (aggregate, join, timeout, dedupe) moves on when a stream goes quiet.',
      properties: {
        idleTimeout: {
          type: 'string',
          minLength: 1,
          default: '1m',
          description:
            'A partition with no record for this long (wall clock) counts as idle: its watermark then moves on with the clock, so windows close and timers fire on a quiet stream.',
        },
      },
    },
  },
} as const;

/** A flow file once the schema accepted it and applied its defaults. */
export type FlowFileSettings = FromSchema<typeof flowFileSchema>;
