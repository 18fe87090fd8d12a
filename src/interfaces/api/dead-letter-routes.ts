import type { Response } from 'express';
import { ConfigError } from '../../core/hub-error.js';
import type { DeadLetterOffice } from '../../operations/dead-letters/dead-letter-office.js';
import type { DeadLetterFilterInput } from '../../operations/dead-letters/dead-letter-filter.js';
import { DEAD_LETTER_RECORD_ID_PATTERN, DEAD_LETTER_TOPIC_PATTERN } from '../../operations/dead-letters/dead-letter-id.js';
import { DeadLetterNotFoundError } from '../../operations/dead-letters/dead-letter-not-found-error.js';
import { ReplayConflictError } from '../../operations/dead-letters/replay-conflict-error.js';
import type { DeadLetterOrder } from '../../operations/dead-letters/dead-letter-page.js';
import type { ReplayRequest } from '../../operations/dead-letters/replay-record.js';
import { POINT_IN_TIME_FORMS } from '../../operations/dead-letters/point-in-time.js';
import { apiError, errorResponse, type ApiParameter, type ApiRoute, type JsonSchema } from './api-route.js';
import { POINT_IN_TIME_SCHEMA } from './request-formats.js';

const TOPIC = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,249}$' } as const;
const DEAD_LETTER_TOPIC = { type: 'string', pattern: DEAD_LETTER_TOPIC_PATTERN } as const;
const TEXT = { type: 'string', minLength: 1, maxLength: 200 } as const;
const TIME = POINT_IN_TIME_SCHEMA;

const FILTER_PROPERTIES = {
  topic: { ...DEAD_LETTER_TOPIC, description: 'One dead-letter topic, e.g. dlq.crm-main or dlq.flow.renewals' },
  source: {
    ...TEXT,
    description:
      'Who dead-lettered: a connector instance or flow name, or the whole stage (connector:crm-main, flow:renewals, customer-view)',
  },
  code: { ...TEXT, description: 'Error code, e.g. AVRO_DECODE_FAILED' },
  originalTopic: { ...TOPIC, description: 'The topic the record was on when it failed' },
  since: {
    ...TIME,
    description: `Failed at or after: ${POINT_IN_TIME_FORMS}; before until when both are given (else 400 DEAD_LETTER_FILTER_INVALID)`,
  },
  until: {
    ...TIME,
    description: `Failed before: ${POINT_IN_TIME_FORMS}; after since when both are given (else 400 DEAD_LETTER_FILTER_INVALID)`,
  },
} satisfies Record<keyof DeadLetterFilterInput, JsonSchema>;

const FILTER_PARAMETERS: ApiParameter[] = Object.entries(FILTER_PROPERTIES).map(([name, { description, ...schema }]) => ({
  name,
  in: 'query',
  description,
  schema,
}));

const REASON_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    stage: { type: ['string', 'null'] },
    flowStep: { type: ['string', 'null'] },
    errorCode: { type: 'string' },
    errorMessage: { type: 'string', description: 'Personal data masked' },
    retriable: { type: ['boolean', 'null'] },
    attempts: {
      type: ['integer', 'null'],
      description: "Delivery attempts of the latest failure (retries), not replays: see the dead letter's own attempts",
    },
    originalTopic: { type: ['string', 'null'] },
    originalPartition: { type: ['integer', 'null'] },
    originalOffset: { type: ['string', 'null'] },
    failedAt: { type: 'string', format: 'date-time' },
  },
};

const BRIEF_PROPERTIES = {
  id: { type: 'string', description: 'The dead letter: <topic>:<partition>:<offset> of its first record, the same for every attempt' },
  latestId: { type: 'string', description: "The record of its latest attempt; topic, partition and offset are that record's" },
  attempts: { type: 'integer', minimum: 1, description: 'Times it failed: the first failure and each failure again after a replay' },
  firstFailedAt: { type: 'string', format: 'date-time', description: 'Its first failure; reason.failedAt is the latest' },
  topic: { type: 'string' },
  partition: { type: 'integer' },
  offset: { type: 'string' },
  key: { type: ['string', 'null'], description: 'Personal data masked' },
  correlationId: { type: ['string', 'null'] },
  replayedFrom: { type: ['string', 'null'], description: 'The dead letter this record was replayed from, when it failed again' },
  valueBytes: { type: 'integer' },
  reason: REASON_SCHEMA,
};

