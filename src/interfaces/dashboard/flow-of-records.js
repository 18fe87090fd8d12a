// @ts-check
/*
 * The "Flow of records" section: the graph, the totals above it and the table below it, from
 * GET /api/topology, GET /api/status (connectors and flows) and the customer view's processors.
 */
import { api } from './api-client.js';
import { filterDeadLetters } from './dead-letters.js';
import { byId, el } from './dom.js';
import { ago, count, inWords, oneDecimal, perSecond, when } from './format.js';
import { drawGraph, stateClass, updateNode } from './graph.js';
import { isPolling } from './polling-session.js';
import { stepStateList } from './step-state.js';

export const POLL_MS = 2000;
const TOPOLOGY_MS = 30_000;

/**
 * @typedef {import('./api-client.js').ApiError} ApiError
 * @typedef {import('./step-state.js').StepState} StepState
 * @typedef {{ nodes?: import('./graph-layout.js').GraphNode[], edges?: import('./graph-layout.js').GraphEdge[] }} Topology
 * @typedef {{ recordsIn?: number, recordsOut?: number, failures?: number, deadLettered?: number, lastError?: LastError }} Counters
 * @typedef {ApiError & { at?: string }} LastError
 * @typedef {{ inPerSecond: number, outPerSecond?: number }} Rate
 * @typedef {{ name: string, connector?: string, kind: string, state: string, counters?: Counters, rate?: Rate | null, lag?: { total?: number } | null, lagError?: ApiError, lastError?: LastError }} ConnectorStatus
 * @typedef {{ name: string, file?: string, state: string, counters?: Counters, rate?: Rate | null, lag?: { total?: number } | null, lagError?: ApiError, lastError?: LastError, issues?: string[], stepState?: StepState[] }} FlowStatus
 * @typedef {{ at?: string, connectors?: ConnectorStatus[], flows?: FlowStatus[] }} Status
 * @typedef {{ name: string, state: string, recordsIn?: number, recordsOut?: number, deadLettered?: number, lastError?: LastError | null }} ProcessorStatus
 * @typedef {{ processors?: ProcessorStatus[] }} CustomerViewStatus
 */

/**
 * A connector, flow or processor as the section shows it.
 * @typedef {{ id: string, name: string, kind: string, detail?: string, state: string, counters?: Counters, rate?: Rate | null, lag: number | null, lagError?: ApiError, lastError?: LastError, stepState?: StepState[] }} Component
 */

let lastTopologyAt = 0;
let topologyKey = '';
/** @type {Component[] | undefined} */
let lastComponents;

/** A new session reads the topology at once. */
export function forgetTopology() {
  lastTopologyAt = 0;
}

export async function refreshTopologyIfDue() {
  if (Date.now() - lastTopologyAt < TOPOLOGY_MS) return;
  const result = /** @type {import('./api-client.js').ApiResult<Topology>} */ (await api('/api/topology'));
  if (!result.ok) {
    if (result.status !== 401)
      byId('graph').replaceChildren(el('p', { class: 'error' }, `The topology could not be read: ${inWords(result.error)}`));
    return;
  }
  lastTopologyAt = Date.now();
  const key = JSON.stringify(result.data);
  if (key === topologyKey) return;
  topologyKey = key;
  drawGraph(result.data.nodes ?? [], result.data.edges ?? []);
  if (lastComponents) applyComponents(lastComponents);
}

/** @param {string | undefined} message */
function setBanner(message) {
  const banner = byId('banner');
  banner.textContent = message ?? '';
  banner.hidden = !message;
}

export async function refreshStatus() {
  const [status, customerView] =
    /** @type {[import('./api-client.js').ApiResult<Status>, import('./api-client.js').ApiResult<CustomerViewStatus>]} */ (
      await Promise.all([api('/api/status'), api('/api/customer-view/status')])
    );
  if (!isPolling()) return;
  if (!status.ok) {
    if (status.status !== 401) setBanner(`Live status unavailable: ${inWords(status.error)}. Retrying every ${POLL_MS / 1000} s.`);
    return;
  }
  setBanner('');
  /** @type {Component[]} */
  const components = [
    ...(status.data.connectors ?? []).map((connector) => ({
      id: `connector:${connector.name}`,
      name: connector.name,
      kind: connector.kind,
      detail: connector.connector,
      state: connector.state,
      counters: connector.counters,
      rate: connector.rate,
      lag: connector.lag?.total ?? null,
      lagError: connector.lagError,
      lastError: connector.lastError,
    })),
    ...(status.data.flows ?? []).map((flow) => ({
      id: `flow:${flow.name}`,
      name: flow.name,
      kind: 'flow',
      detail: flow.file ? flow.file.split('/').pop() : '',
      state: flow.state,
      counters: flow.counters,
      rate: flow.rate,
      lag: flow.lag?.total ?? null,
      lagError: flow.lagError,
      lastError:
        flow.lastError ??
        flow.counters?.lastError ??
        (flow.issues?.length ? { code: 'FLOW_INVALID', message: flow.issues.join('; ') } : undefined),
      stepState: flow.stepState,
    })),
    ...(customerView.ok ? (customerView.data.processors ?? []) : []).map((processor) => ({
      id: `processor:${processor.name}`,
      name: processor.name,
      kind: 'processor',
      detail: 'customer view',
      state: processor.state,
      counters: {
        recordsIn: processor.recordsIn,
        recordsOut: processor.recordsOut,
        failures: processor.lastError ? 1 : 0,
        deadLettered: processor.deadLettered,
      },
      rate: null,
      lag: null,
      lastError: processor.lastError ?? undefined,
    })),
  ];
  lastComponents = components;
  applyComponents(components);
  byId('updated').textContent = `updated ${when(status.data.at ?? new Date().toISOString()).slice(11)}`;
}

