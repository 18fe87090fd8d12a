import type { Command } from 'commander';
import type { DeadLetterFilterInput } from '../../operations/dead-letters/dead-letter-filter.js';
import type { DeadLetterSummary } from '../../operations/dead-letters/dead-letter-summary.js';
import type { DeadLetterBrief, DeadLetterView } from '../../operations/dead-letters/dead-letter-view.js';
import type { ReplayRecord, ReplayRequest } from '../../operations/dead-letters/replay-record.js';
import { ConfigError } from '../../core/hub-error.js';
import { sleep } from '../../core/sleep.js';
import { HubApiClient, withHubOptions, type HubApiOptions } from './hub-api-client.js';

/** Commander's options carry the filter's own names (`--original-topic` → originalTopic). */
type FilterOptions = DeadLetterFilterInput;

const POLL_MS = 500;

function withFilterOptions(command: Command): Command {
  return command
    .option('--topic <topic>', 'one dead-letter topic, e.g. dlq.crm-main')
    .option('--source <name>', 'who dead-lettered: connector instance, flow name or stage (flow:renewals)')
    .option('--code <code>', 'error code, e.g. AVRO_DECODE_FAILED')
    .option('--original-topic <topic>', 'the topic the records failed on')
    .option('--since <time>', 'failed at or after: 2026-03-01T08:00:00Z, 2026-03-01 or an age (30m, 2h, 7d)')
    .option('--until <time>', 'failed before (same forms)');
}

function filterOf(options: FilterOptions): DeadLetterFilterInput {
  const filter: DeadLetterFilterInput = {};
  for (const name of ['topic', 'source', 'code', 'originalTopic', 'since', 'until'] as const)
    if (options[name] !== undefined) filter[name] = options[name];
  return filter;
}