const VIEW_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    ...BRIEF_PROPERTIES,
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Every header, personal data masked' },
    value: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          description: 'Decoded with its writer schema, personal fields masked',
          properties: {
            format: { const: 'avro' },
            schemaId: { type: 'integer' },
            schemaName: { type: 'string' },
            record: {},
            maskedFields: { type: 'array', items: { type: 'string' } },
          },
        },
        {
          type: 'object',
          description: 'Bytes that do not decode, and why',
          properties: { format: { const: 'base64' }, base64: { type: 'string' }, reason: { type: 'string' } },
        },
      ],
    },
  },
};

const REPLAY_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    who: { type: 'string', description: 'Name of the token that asked for it' },
    when: { type: 'string', format: 'date-time' },
    ids: { type: ['array', 'null'], items: { type: 'string' } },
    filter: { type: ['object', 'null'], description: 'The filter with its times fixed as ISO instants' },
    target: { type: ['string', 'null'], description: "null: each dead letter's original topic" },
    counts: {
      type: 'object',
      properties: {
        total: { type: 'integer', description: 'Dead letters selected when it started' },
        done: { type: 'integer', description: 'Sent and acknowledged by the broker' },
        failed: { type: 'integer', description: 'Not sent: no topic to send them to, or the broker refused' },
        failedAgain: {
          type: 'integer',
          description:
            'Sent, then dead-lettered again by what consumes the target: the cause is still there. Counted once the consumers processed what was sent',
        },
      },
    },
    state: {
      type: 'string',
      enum: ['running', 'done', 'failed'],
      description:
        'running until everything is sent and processed; done when every dead letter went through; failed when any was not sent or failed again',
    },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    targets: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Replayed per topic' },
    errors: { type: 'array', items: { type: 'string' } },
    rerunOf: { type: ['string', 'null'] },
  },
};

const ID_PARAMETER: ApiParameter = {
  name: 'id',
  in: 'path',
  description: 'Dead-letter id <topic>:<partition>:<offset>',
  schema: { type: 'string', pattern: DEAD_LETTER_RECORD_ID_PATTERN },
};
const REPLAY_ID_PARAMETER: ApiParameter = {
  name: 'id',
  in: 'path',
  description: 'Replay id',
  schema: { type: 'string', minLength: 1, maxLength: 100 },
};

/**
 * Dead letters over HTTP: browse and count them across every dlq.* topic, read one with personal
 * data masked, replay some as a recorded job and follow its progress. The fixed paths (summary,
 * replays) come before `{id}` so that they are matched first.
 */
