// @ts-check
/*
 * The "Customer & trace search" section: one text looked up both as a customer identifier (the golden
 * record and recent events) and as a correlation id or record key (the record's path through the hub).
 */
import { api } from './api-client.js';
import { byId, el } from './dom.js';
import { ago, inWords, when } from './format.js';
import { renderTrace } from './trace-timeline.js';

/**
 * @typedef {{ province?: string, city?: string, district?: string, street?: string }} Address
 * @typedef {{ goldenId: string, fullName?: string, status?: string, customerType?: string, idType?: string, idNumber?: string, birthDate?: string, gender?: string, mobile?: string, email?: string, address?: Address, policyNumbers?: string[], vehiclePlates?: string[], updatedAt?: string }} GoldenRecord
 * @typedef {{ system: string, systemId: string, matchedOn: string, confidence?: number }} CrossReference
 * @typedef {{ occurredAt?: string, eventType?: string, topic?: string, reference?: string, correlationId?: string }} CustomerEvent
 * @typedef {{ level?: string, lossRatio?: number | null }} Risk
 * @typedef {{ golden?: GoldenRecord, mergedFrom?: string[], segment?: { segment?: string }, risk?: Risk, crossReferences?: CrossReference[], recentEvents?: CustomerEvent[] }} CustomerProfile
 * @typedef {{ matches?: CustomerProfile[] }} CustomerLookup
 */

let searchGeneration = 0;

/** @param {string} query */
async function search(query) {
  const generation = ++searchGeneration;
  const customers = el('div', { id: 'customer-results' }, el('p', { class: 'muted' }, 'Looking up customers…'));
  const trace = el(
    'div',
    { id: 'trace-results' },
    el('p', { class: 'muted' }, "Tracing… (scans the hub's topics, may take a few seconds)"),
  );
  byId('search-results').replaceChildren(customers, trace);
  const encoded = encodeURIComponent(query);
  const lookup = api(`/api/customers/lookup?q=${encoded}`).then((result) => {
    if (generation === searchGeneration)
      customers.replaceChildren(...renderCustomers(/** @type {import('./api-client.js').ApiResult<CustomerLookup>} */ (result), query));
  });
  // One scan answers both readings of the text: records carrying it as correlation id or as key.
  const traced = api(`/api/trace?correlationId=${encoded}&key=${encoded}`).then((result) => {
    if (generation === searchGeneration)
      trace.replaceChildren(
        ...renderTrace(/** @type {import('./api-client.js').ApiResult<import('./trace-timeline.js').Trace>} */ (result), query),
      );
  });
  await Promise.all([lookup, traced]);
}

export function wireSearch() {
  byId('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = byId('search-input', HTMLInputElement).value.trim();
    if (query) void search(query);
  });
}

/**
 * Searches for a text from elsewhere on the page (a trace button), as if typed into the search box.
 * @param {string} query
 */
export function runSearch(query) {
  byId('search-input', HTMLInputElement).value = query;
  byId('search-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
  void search(query);
}

/**
 * @param {import('./api-client.js').ApiResult<CustomerLookup>} result
 * @param {string} query
 */
function renderCustomers(result, query) {
  if (!result.ok) {
    if (result.status === 404 && result.error.code === 'CUSTOMER_NOT_FOUND')
      return [el('p', { class: 'muted' }, `No customer is known by “${query}”.`)];
    return [el('p', { class: 'error' }, `Customer lookup failed: ${inWords(result.error)}`)];
  }
  const matches = result.data.matches ?? [];
  const heading = el('h3', {}, matches.length === 1 ? 'Customer' : `${matches.length} customers match (e.g. people sharing a phone)`);
  return [heading, ...matches.map(customerCard)];
}

/** @param {CustomerProfile} profile */
function customerCard(profile) {
  const golden = profile.golden ?? /** @type {GoldenRecord} */ ({});
  const address = golden.address
    ? [golden.address.province, golden.address.city, golden.address.district, golden.address.street].filter(Boolean).join(' ')
    : '';
  /** @type {[string, unknown][]} */
  const fields = [
    ['Golden id', golden.goldenId],
    ['Status', golden.status + (profile.mergedFrom?.length ? ` (found via merged ${profile.mergedFrom.join(', ')})` : '')],
    ['Type', golden.customerType],
    ['ID', golden.idNumber ? `${golden.idType ?? ''} ${golden.idNumber}`.trim() : null],
    ['Born', golden.birthDate],
    ['Gender', golden.gender],
    ['Mobile', golden.mobile],
    ['E-mail', golden.email],
    ['Address', address],
    ['Policies', (golden.policyNumbers ?? []).join(', ')],
    ['Vehicles', (golden.vehiclePlates ?? []).join(', ')],
    ['Value segment', profile.segment?.segment],
    ['Risk', profile.risk ? riskText(profile.risk) : null],
    ['Updated', golden.updatedAt ? `${when(golden.updatedAt)} (${ago(golden.updatedAt)})` : null],
  ];
  const shown = fields.filter(([, value]) => value !== null && value !== undefined && value !== '');
  const references = (profile.crossReferences ?? []).map((ref) =>
    el(
      'tr',
      {},
      el('td', {}, ref.system),
      el('td', { class: 'mono' }, ref.systemId),
      el('td', {}, ref.matchedOn),
      el('td', { class: 'num' }, `${Math.round((ref.confidence ?? 0) * 100)} %`),
    ),
  );
  const events = (profile.recentEvents ?? []).map((event) =>
    el(
      'tr',
      {},
      el('td', {}, when(event.occurredAt)),
      el('td', {}, event.eventType),
      el('td', { class: 'mono' }, event.topic),
      el('td', { class: 'mono' }, event.reference),
      el(
        'td',
        {},
        event.correlationId
          ? el(
              'button',
              {
                type: 'button',
                class: 'link',
                title: 'Trace this event through the hub',
                onclick: () => runSearch(/** @type {string} */ (event.correlationId)),
              },
              'trace',
            )
          : '',
      ),
    ),
  );
  return el(
    'div',
    { class: 'card customer', 'data-golden-id': golden.goldenId },
    el('h3', {}, golden.fullName ?? '(no name)', el('span', { class: 'muted' }, ` · ${golden.goldenId}`)),
    el(
      'dl',
      { class: 'fields' },
      shown.flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, String(value))]),
    ),
    references.length
      ? el(
          'table',
          { class: 'grid' },
          el('caption', {}, 'Known in'),
          el(
            'thead',
            {},
            el('tr', {}, el('th', {}, 'System'), el('th', {}, 'Id'), el('th', {}, 'Matched on'), el('th', { class: 'num' }, 'Confidence')),
          ),
          el('tbody', {}, references),
        )
      : '',
    events.length
      ? el(
          'table',
          { class: 'grid' },
          el('caption', {}, 'Recent events'),
          el(
            'thead',
            {},
            el('tr', {}, el('th', {}, 'When'), el('th', {}, 'Event'), el('th', {}, 'Topic'), el('th', {}, 'About'), el('th', {}, '')),
          ),
          el('tbody', {}, events),
        )
      : el('p', { class: 'muted' }, 'No recent events.'),
  );
}

/** @param {Risk} risk */
function riskText(risk) {
  return [risk.level, risk.lossRatio !== undefined && risk.lossRatio !== null ? `loss ratio ${risk.lossRatio}` : '']
    .filter(Boolean)
    .join(', ');
}
