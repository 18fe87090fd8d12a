import { pollChangeFeed } from './change-feed.js';
import type { ConnectorContext, SourceConnector, SourceRecord } from './connector-definition.js';
import { REQUEST_TIMEOUT_PROPERTY } from './http-api-properties.js';

/**
 * A source's optional pull mode as config: a `poll` property naming the system's changed-since
 * feed (see `pollChangeFeed`), and the poll function it gives — none when the instance leaves
 * `poll` out and takes webhooks only.
 */
export function changeFeedPollProperty(exampleUrl: string) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    description: "Pull mode: the system's changed-since event feed (needs a schedule on the instance)",
    properties: {
      url: { type: 'string', pattern: '^https?://', description: `Event feed, e.g. ${exampleUrl}` },
      pageSize: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Events asked for per page' },
      startFrom: { type: 'string', format: 'date-time', description: 'Watermark of the very first poll; unset means from the beginning' },
      timeoutMs: REQUEST_TIMEOUT_PROPERTY,
      bearerToken: { type: 'string', writeOnly: true, description: 'Bearer token of the feed, usually ${ENV_VAR}' },
    },
  } as const;
}

/** What `changeFeedPollProperty` gives once the runtime applied defaults. */
export interface ChangeFeedPollConfig {
  url: string;
  pageSize: number;
  startFrom?: string;
  timeoutMs: number;
  bearerToken?: string;
}

export function changeFeedPoll(
  config: ChangeFeedPollConfig | undefined,
  context: ConnectorContext,
  updatedAtOf: (event: unknown) => string | null,
  toRecord: (event: unknown) => SourceRecord,
): SourceConnector['poll'] {
  if (!config) return undefined;
  const http = context.http({ timeoutMs: config.timeoutMs });
  const request = {
    http,
    url: config.url,
    pageSize: config.pageSize,
    startFrom: config.startFrom,
    bearerToken: config.bearerToken,
    updatedAtOf,
  };
  return (stored, signal) => pollChangeFeed(stored, request, toRecord, signal);
}