export function addDlqCommand(program: Command): void {
  const dlq = program.command('dlq').description('dead letters of a running hub: list, show and replay them');

  withFilterOptions(withHubOptions(dlq.command('list')))
    .description('dead letters of every dlq.* topic, newest first, personal data masked')
    .option('--limit <n>', 'at most this many', '50')
    .option('--oldest', 'oldest first')
    .option('--cursor <cursor>', 'the next page, as the previous page printed it')
    .option('--json', 'print the answer as JSON')
    .action(async (options: HubApiOptions & FilterOptions & { limit: string; oldest?: boolean; cursor?: string; json?: boolean }) => {
      const params: Record<string, string> = { ...filterOf(options), limit: options.limit, order: options.oldest ? 'oldest' : 'newest' };
      if (options.cursor) params.cursor = options.cursor;
      const page = await new HubApiClient(options).expectOk<{ items: DeadLetterBrief[]; nextCursor: string | null; matched: number }>(
        'get',
        '/api/dead-letters',
        { params },
      );
      if (options.json) return write(JSON.stringify(page, null, 2));
      for (const item of page.items) write(describeBrief(item));
      write(`${page.items.length} of ${page.matched} dead letters${page.nextCursor ? `; more with --cursor ${page.nextCursor}` : ''}`);
    });

  withFilterOptions(withHubOptions(dlq.command('summary')))
    .description('dead letters counted per topic, error code and source')
    .option('--json', 'print the answer as JSON')
    .action(async (options: HubApiOptions & FilterOptions & { json?: boolean }) => {
      const summary = await new HubApiClient(options).expectOk<DeadLetterSummary>('get', '/api/dead-letters/summary', {
        params: { ...filterOf(options) },
      });
      if (options.json) return write(JSON.stringify(summary, null, 2));
      write(`${summary.total} dead letters`);
      for (const topic of summary.byTopic)
        write(`  ${String(topic.count).padStart(7)}  ${topic.topic}  (${topic.oldest} .. ${topic.newest})`);
      write('by error code:');
      for (const code of summary.byCode) write(`  ${String(code.count).padStart(7)}  ${code.code}`);
      write('by source:');
      for (const source of summary.bySource) write(`  ${String(source.count).padStart(7)}  ${source.source}`);
    });

  withHubOptions(dlq.command('show <id>'))
    .description(
      'one dead letter (<topic>:<partition>:<offset>): reason, headers, key and value decoded, personal data masked; exit 3 when unknown',
    )
    .option('--json', 'print the answer as JSON')
    .action(async (id: string, options: HubApiOptions & { json?: boolean }) => {
      const hub = new HubApiClient(options);
      const route = `/api/dead-letters/${encodeURIComponent(id)}`;
      const { status } = await hub.request('get', route);
      if (status === 404) {
        process.stderr.write(`crm-hub: no dead letter ${id}\n`);
        process.exitCode = 3;
        return;
      }
      const view = await hub.expectOk<DeadLetterView>('get', route);
      write(options.json ? JSON.stringify(view, null, 2) : describeView(view));
    });

  withFilterOptions(withHubOptions(dlq.command('replay [ids...]')))
    .description(
      'replay dead letters (by id, by filter or --all) to their original topic or --to a chosen one; prints progress until they are processed; exit 1 if any was not sent or failed again',
    )
    .option('--all', 'every dead letter of every dlq.* topic')
    .option('--rerun <replayId>', 'run an earlier replay again (same selection and target), e.g. one a stop interrupted')
    .option('--to <topic>', 'send them to this topic instead of their original one')
    .option('--wait', 'follow the replay until it ends (the default)')
    .option('--no-wait', 'start the replay and print its id only')
    .option('--json', 'print the replay record as JSON when it ends')
    .action(
      async (
        ids: string[],
        options: HubApiOptions & FilterOptions & { all?: boolean; rerun?: string; to?: string; wait?: boolean; json?: boolean },
      ) => {
        const hub = new HubApiClient(options);
        const started = options.rerun
          ? await hub.expectOk<ReplayRecord>('post', `/api/dead-letters/replays/${encodeURIComponent(options.rerun)}/rerun`)
          : await hub.expectOk<ReplayRecord>('post', '/api/dead-letters/replays', { body: replayRequestOf(ids, options) });
        process.stderr.write(
          `replay ${started.id}: ${started.counts.total} dead letters to ${started.target ?? 'their original topics'}\n`,
        );
        if (options.wait === false) return write(options.json ? JSON.stringify(started, null, 2) : started.id);
        const ended = await follow(hub, started);
        write(options.json ? JSON.stringify(ended, null, 2) : describeReplay(ended));
        if (ended.state !== 'done' || ended.counts.failed > 0 || (ended.counts.failedAgain ?? 0) > 0) process.exitCode = 1;
      },
    );

  withHubOptions(dlq.command('replays [replayId]'))
    .description('replays recorded, newest first, or one of them')
    .option('--limit <n>', 'at most this many', '20')
    .option('--json', 'print the answer as JSON')
    .action(async (replayId: string | undefined, options: HubApiOptions & { limit: string; json?: boolean }) => {
      const hub = new HubApiClient(options);
      const replays = replayId
        ? [await hub.expectOk<ReplayRecord>('get', `/api/dead-letters/replays/${encodeURIComponent(replayId)}`)]
        : (await hub.expectOk<{ replays: ReplayRecord[] }>('get', '/api/dead-letters/replays', { params: { limit: options.limit } }))
            .replays;
      if (options.json) return write(JSON.stringify(replayId ? replays[0] : replays, null, 2));
      for (const replay of replays) write(describeReplay(replay));
    });
}

function replayRequestOf(ids: string[], options: FilterOptions & { all?: boolean; to?: string }): ReplayRequest {
  const filter = filterOf(options);
  const byFilter = Object.keys(filter).length > 0;
  const ways = [ids.length > 0, byFilter, options.all === true].filter(Boolean).length;
  if (ways !== 1)
    throw new ConfigError(
      'DLQ_REPLAY_SELECTION',
      'say what to replay in one way: dead-letter ids, filter options (--topic, --source, --code, --since, ...), or --all',
    );
  return { ...(ids.length > 0 ? { ids } : { filter }), ...(options.to ? { target: options.to } : {}) };
}

