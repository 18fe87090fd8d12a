// @ts-check
/* The "Dead letters" section: the summary, the filter, the list, and replaying what the filter matches. */
import { api } from './api-client.js';
import { showDeadLetter } from './dead-letter-detail.js';
import { byId, el } from './dom.js';
import { ago, count, inWords, plural, when } from './format.js';
import { replay, replayTarget } from './replays.js';

/**
 * @typedef {{ topic?: string, source?: string, code?: string, since?: string, until?: string }} DeadLetterFilter
 * @typedef {{ stage?: string, flowStep?: string, failedAt?: string, errorCode?: string, errorMessage?: string, attempts?: number, retriable?: boolean, originalTopic?: string, originalPartition?: number | null, originalOffset?: string }} Reason
 * @typedef {{ format: 'avro', schemaName: string, schemaId: number, maskedFields?: string[], record: unknown } | { format: 'base64', reason: string, base64: string }} DeadLetterValue
 * @typedef {{ id: string, topic: string, key?: string | null, correlationId?: string | null, attempts: number, reason?: Reason, replayedFrom?: string, value?: DeadLetterValue | null, headers?: Record<string, string> }} DeadLetter
 * @typedef {{ items?: DeadLetter[], nextCursor?: string | null, matched?: number }} DeadLetterPage
 * @typedef {{ total?: number, byTopic?: { topic: string, count: number, newest?: string }[], byCode?: { code: string, count: number }[], bySource?: { source: string, count: number }[] }} DeadLetterSummary
 */

/** @type {(keyof DeadLetterFilter)[]} */
const FILTER_FIELDS = ['topic', 'source', 'code', 'since', 'until'];

/** @type {string | null} */
let dlqCursor = null;
// The filter and the count on screen change together, only when a list arrives: a replay must take
// the filter whose count the user confirmed, not one typed since whose list is still loading.
/** @type {DeadLetterFilter} */
let dlqFilter = {};
let dlqMatched = 0;
// Lists may answer out of order; only the latest filter's list (and its "show more") is shown.
let listSequence = 0;
/** @type {{ filter: DeadLetterFilter, matched: number } | null} */
let replayAsked = null;

/** @returns {DeadLetterFilter} */
function readFilter() {
  /** @type {DeadLetterFilter} */
  const filter = {};
  for (const name of FILTER_FIELDS) {
    const value = filterInput(name).value.trim();
    if (value) filter[name] = value;
  }
  return filter;
}

/** @param {keyof DeadLetterFilter} name */
function filterInput(name) {
  return name === 'topic' ? byId('dlq-topic', HTMLSelectElement) : byId(`dlq-${name}`, HTMLInputElement);
}

/** @param {DeadLetterFilter} filter */
function describe(filter) {
  return Object.entries(filter)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
}

/**
 * Shows the dead letters matching a filter (a link in the summary or the table of components).
 * @param {DeadLetterFilter} filter
 */
export function filterDeadLetters(filter) {
  for (const name of FILTER_FIELDS) {
    const input = filterInput(name);
    if (input instanceof HTMLSelectElement && filter.topic && ![...input.options].some((option) => option.value === filter.topic))
      input.append(el('option', { value: filter.topic }, filter.topic));
    input.value = filter[name] ?? '';
  }
  byId('dlq-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
  void loadDeadLetters();
}

export async function loadDeadLetterSummary() {
  const result = /** @type {import('./api-client.js').ApiResult<DeadLetterSummary>} */ (await api('/api/dead-letters/summary'));
  const box = byId('dlq-summary');
  if (!result.ok) {
    if (result.status !== 401) box.replaceChildren(el('p', { class: 'error' }, `Dead letters could not be read: ${inWords(result.error)}`));
    return;
  }
  const summary = result.data;
  const select = byId('dlq-topic', HTMLSelectElement);
  const chosen = select.value;
  select.replaceChildren(
    el('option', { value: '' }, 'every dead-letter topic'),
    ...(summary.byTopic ?? []).map((topic) => el('option', { value: topic.topic }, `${topic.topic} (${count(topic.count)})`)),
  );
  select.value = chosen;
  if (select.value !== chosen && chosen) select.append(el('option', { value: chosen, selected: true }, chosen));
  if (!summary.total) {
    box.replaceChildren(el('p', { class: 'muted', id: 'dlq-total', 'data-total': '0' }, 'No dead letters: every record went through.'));
    return;
  }
  /**
   * @param {string} caption
   * @param {string[]} heads
   * @param {HTMLTableRowElement[]} rows
   */
  const table = (caption, heads, rows) =>
    el(
      'table',
      { class: 'grid' },
      el('caption', {}, caption),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          heads.map((head, index) => el('th', { class: index > 0 ? 'num' : '' }, head)),
        ),
      ),
      el('tbody', {}, rows),
    );
  /**
   * @param {string} text
   * @param {DeadLetterFilter} filter
   */
  const link = (text, filter) => el('button', { type: 'button', class: 'link', onclick: () => filterDeadLetters(filter) }, text);
  box.replaceChildren(
    el('p', { id: 'dlq-total', 'data-total': String(summary.total) }, el('strong', {}, plural(summary.total, 'dead letter')), ' in all'),
    table(
      'By topic',
      ['Topic', 'Count', 'Newest'],
      (summary.byTopic ?? []).map((topic) =>
        el(
          'tr',
          {},
          el('td', {}, link(topic.topic, { topic: topic.topic })),
          el('td', { class: 'num' }, count(topic.count)),
          el('td', { class: 'num' }, ago(topic.newest)),
        ),
      ),
    ),
    table(
      'By error',
      ['Error code', 'Count'],
      (summary.byCode ?? []).map((code) =>
        el('tr', {}, el('td', {}, link(code.code, { code: code.code })), el('td', { class: 'num' }, count(code.count))),
      ),
    ),
    table(
      'By source',
      ['Who gave up', 'Count'],
      (summary.bySource ?? []).map((source) =>
        el('tr', {}, el('td', {}, link(source.source, { source: source.source })), el('td', { class: 'num' }, count(source.count))),
      ),
    ),
  );
}

