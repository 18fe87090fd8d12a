// @ts-check
/* One dead letter in full: why it failed, where it came from, its value (personal fields masked) and headers. */
import { api } from './api-client.js';
import { byId, el } from './dom.js';
import { inWords, plural, when } from './format.js';
import { replay } from './replays.js';
import { runSearch } from './search.js';

/** @typedef {import('./dead-letters.js').DeadLetter} DeadLetter */

/** @param {string} id */
export async function showDeadLetter(id) {
  const detail = byId('dlq-detail');
  detail.hidden = false;
  detail.replaceChildren(el('p', { class: 'muted' }, `Reading ${id}…`));
  for (const row of byId('dlq-list', HTMLTableElement).tBodies[0]?.rows ?? []) row.classList.toggle('selected', row.dataset.id === id);
  const result = /** @type {import('./api-client.js').ApiResult<DeadLetter>} */ (await api(`/api/dead-letters/${encodeURIComponent(id)}`));
  if (!result.ok) {
    detail.replaceChildren(el('p', { class: 'error' }, `Dead letter ${id} could not be read: ${inWords(result.error)}`));
    return;
  }
  const letter = result.data;
  const reason = letter.reason ?? {};
  const story = [
    `${reason.stage ?? 'Something'}${reason.flowStep ? ` (step ${reason.flowStep})` : ''} gave up on this record`,
    reason.attempts ? ` after ${plural(reason.attempts, 'attempt')}` : '',
    ` at ${when(reason.failedAt)}: ${reason.errorMessage || 'no reason given'} (${reason.errorCode}).`,
    reason.retriable === true
      ? ' The error was temporary, so a replay may well succeed.'
      : reason.retriable === false
        ? ' The error was not temporary: fix the cause (data or config) before replaying.'
        : '',
  ].join('');
  const value = letter.value;
  const valueBlock =
    value === null || value === undefined
      ? el('p', { class: 'muted' }, 'No value (a tombstone).')
      : value.format === 'avro'
        ? [
            el(
              'p',
              { class: 'muted' },
              `Avro ${value.schemaName} (schema id ${value.schemaId}); personal fields masked: ${(value.maskedFields ?? []).join(', ') || 'none'}.`,
            ),
            el('pre', {}, JSON.stringify(value.record, null, 2)),
          ]
        : [
            el('p', { class: 'error' }, `The value could not be decoded: ${value.reason}. Its bytes in base64:`),
            el('pre', {}, value.base64),
          ];
  const correlationId = letter.correlationId;
  detail.replaceChildren(
    el(
      'div',
      { class: 'row' },
      el('h3', {}, `Dead letter ${letter.id}`),
      el('span', { class: 'spacer' }),
      el('button', { type: 'button', onclick: () => replay({ ids: [letter.id] }, `dead letter ${letter.id}`) }, 'Replay'),
      correlationId ? el('button', { type: 'button', class: 'secondary', onclick: () => runSearch(correlationId) }, 'Trace') : '',
      el(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            detail.hidden = true;
          },
        },
        'Close',
      ),
    ),
    el('p', {}, story),
    el(
      'dl',
      { class: 'fields' },
      el('dt', {}, 'Came from'),
      el(
        'dd',
        { class: 'mono' },
        reason.originalTopic
          ? `${reason.originalTopic}${reason.originalPartition !== null && reason.originalPartition !== undefined ? `[${reason.originalPartition}]@${reason.originalOffset}` : ''}`
          : 'unknown',
      ),
      el('dt', {}, 'Key'),
      el('dd', { class: 'mono' }, letter.key ?? '–'),
      el('dt', {}, 'Correlation id'),
      el('dd', { class: 'mono' }, letter.correlationId ?? '–'),
      letter.replayedFrom ? [el('dt', {}, 'Replayed from'), el('dd', { class: 'mono' }, letter.replayedFrom)] : '',
    ),
    el('h3', {}, 'Value'),
    el('div', { class: 'value' }, valueBlock),
    el('h3', {}, 'Headers'),
    el(
      'table',
      { class: 'grid' },
      el(
        'tbody',
        {},
        Object.entries(letter.headers ?? {}).map(([name, text]) =>
          el('tr', {}, el('td', { class: 'mono' }, name), el('td', { class: 'mono wrap' }, text)),
        ),
      ),
    ),
  );
  detail.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}
