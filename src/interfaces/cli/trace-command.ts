import type { Command } from 'commander';
import { ConfigError } from '../../core/hub-error.js';
import type { Trace } from '../../operations/tracing/trace-finder.js';
import { formatTrace } from '../../operations/tracing/trace-text.js';
import { HubApiClient, withHubOptions, type HubApiOptions } from './hub-api-client.js';

type Match = 'any' | 'correlation-id' | 'key';

interface TraceOptions extends HubApiOptions {
  since?: string;
  limit?: string;
  by: string;
  json?: boolean;
  values?: boolean;
}

export function addTraceCommand(program: Command): void {
  withHubOptions(program.command('trace <id>'))
    .description(
      "where records went, read from the topics of a running hub: every hop of a correlation id, or everything about a business key (a customer's identifier: everything about that customer) through topics, flows and sinks, with timings; exit 3 when nothing is found",
    )
    .option('--since <when>', 'read from this ISO time or this far back (30m, 2h, 7d); default 24 hours back')
    .option('--limit <records>', "read at most this many records, the newest first (default: the hub's, 50000)")
    .option('--by <what>', 'what <id> is: correlation-id, key, or any (records matching either)', 'any')
    .option('--values', "show each record's value, personal data masked")
    .option('--json', 'print the whole answer as JSON')
    .action(async (id: string, options: TraceOptions) => {
      const params: Record<string, string> = { ...matchParams(id, options.by) };
      if (options.since) params.since = options.since;
      if (options.limit) params.limit = options.limit;
      if (options.values) params.values = 'true';
      const trace = await new HubApiClient(options).expectOk<Trace>('get', '/api/trace', { params });
      process.stdout.write(options.json ? `${JSON.stringify(trace, null, 2)}\n` : formatTrace(trace));
      if (trace.hops.length === 0) process.exitCode = 3;
    });
}

function matchParams(id: string, by: string): Record<string, string> {
  if (!['any', 'correlation-id', 'key'].includes(by))
    throw new ConfigError('TRACE_MATCH_UNKNOWN', `--by ${by}: say correlation-id, key or any`);
  const match = by as Match;
  return {
    ...(match === 'key' ? {} : { correlationId: id }),
    ...(match === 'correlation-id' ? {} : { key: id }),
  };
}