/** @param {{ more?: boolean }} [options] `more` adds the next page to the list instead of reading it anew. */
export async function loadDeadLetters({ more = false } = {}) {
  const filter = more ? dlqFilter : readFilter();
  const sequence = more ? listSequence : ++listSequence;
  const params = new URLSearchParams({ ...filter, order: byId('dlq-order', HTMLSelectElement).value, limit: '50' });
  if (more && dlqCursor) params.set('cursor', dlqCursor);
  const result = /** @type {import('./api-client.js').ApiResult<DeadLetterPage>} */ (await api(`/api/dead-letters?${params}`));
  if (sequence !== listSequence) return;
  const body = deadLetterRows();
  if (!result.ok) {
    if (result.status !== 401) {
      byId('dlq-count').textContent = `Dead letters could not be listed: ${inWords(result.error)}`;
      byId('dlq-count').className = 'error';
    }
    return;
  }
  const page = result.data;
  dlqFilter = filter;
  dlqCursor = page.nextCursor ?? null;
  dlqMatched = page.matched ?? (page.items ?? []).length;
  const rows = (page.items ?? []).map(deadLetterRow);
  if (more) body.append(...rows);
  else body.replaceChildren(...rows);
  const described = describe(dlqFilter);
  byId('dlq-count').className = 'muted';
  byId('dlq-count').textContent =
    `${plural(dlqMatched, 'dead letter')} ${described ? `match ${described}` : 'in all'}; showing ${count(body.rows.length)}.`;
  byId('dlq-more').hidden = !dlqCursor;
  byId('dlq-replay-filtered').textContent = `Replay ${dlqMatched === 1 ? 'this dead letter' : `these ${count(dlqMatched)} dead letters`}…`;
  byId('dlq-replay-filtered', HTMLButtonElement).disabled = dlqMatched === 0;
}

/** The list's table body. */
export function deadLetterRows() {
  const body = byId('dlq-list', HTMLTableElement).tBodies[0];
  if (!body) throw new TypeError('dashboard.html has no <tbody> in #dlq-list');
  return body;
}

/** @param {DeadLetter} letter */
function deadLetterRow(letter) {
  const reason = letter.reason ?? {};
  const source = [reason.stage ?? 'unknown', reason.flowStep ? `step ${reason.flowStep}` : ''].filter(Boolean).join(' / ');
  return el(
    'tr',
    { 'data-id': letter.id },
    el('td', {}, when(reason.failedAt), el('div', { class: 'muted' }, ago(reason.failedAt))),
    el(
      'td',
      {},
      source,
      letter.attempts > 1 ? el('div', { class: 'muted' }, `failed again after a replay: ${count(letter.attempts)} attempts`) : '',
    ),
    el('td', { class: 'wrap' }, el('strong', {}, reason.errorCode ?? 'UNKNOWN'), el('div', {}, reason.errorMessage ?? '')),
    el('td', { class: 'mono wrap' }, letter.key ?? '–'),
    el('td', { class: 'mono' }, letter.topic),
    el(
      'td',
      {},
      el(
        'div',
        { class: 'row' },
        el('button', { type: 'button', class: 'secondary', 'data-action': 'show', onclick: () => showDeadLetter(letter.id) }, 'Show'),
        el(
          'button',
          { type: 'button', 'data-action': 'replay', onclick: () => replay({ ids: [letter.id] }, `dead letter ${letter.id}`) },
          'Replay',
        ),
      ),
    ),
  );
}

/** Wires the filter, "show more" and the confirmation before replaying everything the filter matches. */
export function wireDeadLetters() {
  byId('dlq-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    void loadDeadLetters();
  });
  byId('dlq-clear').addEventListener('click', () => filterDeadLetters({}));
  byId('dlq-more').addEventListener('click', () => loadDeadLetters({ more: true }));
  byId('dlq-replay-filtered').addEventListener('click', () => {
    const target = replayTarget();
    replayAsked = { filter: { ...dlqFilter }, matched: dlqMatched };
    byId('dlq-replay-question').textContent =
      `Replay ${plural(replayAsked.matched, 'dead letter')} ${Object.keys(replayAsked.filter).length ? `matching ${describe(replayAsked.filter)}` : 'from every dead-letter topic'} to ${target || 'their original topics'}?`;
    byId('dlq-replay-confirm').hidden = false;
  });
  byId('dlq-replay-no').addEventListener('click', () => {
    byId('dlq-replay-confirm').hidden = true;
  });
  byId('dlq-replay-yes').addEventListener('click', () => {
    byId('dlq-replay-confirm').hidden = true;
    if (!replayAsked) return;
    const { filter } = replayAsked;
    replayAsked = null;
    void replay({ filter }, Object.keys(filter).length ? `the dead letters matching ${describe(filter)}` : 'every dead letter');
  });
}