/** @type {Map<string, { at: number, recordsIn: number | undefined, rate?: number }>} Processors report no rate: it is measured here from their counters between two polls. */
const processorSamples = new Map();

/**
 * @param {Component} component
 * @returns {number | null}
 */
function measuredRate(component) {
  if (component.rate) return component.rate.inPerSecond;
  if (component.kind !== 'processor' || !component.counters) return null;
  const now = Date.now();
  const previous = processorSamples.get(component.id);
  /** @type {{ at: number, recordsIn: number | undefined, rate?: number }} */
  const sample = { at: now, recordsIn: component.counters.recordsIn };
  processorSamples.set(component.id, sample);
  if (!previous || now - previous.at < 500) return previous?.rate ?? null;
  const rate = Math.max(0, (Number(component.counters.recordsIn) - Number(previous.recordsIn)) / ((now - previous.at) / 1000));
  sample.rate = rate;
  return rate;
}

/** @param {Component[]} components */
function applyComponents(components) {
  const totals = { rate: 0, records: 0, errors: 0, deadLettered: 0, lag: 0 };
  const rows = [];
  for (const component of components) {
    const counters = component.counters ?? { recordsIn: 0, recordsOut: 0, failures: 0, deadLettered: 0 };
    const rate = measuredRate(component);
    totals.rate += rate ?? 0;
    totals.records += counters.recordsIn ?? 0;
    totals.errors += counters.failures ?? 0;
    totals.deadLettered += counters.deadLettered ?? 0;
    totals.lag += component.lag ?? 0;
    updateNode(component, counters, rate);
    rows.push(componentRow(component, counters, rate));
  }
  setTotal('total-rate', totals.rate, oneDecimal(totals.rate));
  setTotal('total-records', totals.records, count(totals.records));
  setTotal('total-errors', totals.errors, count(totals.errors));
  setTotal('total-dead-lettered', totals.deadLettered, count(totals.deadLettered));
  setTotal('total-lag', totals.lag, count(totals.lag));
  byId('components', HTMLTableElement).tBodies[0]?.replaceChildren(...rows);
}

/**
 * @param {string} id
 * @param {number} value
 * @param {string} text
 */
function setTotal(id, value, text) {
  const node = byId(id);
  node.dataset.value = String(value);
  node.textContent = text;
}

/**
 * @param {Component} component
 * @param {Counters} counters
 * @param {number | null} rate
 */
function componentRow(component, counters, rate) {
  const lastError = component.lastError
    ? el(
        'span',
        {},
        inWords(component.lastError),
        component.lastError.at ? el('span', { class: 'muted' }, ` — ${ago(component.lastError.at)}`) : '',
      )
    : el('span', { class: 'muted' }, 'none');
  const deadLettered = counters.deadLettered
    ? el(
        'button',
        { type: 'button', class: 'link', title: 'Show these dead letters', onclick: () => filterDeadLetters({ source: component.name }) },
        count(counters.deadLettered),
      )
    : count(counters.deadLettered);
  return el(
    'tr',
    { 'data-id': component.id },
    el(
      'td',
      {},
      el('strong', {}, component.name),
      component.detail ? el('div', { class: 'muted' }, component.detail) : '',
      stepStateList(component.stepState),
    ),
    el('td', {}, component.kind),
    el('td', {}, el('span', { class: `pill ${stateClass(component.state)}` }, component.state)),
    el('td', { class: 'num' }, rate === null ? '–' : perSecond(rate)),
    el('td', { class: 'num' }, count(counters.recordsIn)),
    el('td', { class: 'num' }, count(counters.recordsOut)),
    el('td', { class: 'num' }, count(counters.failures)),
    el('td', { class: 'num' }, deadLettered),
    el('td', { class: 'num' }, component.lag === null ? (component.lagError ? 'unknown' : '–') : `${count(component.lag)} records`),
    el('td', { class: 'wrap' }, lastError),
  );
}
