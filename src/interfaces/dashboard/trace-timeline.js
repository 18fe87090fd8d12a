// @ts-check
/* A record's path through the hub (GET /api/trace) as a timeline of hops. */
import { el } from './dom.js';
import { count, duration, inWords, plural, when } from './format.js';

/**
 * @typedef {{ kind?: string, name?: string, reason?: import('./api-client.js').ApiError & { step?: string } }} Stage
 * @typedef {{ timestamp?: string, sincePreviousMs?: number, sinceFirstMs?: number, stage?: Stage, topic?: string, partition?: number, offset?: string, eventType?: string, sourceSystem?: string, key?: string, matchedBy?: string, traceId?: string }} Hop
 * @typedef {{ limitHit?: boolean, scanned?: number, topics?: number | string[], tookMs?: number }} Scan
 * @typedef {{ hops?: Hop[], scan?: Scan, traceIds?: string[] }} Trace
 */

/** @param {Trace | null | undefined} data */
function hopsOf(data) {
  return Array.isArray(data?.hops) ? data.hops : [];
}

/** @param {Stage | undefined} stage */
function stageText(stage) {
  if (!stage) return 'record';
  if (stage.kind !== 'dead-letter')
    return [stage.kind === 'customer-view' ? 'customer view' : stage.kind, stage.name].filter(Boolean).join(' ');
  const reason = stage.reason;
  const where = [stage.name, reason?.step].filter(Boolean).join(' ');
  return `dead letter${where ? ` (${where})` : ''}${reason ? `: ${inWords(reason)}` : ''}`;
}

/**
 * @param {import('./api-client.js').ApiResult<Trace>} result
 * @param {string} query
 * @returns {HTMLElement[]}
 */
export function renderTrace(result, query) {
  if (!result.ok) {
    if (result.status === 404 && String(result.error.code ?? '').startsWith('HTTP_'))
      return [el('p', { class: 'muted' }, 'Tracing is not available on this hub.')];
    return [el('p', { class: 'error' }, `Trace failed: ${inWords(result.error)}`)];
  }
  const hops = hopsOf(result.data);
  const notes = [];
  const scan = result.data.scan ?? {};
  if (scan.limitHit)
    notes.push(el('p', { class: 'muted' }, `The scan read its limit of ${count(scan.scanned)} records: older matching records may exist.`));
  if (scan.scanned !== undefined)
    notes.push(
      el(
        'p',
        { class: 'muted' },
        `Read ${plural(scan.scanned, 'record')}${scan.topics !== undefined ? ` on ${plural(Array.isArray(scan.topics) ? scan.topics.length : scan.topics, 'topic')}` : ''}${scan.tookMs !== undefined ? ` in ${duration(scan.tookMs)}` : ''}.`,
      ),
    );
  if (hops.length === 0)
    return [el('p', { class: 'muted' }, `No record carries “${query}” as correlation id or key in the last 24 hours.`), ...notes];
  const traceIds = result.data.traceIds ?? [...new Set(hops.map((hop) => hop.traceId).filter(Boolean))];
  return [
    el(
      'h3',
      {},
      `Trace: ${plural(hops.length, 'hop')}`,
      traceIds.length ? el('span', { class: 'muted' }, ` · trace id ${traceIds.join(', ')}`) : '',
    ),
    el(
      'ol',
      { class: 'timeline' },
      hops.map((hop) => {
        const deadLetter = hop.stage?.kind === 'dead-letter';
        return el(
          'li',
          { class: deadLetter ? 'dead-letter' : '', 'data-topic': hop.topic },
          el('span', { class: 'when' }, when(hop.timestamp)),
          typeof hop.sincePreviousMs === 'number' ? el('span', { class: 'muted' }, ` +${duration(hop.sincePreviousMs)}`) : '',
          ' ',
          el('span', { class: 'stage' }, stageText(hop.stage)),
          ' → ',
          el('span', { class: 'mono' }, `${hop.topic} [${hop.partition}] @${hop.offset}`),
          el(
            'div',
            { class: 'muted' },
            [
              hop.eventType,
              hop.sourceSystem ? `from ${hop.sourceSystem}` : '',
              hop.key ? `key ${hop.key}` : '',
              hop.matchedBy === 'key' ? 'matched by key' : '',
              typeof hop.sinceFirstMs === 'number' && hop.sinceFirstMs > 0 ? `${duration(hop.sinceFirstMs)} after the first` : '',
            ]
              .filter(Boolean)
              .join(' · '),
          ),
        );
      }),
    ),
    ...notes,
  ];
}
