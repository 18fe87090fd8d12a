// @ts-check
/* Replaying dead letters: starting a replay, following its progress, and the table of replays. */
import { api, refusal } from './api-client.js';
import { byId, el, show } from './dom.js';
import { count, inWords, plural, when } from './format.js';
import { isPolling } from './polling-session.js';

const REPLAY_POLL_MS = 1000;

/**
 * @typedef {{ total?: number, done?: number, failed?: number, failedAgain?: number }} ReplayCounts
 * @typedef {{ id: string, state: string, when?: string, who?: string, ids?: string[], filter?: Record<string, string>, target?: string, rerunOf?: string, counts?: ReplayCounts, errors?: string[] }} ReplayJob
 * @typedef {{ ids: string[] } | { filter: import('./dead-letters.js').DeadLetterFilter }} ReplaySelection
 */

/** @type {Map<string, ReplayJob>} Jobs started or seen from this page, newest first, by id. */
const replayJobs = new Map();

/** What to refresh once a replay ends (the dead letters it took away or added). Set by the page. */
let afterReplay = () => {};

/** @param {() => void} refresh */
export function whenReplayEnds(refresh) {
  afterReplay = refresh;
}

/** The topic chosen to replay to: undefined for the original topics, '' when "another topic" is chosen but not named. */
export function replayTarget() {
  const other = otherTopicChosen();
  const topic = byId('replay-topic', HTMLInputElement).value.trim();
  return other ? topic : undefined;
}

function otherTopicChosen() {
  const radio = document.querySelector('input[name="replay-target"][value="other"]');
  return radio instanceof HTMLInputElement && radio.checked;
}

/**
 * @param {ReplaySelection} selection
 * @param {string} description what is replayed, in words
 */
export async function replay(selection, description) {
  const message = byId('replay-message');
  const target = replayTarget();
  if (target === '') {
    show(message, 'Name the topic to replay to, or choose the original topics.', 'error');
    return;
  }
  show(message, `Starting the replay of ${description}…`);
  const result = /** @type {import('./api-client.js').ApiResult<ReplayJob>} */ (
    await api('/api/dead-letters/replays', { method: 'POST', body: { ...selection, ...(target ? { target } : {}) } })
  );
  if (!result.ok) {
    show(message, refusal(result, 'Replaying'), 'error');
    return;
  }
  const job = result.data;
  show(message, `Replay ${job.id} of ${description} started${target ? ` to ${target}` : ' to the original topics'}.`, 'ok');
  replayJobs.set(job.id, job);
  renderReplays();
  void followReplay(job.id);
}

/** @param {string} id */
async function followReplay(id) {
  for (;;) {
    const job = replayJobs.get(id);
    if (!job || job.state !== 'running' || !isPolling()) break;
    await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS));
    const result = /** @type {import('./api-client.js').ApiResult<ReplayJob>} */ (
      await api(`/api/dead-letters/replays/${encodeURIComponent(id)}`)
    );
    if (!result.ok) {
      show(byId('replay-message'), `Progress of replay ${id} unknown: ${inWords(result.error)}`, 'error');
      break;
    }
    replayJobs.set(id, result.data);
    renderReplays();
  }
  const job = replayJobs.get(id);
  if (job && job.state !== 'running') {
    const counts = job.counts ?? {};
    const errors = (job.errors ?? []).join('; ');
    show(
      byId('replay-message'),
      `Replay ${id} ${job.state}: ${count(counts.done)} of ${count(counts.total)} replayed${counts.failed ? `, ${count(counts.failed)} failed` : ''}${counts.failedAgain ? `, ${count(counts.failedAgain)} failed again` : ''}${errors ? ` (${errors})` : ''}.`,
      job.state === 'done' ? 'ok' : 'error',
    );
    afterReplay();
  }
}

/** Reads the hub's replays (also those started elsewhere) and follows the running ones. */
export async function loadReplays() {
  const result = /** @type {import('./api-client.js').ApiResult<{ replays?: ReplayJob[] }>} */ (await api('/api/dead-letters/replays'));
  if (!result.ok) return;
  const jobs = result.data.replays ?? [];
  for (const job of jobs) if (!replayJobs.has(job.id) || replayJobs.get(job.id)?.state === 'running') replayJobs.set(job.id, job);
  renderReplays();
  for (const job of jobs) if (job.state === 'running') void followReplay(job.id);
}

function renderReplays() {
  const jobs = [...replayJobs.values()].sort((a, b) => String(b.when ?? '').localeCompare(String(a.when ?? '')));
  byId('replay-jobs', HTMLTableElement).tBodies[0]?.replaceChildren(
    ...jobs.slice(0, 20).map((job) => {
      const counts = job.counts ?? {};
      const total = counts.total ?? 0;
      const done = counts.done ?? 0;
      const what = job.ids?.length
        ? job.ids.length === 1
          ? job.ids[0]
          : plural(job.ids.length, 'dead letter')
        : job.filter
          ? Object.entries(job.filter)
              .map(([name, value]) => `${name} ${value}`)
              .join(', ') || 'every dead letter'
          : '';
      return el(
        'tr',
        { 'data-id': job.id, 'data-state': job.state },
        el('td', {}, when(job.when), el('div', { class: 'muted' }, job.rerunOf ? `re-run of ${job.rerunOf}` : job.id)),
        el('td', {}, job.who ?? ''),
        el('td', { class: 'wrap mono' }, what),
        el('td', { class: 'mono' }, job.target ?? 'original topics'),
        el(
          'td',
          {},
          el('progress', { max: Math.max(total, 1), value: done }),
          ` ${count(done)} / ${count(total)}${counts.failed ? ` · ${count(counts.failed)} failed` : ''}${counts.failedAgain ? ` · ${count(counts.failedAgain)} failed again` : ''}`,
        ),
        el(
          'td',
          {},
          el(
            'span',
            { class: `pill ${job.state === 'done' ? 'state-running' : job.state === 'running' ? 'state-starting' : 'state-failed'}` },
            job.state,
          ),
          (job.errors ?? []).map((error) => el('div', { class: 'error' }, error)),
        ),
      );
    }),
  );
}

/** Enables the topic field only when "another topic" is chosen. */
export function wireReplayTarget() {
  for (const radio of document.querySelectorAll('input[name="replay-target"]')) {
    radio.addEventListener('change', () => {
      byId('replay-topic', HTMLInputElement).disabled = !otherTopicChosen();
    });
  }
}