/** Polls the replay, printing a line on stderr each time it moved, until it ends. */
async function follow(hub: HubApiClient, started: ReplayRecord): Promise<ReplayRecord> {
  let current = started;
  let shown = '';
  for (;;) {
    const line = `replay ${current.id}: ${current.counts.done}/${current.counts.total} replayed, ${current.counts.failed} failed${current.state === 'running' && current.counts.done + current.counts.failed === current.counts.total ? ', waiting for them to be processed' : ''}`;
    if (line !== shown) process.stderr.write(`${line}\n`);
    shown = line;
    if (current.state !== 'running') return current;
    await sleep(POLL_MS);
    current = await hub.expectOk<ReplayRecord>('get', `/api/dead-letters/replays/${encodeURIComponent(current.id)}`);
  }
}

function write(text: string): void {
  process.stdout.write(`${text}\n`);
}

function describeBrief(item: DeadLetterBrief): string {
  const { reason } = item;
  return `${reason.failedAt}  ${item.id}  ${item.attempts > 1 ? `${item.attempts} attempts  ` : ''}${reason.stage ?? '?'}  ${reason.errorCode}  ${reason.originalTopic ?? '?'}  key ${item.key ?? '-'}  ${reason.errorMessage.replace(/\s+/g, ' ').slice(0, 160)}`;
}

function describeView(view: DeadLetterView): string {
  const { reason } = view;
  const lines = [
    view.id,
    ...(view.attempts > 1 ? [`  attempts     ${view.attempts}: first failed ${view.firstFailedAt}, latest ${view.latestId}`] : []),
    `  failed       ${reason.failedAt} in ${reason.stage ?? '?'}${reason.flowStep ? ` step ${reason.flowStep}` : ''}${reason.attempts !== null ? ` after ${reason.attempts} attempt(s)` : ''}`,
    `  error        ${reason.errorCode}${reason.retriable ? ' (retriable)' : ''}: ${reason.errorMessage}`,
    `  original     ${reason.originalTopic ?? '?'}${reason.originalPartition !== null ? `[${reason.originalPartition}]` : ''}${reason.originalOffset !== null ? `@${reason.originalOffset}` : ''}`,
    `  key          ${view.key ?? '-'}`,
    `  correlation  ${view.correlationId ?? '-'}`,
    '  headers:',
    ...Object.entries(view.headers).map(([name, value]) => `    ${name}: ${value}`),
  ];
  const value = view.value;
  if (value === null) lines.push('  value: null');
  else if (value.format === 'avro')
    lines.push(
      `  value (${value.schemaName}, schema id ${value.schemaId}${value.maskedFields.length ? `, masked: ${value.maskedFields.join(', ')}` : ''}):`,
      indent(JSON.stringify(value.record, null, 2), 4),
    );
  else lines.push(`  value does not decode: ${value.reason}`, `  base64: ${value.base64}`);
  return lines.join('\n');
}

function describeReplay(replay: ReplayRecord): string {
  const selection = replay.ids ? `${replay.ids.length} id(s)` : `filter ${JSON.stringify(replay.filter)}`;
  const lines = [
    `replay ${replay.id} ${replay.state}: ${replay.counts.done}/${replay.counts.total} replayed, ${replay.counts.failed} failed${replay.counts.failedAgain === undefined ? '' : `, ${replay.counts.failedAgain} failed again`}`,
    `  by ${replay.who} at ${replay.when}${replay.finishedAt ? `, ended ${replay.finishedAt}` : ''}; ${selection} to ${replay.target ?? 'original topics'}${replay.rerunOf ? `; re-run of ${replay.rerunOf}` : ''}`,
    ...Object.entries(replay.targets).map(([topic, count]) => `  ${count} to ${topic}`),
    ...replay.errors.map((error) => `  error: ${error}`),
  ];
  return lines.join('\n');
}

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => ' '.repeat(spaces) + line)
    .join('\n');
}