export function deadLetterRoutes(office: DeadLetterOffice): ApiRoute[] {
  return [
    {
      method: 'get',
      path: '/api/dead-letters/summary',
      operationId: 'deadLetterSummary',
      summary: 'Dead letters counted per topic, error code and source',
      tag: 'dead-letters',
      access: 'viewer',
      parameters: FILTER_PARAMETERS,
      responses: {
        200: {
          description: 'The counts, largest first',
          schema: {
            type: 'object',
            properties: {
              total: { type: 'integer' },
              byTopic: { type: 'array', items: { type: 'object' } },
              byCode: { type: 'array', items: { type: 'object' } },
              bySource: { type: 'array', items: { type: 'object' } },
            },
          },
        },
        400: errorResponse('A filter is invalid'),
      },
      handle: ({ query }, res) => answer(res, async () => res.json(await office.summary(filterOf(query)))),
    },
    {
      method: 'get',
      path: '/api/dead-letters/replays',
      operationId: 'listDeadLetterReplays',
      summary: 'Every replay recorded, newest first',
      tag: 'dead-letters',
      access: 'viewer',
      parameters: [
        {
          name: 'limit',
          in: 'query',
          description: 'At most this many (default 50)',
          schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
        },
      ],
      responses: {
        200: { description: 'The replays', schema: { type: 'object', properties: { replays: { type: 'array', items: REPLAY_SCHEMA } } } },
      },
      handle: ({ query }, res) => res.json({ replays: office.replays().slice(0, Number(query.limit)) }),
    },
    {
      method: 'get',
      path: '/api/dead-letters/replays/{id}',
      operationId: 'getDeadLetterReplay',
      summary: 'One replay: its progress while it runs, its outcome after',
      tag: 'dead-letters',
      access: 'viewer',
      parameters: [REPLAY_ID_PARAMETER],
      responses: { 200: { description: 'The replay', schema: REPLAY_SCHEMA }, 404: errorResponse('No such replay') },
      handle: ({ params }, res) => {
        const record = office.replayStatus(String(params.id));
        return record ? res.json(record) : apiError(res, 404, 'REPLAY_NOT_FOUND', `no replay ${String(params.id)}`);
      },
    },
    {
      method: 'post',
      path: '/api/dead-letters/replays',
      operationId: 'replayDeadLetters',
      summary: 'Replay dead letters by id or by filter, to their original topic or a chosen one',
      description:
        'The selection is fixed when the replay starts: the dead letters there are then (the dlq.* topics up to their end offsets), each once, as its latest attempt, sent with its original key, bytes and headers (correlation id kept, dlq-* headers dropped; dlq-replayed-from, dlq-replay-id, dlq-dead-letter-id, dlq-dead-letter-attempt and dlq-replayed-to added). A record that fails again on the topic it was sent to is recorded as the next attempt of the same dead letter, so it is listed once and no replay picks up its own re-failures. The job runs until the consumers of the target topics processed what it sent, then counts.failedAgain says how many failed again. A replay over dead letters that a running replay sends is refused with 409. Follow the job at the Location given.',
      tag: 'dead-letters',
      access: 'operator',
      body: {
        description: 'ids, or filter ({} for every dead letter), and optionally target',
        maxBytes: 512 * 1024,
        schema: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ids: { type: 'array', minItems: 1, maxItems: 5000, items: { type: 'string', pattern: DEAD_LETTER_RECORD_ID_PATTERN } },
            filter: { type: 'object', additionalProperties: false, properties: FILTER_PROPERTIES },
            target: { ...TOPIC, description: "Topic to send them to; default each dead letter's original topic" },
          },
          // ids or filter, never both: a replay selects one way.
          oneOf: [{ required: ['ids'] }, { required: ['filter'] }],
        },
      },
      responses: {
        202: { description: 'Started: the replay, total known', schema: REPLAY_SCHEMA },
        400: errorResponse('Neither or both of ids and filter, or a bad filter or target'),
        404: errorResponse('An id names no dead letter: nothing was replayed'),
        409: errorResponse(
          'A running replay sends some of the same dead letters (REPLAY_CONFLICT; the message names it): nothing was replayed',
        ),
      },
      handle: ({ body, principal }, res) =>
        answer(res, async () => {
          const record = await office.replay(body as ReplayRequest, principal?.name ?? 'anonymous');
          return res.status(202).location(`/api/dead-letters/replays/${record.id}`).json(record);
        }),
    },
    {
      method: 'post',
      path: '/api/dead-letters/replays/{id}/rerun',
      operationId: 'rerunDeadLetterReplay',
      summary: 'Run a replay again (e.g. one a stop interrupted): same selection and target, as a new replay',
      description: 'At least once: dead letters the first run sent are sent again.',
      tag: 'dead-letters',
      access: 'operator',
      parameters: [REPLAY_ID_PARAMETER],
      responses: {
        202: { description: 'The new replay', schema: REPLAY_SCHEMA },
        404: errorResponse('No such replay, or one of its ids names no dead letter any more'),
        409: errorResponse('A running replay sends some of the same dead letters'),
      },
      handle: ({ params, principal }, res) =>
        answer(res, async () => {
          const record = await office.rerun(String(params.id), principal?.name ?? 'anonymous');
          if (!record) return apiError(res, 404, 'REPLAY_NOT_FOUND', `no replay ${String(params.id)}`);
          return res.status(202).location(`/api/dead-letters/replays/${record.id}`).json(record);
        }),
    },
    {
      method: 'get',
      path: '/api/dead-letters',
      operationId: 'listDeadLetters',
      summary: 'Dead letters of every dlq.* topic, filtered, newest first: each once, as its latest attempt, with how many times it failed',
      tag: 'dead-letters',
      access: 'viewer',
      parameters: [
        ...FILTER_PARAMETERS,
        {
          name: 'order',
          in: 'query',
          description: 'newest (default) or oldest first',
          schema: { type: 'string', enum: ['newest', 'oldest'], default: 'newest' },
        },
        {
          name: 'limit',
          in: 'query',
          description: 'Page size (default 50)',
          schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
        },
        {
          name: 'cursor',
          in: 'query',
          description: 'nextCursor of the previous page, as this hub gave it (any other value answers 400 DEAD_LETTER_CURSOR_INVALID)',
          schema: { type: 'string', minLength: 1, maxLength: 500 },
        },
      ],
      responses: {
        200: {
          description: 'One page',
          schema: {
            type: 'object',
            properties: {
              items: { type: 'array', items: { type: 'object', properties: BRIEF_PROPERTIES } },
              nextCursor: { type: ['string', 'null'] },
              matched: { type: 'integer', description: 'Dead letters matching, across pages' },
            },
          },
        },
        400: errorResponse('A filter or the cursor is invalid'),
      },
      handle: ({ query }, res) =>
        answer(res, async () =>
          res.json(
            await office.list(filterOf(query), {
              order: query.order as DeadLetterOrder,
              limit: Number(query.limit),
              ...(typeof query.cursor === 'string' ? { cursor: query.cursor } : {}),
            }),
          ),
        ),
    },
    {
      method: 'get',
      path: '/api/dead-letters/{id}',
      operationId: 'getDeadLetter',
      summary:
        'One dead letter, by its id or the id of any of its attempts, as its latest attempt: reason, headers, key and value decoded, personal data masked',
      tag: 'dead-letters',
      access: 'viewer',
      parameters: [ID_PARAMETER],
      responses: {
        200: { description: 'The dead letter', schema: VIEW_SCHEMA },
        400: errorResponse('Not a dead-letter id on a dlq.* topic'),
        404: errorResponse('No such dead letter (any more)'),
      },
      handle: ({ params }, res) =>
        answer(res, async () => {
          const view = await office.show(String(params.id));
          return view
            ? res.json(view)
            : apiError(res, 404, 'DEAD_LETTER_NOT_FOUND', `no dead letter ${String(params.id)}: the id is wrong or retention removed it`);
        }),
    },
  ];
}

function filterOf(query: Record<string, unknown>): DeadLetterFilterInput {
  const filter: DeadLetterFilterInput = {};
  for (const name of Object.keys(FILTER_PROPERTIES) as (keyof DeadLetterFilterInput)[]) {
    if (typeof query[name] === 'string') filter[name] = query[name];
  }
  return filter;
}

/** A person's mistake answers 400, a missing dead letter 404 and a replay in the way 409, with the office's own code; anything else goes to the router. */
async function answer(res: Response, handle: () => Promise<unknown>): Promise<unknown> {
  try {
    return await handle();
  } catch (error) {
    if (error instanceof DeadLetterNotFoundError) return apiError(res, 404, error.code, error.message);
    if (error instanceof ReplayConflictError) return apiError(res, 409, error.code, error.message);
    if (error instanceof ConfigError) return apiError(res, 400, error.code, error.message);
    throw error;
  }
}
