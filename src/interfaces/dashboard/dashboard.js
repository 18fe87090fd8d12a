/*
 * The crm-hub dashboard: plain browser JavaScript, no build step and no library, served by the hub.
 * The page holds no data of its own. Everything comes from the admin API with the API token the
 * person enters (kept in sessionStorage for this tab), so the API's roles decide what is shown and
 * allowed: a 401 asks for a token again, a 403 says the role is too low. Text from the API is only
 * ever set as text (never as HTML).
 */
/* global document, sessionStorage, fetch, setTimeout, clearTimeout, URLSearchParams */

const TOKEN_KEY = 'crm-hub.api-token';
const POLL_MS = 2000;
const TOPOLOGY_MS = 30_000;
const DLQ_SUMMARY_MS = 10_000;
const REPLAY_POLL_MS = 1000;
const SVG_NS = 'http://www.w3.org/2000/svg';

const NODE_W = 232;
const COMPONENT_H = 76;
const TOPIC_H = 28;
const GAP_X = 56;
const GAP_Y = 14;
const MARGIN = 12;

// ---------------------------------------------------------------------------------------------
// DOM and formatting helpers

const byId = (id) => document.getElementById(id);

/** An element with attributes (`class`, `data-*`, properties for `on*`/`hidden`/`disabled`) and text or element children. */
function el(tag, attributes = {}, ...children) {
  return decorate(document.createElement(tag), attributes, children);
}

function svg(tag, attributes = {}, ...children) {
  return decorate(document.createElementNS(SVG_NS, tag), attributes, children);
}

function decorate(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'hidden' || name === 'disabled' || name === 'checked' || name === 'value') node[name] = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

function count(value) {
  return typeof value === 'number' && Number.isFinite(value) ? integer.format(value) : '–';
}

function perSecond(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  return `${value > 0 && value < 0.1 ? '<0.1' : decimal.format(value)} rec/s`;
}

function plural(n, one, many = `${one}s`) {
  return `${count(n)} ${n === 1 ? one : many}`;
}

function when(iso) {
  if (!iso) return '–';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return String(iso);
  return at.toLocaleString('sv-SE', { hour12: false }).replace('T', ' ');
}

function ago(iso) {
  const ms = Date.now() - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return '';
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} days ago`;
}

function duration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  if (Math.abs(ms) < 120_000) return `${decimal.format(ms / 1000)} s`;
  if (Math.abs(ms) < 7_200_000) return `${decimal.format(ms / 60_000)} min`;
  return `${decimal.format(ms / 3_600_000)} h`;
}

/** An API error as a sentence: the message first, the code for whoever searches the logs. */
function inWords(error) {
  if (!error) return '';
  const message = error.message ? String(error.message) : 'failed';
  return error.code ? `${message} (${error.code})` : message;
}

function show(node, message, kind = '') {
  node.textContent = message;
  node.className = `message ${kind}`.trim();
}

// ---------------------------------------------------------------------------------------------
// The API token and API calls

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function askForToken(message = '') {
  sessionStorage.removeItem(TOKEN_KEY);
  stopPolling();
  byId('token-error').textContent = message;
  byId('token-input').value = '';
  const dialog = byId('token-dialog');
  if (!dialog.open) dialog.showModal();
  byId('token-input').focus();
}

/**
 * Calls the admin API with the token: `{ ok, status, data }` or `{ ok: false, status, error }` with
 * the API's own `{ code, message }`. Never throws, so that one failed call cannot stop the page.
 */
async function api(path, { method = 'GET', body } = {}) {
  const bearer = token();
  if (!bearer) {
    askForToken();
    return { ok: false, status: 401, error: { code: 'UNAUTHENTICATED', message: 'no API token entered' } };
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      cache: 'no-store',
      headers: {
        Authorization: `Bearer ${bearer}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (failure) {
    return { ok: false, status: 0, error: { code: 'HUB_UNREACHABLE', message: `the hub did not answer (${failure.message})` } };
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.status === 401) {
    askForToken(`The hub did not accept the token: ${data?.error?.message ?? 'unauthenticated'}. Enter a valid API token.`);
  }
  if (!response.ok) {
    const error = data?.error ?? {
      code: `HTTP_${response.status}`,
      message:
        response.status === 404
          ? `this hub does not serve ${path.split('?')[0]} (yet: still starting, or a version without it)`
          : `the hub answered ${response.status} ${response.statusText}`,
    };
    return { ok: false, status: response.status, error };
  }
  return { ok: true, status: response.status, data };
}

/** The message for a refused action: a 403 means the token's role, which a person can do something about. */
function refusal(result, action) {
  if (result.status === 403)
    return `${action} needs an operator or admin token; this token's role is too low. ${result.error.message ?? ''}`.trim();
  return `${action} failed: ${inWords(result.error)}`;
}

// ---------------------------------------------------------------------------------------------
// Polling

let pollTimer;
let summaryTimer;
let polling = false;
/** Which token's polling a loop belongs to: a loop whose request was in flight when the token changed ends instead of running twice. */
let session = 0;
let lastTopologyAt = 0;

function stopPolling() {
  polling = false;
  session++;
  clearTimeout(pollTimer);
  clearTimeout(summaryTimer);
}

function startPolling() {
  stopPolling();
  polling = true;
  lastTopologyAt = 0;
  void poll(session);
  void pollDeadLetterSummary(session);
  void loadDeadLetters();
  void loadReplays();
}

async function poll(mine) {
  if (mine !== session) return;
  const started = Date.now();
  await Promise.all([refreshHealth(), refreshTopologyIfDue(), refreshStatus()]);
  if (mine === session) pollTimer = setTimeout(() => poll(mine), Math.max(200, POLL_MS - (Date.now() - started)));
}

async function pollDeadLetterSummary(mine) {
  if (mine !== session) return;
  await loadDeadLetterSummary();
  if (mine === session) summaryTimer = setTimeout(() => pollDeadLetterSummary(mine), DLQ_SUMMARY_MS);
}

function setBanner(message) {
  const banner = byId('banner');
  banner.textContent = message ?? '';
  banner.hidden = !message;
}

// /health is usually open: it answers even before a token is entered, which tells a person the hub itself is up.
async function refreshHealth() {
  const pill = byId('hub-health');
  const say = (text, state, title = 'Kafka and schema registry, as /health reports them') => {
    pill.textContent = text;
    pill.className = `pill ${state}`;
    pill.title = title;
  };
  let response;
  try {
    response = await fetch('/health', { cache: 'no-store', headers: token() ? { Authorization: `Bearer ${token()}` } : {} });
  } catch (failure) {
    say('hub unreachable', 'state-failed', failure.message);
    return;
  }
  const health = await response.json().catch(() => ({}));
  if (health.status === 'starting') return say('starting…', 'state-starting');
  if (health.status === 'failed') return say('failed to start', 'state-failed', health.error ?? '');
  if (!health.kafka) return say(`health unknown (${response.status})`, 'state-stopped', health.error?.message ?? '');
  const parts = `Kafka ${health.kafka.ok ? 'ok' : 'down'} · registry ${health.schemaRegistry?.ok ? 'ok' : 'down'}`;
  const problems = [health.kafka.error, health.schemaRegistry?.error].filter(Boolean).join('; ');
  say(
    health.status === 'ok' ? `healthy · ${parts}` : `degraded · ${parts}`,
    health.status === 'ok' ? 'state-running' : 'state-failed',
    problems || undefined,
  );
}

// ---------------------------------------------------------------------------------------------
// The graph: sources → topics → flows and processors → topics → sinks

let topologyKey = '';
/** Node id → its SVG parts to update on each poll. */
const graphNodes = new Map();
/** Edges by the node they leave, to show which carry records now. */
const graphEdges = new Map();

async function refreshTopologyIfDue() {
  if (Date.now() - lastTopologyAt < TOPOLOGY_MS) return;
  const result = await api('/api/topology');
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

const KIND_ORDER = { source: 0, topic: 1, flow: 2, processor: 3, sink: 4 };

/**
 * Columns by the longest path from the sources (edges that close a cycle are left out of that
 * count), sinks in the last column, and within a column the order that keeps nodes near their
 * neighbours (two barycentre sweeps), which is enough for graphs of a few dozen nodes.
 */
export function layoutGraph(nodes, edges) {
  const ids = new Set(nodes.map((node) => node.id));
  const valid = edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to) && edge.from !== edge.to);
  const outgoing = new Map(nodes.map((node) => [node.id, []]));
  for (const edge of valid) outgoing.get(edge.from).push(edge.to);

  const start = [...nodes].sort((a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || a.name.localeCompare(b.name));
  const visiting = new Map();
  const back = new Set();
  const visit = (id) => {
    visiting.set(id, 'open');
    for (const to of outgoing.get(id)) {
      if (visiting.get(to) === 'open') back.add(`${id}\n${to}`);
      else if (!visiting.has(to)) visit(to);
    }
    visiting.set(id, 'done');
  };
  for (const node of start) if (!visiting.has(node.id)) visit(node.id);

  const forward = valid.filter((edge) => !back.has(`${edge.from}\n${edge.to}`));
  const indegree = new Map(nodes.map((node) => [node.id, 0]));
  const next = new Map(nodes.map((node) => [node.id, []]));
  for (const edge of forward) {
    next.get(edge.from).push(edge.to);
    indegree.set(edge.to, indegree.get(edge.to) + 1);
  }
  const layer = new Map(nodes.map((node) => [node.id, 0]));
  const queue = start.filter((node) => indegree.get(node.id) === 0).map((node) => node.id);
  while (queue.length > 0) {
    const id = queue.shift();
    for (const to of next.get(id)) {
      layer.set(to, Math.max(layer.get(to), layer.get(id) + 1));
      indegree.set(to, indegree.get(to) - 1);
      if (indegree.get(to) === 0) queue.push(to);
    }
  }
  const deepest = Math.max(0, ...layer.values());
  for (const node of nodes) if (node.kind === 'sink' && outgoing.get(node.id).length === 0) layer.set(node.id, deepest);

  const columns = Array.from({ length: deepest + 1 }, () => []);
  for (const node of start) columns[layer.get(node.id)].push(node);
  const predecessors = new Map(nodes.map((node) => [node.id, []]));
  const successors = new Map(nodes.map((node) => [node.id, []]));
  for (const edge of forward) {
    predecessors.get(edge.to).push(edge.from);
    successors.get(edge.from).push(edge.to);
  }
  const rank = new Map();
  const rerank = () => columns.forEach((column) => column.forEach((node, index) => rank.set(node.id, (index + 0.5) / column.length)));
  const sweep = (column, neighbours) => {
    const weight = (node) => {
      const known = neighbours.get(node.id).filter((id) => rank.has(id));
      return known.length === 0 ? rank.get(node.id) : known.reduce((sum, id) => sum + rank.get(id), 0) / known.length;
    };
    const weights = new Map(column.map((node) => [node.id, weight(node)]));
    column.sort((a, b) => weights.get(a.id) - weights.get(b.id));
  };
  rerank();
  for (let round = 0; round < 2; round++) {
    for (let i = 1; i < columns.length; i++) {
      sweep(columns[i], predecessors);
      rerank();
    }
    for (let i = columns.length - 2; i >= 0; i--) {
      sweep(columns[i], successors);
      rerank();
    }
  }

  const heightOf = (node) => (node.kind === 'topic' ? TOPIC_H : COMPONENT_H);
  const columnHeight = (column) => column.reduce((sum, node) => sum + heightOf(node), 0) + Math.max(0, column.length - 1) * GAP_Y;
  const height = Math.max(...columns.map(columnHeight), COMPONENT_H);
  const positions = new Map();
  columns.forEach((column, index) => {
    let y = MARGIN + (height - columnHeight(column)) / 2;
    for (const node of column) {
      positions.set(node.id, { x: MARGIN + index * (NODE_W + GAP_X), y, width: NODE_W, height: heightOf(node), layer: index });
      y += heightOf(node) + GAP_Y;
    }
  });
  return {
    positions,
    edges: valid,
    width: MARGIN * 2 + columns.length * NODE_W + (columns.length - 1) * GAP_X,
    height: height + MARGIN * 2,
  };
}

/** Shortens an SVG text (its full name stays in the node's tooltip) until it fits the room there is; needs the text laid out. */
function fitText(text, room) {
  const full = text.textContent;
  let length = full.length;
  while (length > 4 && text.getComputedTextLength() > room) {
    length--;
    text.textContent = `${full.slice(0, length)}…`;
  }
}

function drawGraph(nodes, edges) {
  graphNodes.clear();
  graphEdges.clear();
  const container = byId('graph');
  if (nodes.length === 0) {
    container.replaceChildren(el('p', { class: 'muted' }, 'This hub runs no connectors, flows or processors yet.'));
    return;
  }
  const layout = layoutGraph(nodes, edges);
  const root = svg('svg', { viewBox: `0 0 ${layout.width} ${layout.height}`, role: 'img', 'aria-label': `Graph of ${nodes.length} nodes` });
  // Fit the width of the page, never larger than life nor so small that the numbers cannot be read (the box scrolls then).
  root.style.maxWidth = `${layout.width}px`;
  root.style.minWidth = `${Math.round(layout.width * 0.8)}px`;
  const edgeLayer = svg('g', { class: 'edges' });
  const nodeLayer = svg('g', { class: 'nodes' });
  root.append(edgeLayer, nodeLayer);

  for (const edge of layout.edges) {
    const from = layout.positions.get(edge.from);
    const to = layout.positions.get(edge.to);
    const x1 = from.x + from.width;
    const y1 = from.y + from.height / 2;
    const x2 = to.x;
    const y2 = to.y + to.height / 2;
    const bend = Math.max(40, Math.abs(x2 - x1) / 2);
    const line = svg('path', {
      class: 'edge',
      d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
      'data-from': edge.from,
      'data-to': edge.to,
    });
    edgeLayer.append(line);
    if (!graphEdges.has(edge.from)) graphEdges.set(edge.from, []);
    graphEdges.get(edge.from).push(line);
  }

  const fitting = [];
  for (const node of nodes) {
    const at = layout.positions.get(node.id);
    const group = svg('g', {
      class: `node ${node.kind === 'topic' ? 'topic' : 'component state-stopped'}`,
      'data-id': node.id,
      'data-kind': node.kind,
      transform: `translate(${at.x},${at.y})`,
    });
    const tooltip = svg('title', {}, `${node.kind} ${node.name}`);
    group.append(tooltip);
    if (node.kind === 'topic') {
      const name = svg('text', { class: 'name', x: 12, y: 18 }, node.name);
      group.append(svg('rect', { width: at.width, height: at.height, rx: at.height / 2 }), name);
      fitting.push(() => fitText(name, at.width - 24));
    } else {
      const name = svg('text', { class: 'name', x: 10, y: 18 }, node.name);
      const kind = svg('text', { class: 'kind', x: at.width - 8, y: 16, 'text-anchor': 'end' }, node.kind);
      fitting.push(() => fitText(name, at.width - 26 - kind.getComputedTextLength()));
      const stateWord = svg('tspan', { class: 'state-word' }, 'no status');
      const rate = svg('tspan', { class: 'rate' }, '');
      const line2 = svg('text', { x: 10, y: 36 }, stateWord, rate);
      const line3 = svg('text', { class: 'records', x: 10, y: 52 }, '');
      const line4 = svg('text', { class: 'problems', x: 10, y: 68 }, '');
      group.append(svg('rect', { width: at.width, height: at.height, rx: 8 }), name, kind, line2, line3, line4);
      graphNodes.set(node.id, { node, group, tooltip, stateWord, rate, line3, line4 });
    }
    nodeLayer.append(group);
  }
  container.replaceChildren(root);
  for (const fit of fitting) fit();
}

// ---------------------------------------------------------------------------------------------
// Live status: connectors, flows (GET /api/status) and the customer view's processors

/** The state class that colours a node: the same five colours for every kind of component. */
function stateClass(state) {
  switch (state) {
    case 'running':
    case 'active':
      return 'state-running';
    case 'paused':
    case 'standby':
      return 'state-paused';
    case 'starting':
    case 'restarting':
      return 'state-starting';
    case 'failed':
      return 'state-failed';
    default:
      return 'state-stopped';
  }
}

let lastComponents;

async function refreshStatus() {
  const [status, customerView] = await Promise.all([api('/api/status'), api('/api/customer-view/status')]);
  if (!polling) return;
  if (!status.ok) {
    if (status.status !== 401) setBanner(`Live status unavailable: ${inWords(status.error)}. Retrying every ${POLL_MS / 1000} s.`);
    return;
  }
  setBanner('');
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

/** Processors report no rate: it is measured here from their counters between two polls. */
const processorSamples = new Map();

function measuredRate(component) {
  if (component.rate) return component.rate.inPerSecond;
  if (component.kind !== 'processor' || !component.counters) return null;
  const now = Date.now();
  const previous = processorSamples.get(component.id);
  processorSamples.set(component.id, { at: now, recordsIn: component.counters.recordsIn });
  if (!previous || now - previous.at < 500) return previous?.rate ?? null;
  const rate = Math.max(0, (component.counters.recordsIn - previous.recordsIn) / ((now - previous.at) / 1000));
  processorSamples.get(component.id).rate = rate;
  return rate;
}

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
  setTotal('total-rate', totals.rate, decimal.format(totals.rate));
  setTotal('total-records', totals.records, count(totals.records));
  setTotal('total-errors', totals.errors, count(totals.errors));
  setTotal('total-dead-lettered', totals.deadLettered, count(totals.deadLettered));
  setTotal('total-lag', totals.lag, count(totals.lag));
  byId('components').tBodies[0].replaceChildren(...rows);
}

function setTotal(id, value, text) {
  const node = byId(id);
  node.dataset.value = String(value);
  node.textContent = text;
}

function updateNode(component, counters, rate) {
  const parts = graphNodes.get(component.id);
  if (!parts) return;
  parts.group.setAttribute('class', `node component ${stateClass(component.state)}`);
  parts.group.dataset.state = component.state;
  parts.group.dataset.records = String(counters.recordsIn ?? 0);
  parts.stateWord.textContent = component.state;
  parts.rate.textContent = rate === null ? '' : ` · ${perSecond(rate)}`;
  parts.line3.textContent = `${count(counters.recordsIn)} in · ${count(counters.recordsOut)} out${component.lag ? ` · lag ${count(component.lag)}` : ''}`;
  const problems = [];
  if (counters.failures) problems.push(plural(counters.failures, 'error'));
  if (counters.deadLettered) problems.push(`${count(counters.deadLettered)} dead-lettered`);
  parts.line4.textContent = problems.length ? problems.join(' · ') : 'no errors';
  parts.line4.setAttribute('class', problems.length ? 'problems alert' : 'problems');
  const lines = [`${component.kind} ${component.name}${component.detail ? ` (${component.detail})` : ''}: ${component.state}`];
  if (rate !== null) lines.push(`${perSecond(rate)} over the last minute`);
  if (component.lastError)
    lines.push(`last error ${component.lastError.at ? `${ago(component.lastError.at)} ` : ''}: ${inWords(component.lastError)}`);
  if (component.lagError) lines.push(`lag unknown: ${inWords(component.lagError)}`);
  parts.tooltip.textContent = lines.join('\n');
  for (const line of graphEdges.get(component.id) ?? []) line.classList.toggle('active', (component.rate?.outPerSecond ?? rate ?? 0) > 0);
}

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
    el('td', {}, el('strong', {}, component.name), component.detail ? el('div', { class: 'muted' }, component.detail) : ''),
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

// ---------------------------------------------------------------------------------------------
// Customer and trace search

let searchGeneration = 0;

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
    if (generation === searchGeneration) customers.replaceChildren(...renderCustomers(result, query));
  });
  // One scan answers both readings of the text: records carrying it as correlation id or as key.
  const traced = api(`/api/trace?correlationId=${encoded}&key=${encoded}`).then((result) => {
    if (generation === searchGeneration) trace.replaceChildren(...renderTrace(result, query));
  });
  await Promise.all([lookup, traced]);
}

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

function customerCard(profile) {
  const golden = profile.golden ?? {};
  const address = golden.address
    ? [golden.address.province, golden.address.city, golden.address.district, golden.address.street].filter(Boolean).join(' ')
    : '';
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
  ].filter(([, value]) => value !== null && value !== undefined && value !== '');
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
              { type: 'button', class: 'link', title: 'Trace this event through the hub', onclick: () => runSearch(event.correlationId) },
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
      fields.flatMap(([label, value]) => [el('dt', {}, label), el('dd', {}, String(value))]),
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

function riskText(risk) {
  return [risk.level, risk.lossRatio !== undefined && risk.lossRatio !== null ? `loss ratio ${risk.lossRatio}` : '']
    .filter(Boolean)
    .join(', ');
}

function hopsOf(data) {
  return Array.isArray(data?.hops) ? data.hops : [];
}

function stageText(stage) {
  if (!stage) return 'record';
  if (stage.kind !== 'dead-letter')
    return [stage.kind === 'customer-view' ? 'customer view' : stage.kind, stage.name].filter(Boolean).join(' ');
  const reason = stage.reason;
  const where = [stage.name, reason?.step].filter(Boolean).join(' ');
  return `dead letter${where ? ` (${where})` : ''}${reason ? `: ${inWords(reason)}` : ''}`;
}

function renderTrace(result, query) {
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

function runSearch(query) {
  byId('search-input').value = query;
  byId('search-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
  void search(query);
}

// ---------------------------------------------------------------------------------------------
// Dead letters: summary, list, one in full, replay

let dlqCursor = null;
let dlqFilter = {};
let dlqMatched = 0;

function readFilter() {
  const filter = {};
  for (const name of ['topic', 'source', 'code', 'since', 'until']) {
    const value = byId(`dlq-${name}`).value.trim();
    if (value) filter[name] = value;
  }
  return filter;
}

function filterDeadLetters(filter) {
  for (const name of ['topic', 'source', 'code', 'since', 'until']) {
    const input = byId(`dlq-${name}`);
    if (name === 'topic' && filter.topic && ![...input.options].some((option) => option.value === filter.topic))
      input.append(el('option', { value: filter.topic }, filter.topic));
    input.value = filter[name] ?? '';
  }
  byId('dlq-section').scrollIntoView({ behavior: 'smooth', block: 'start' });
  void loadDeadLetters();
}

async function loadDeadLetterSummary() {
  const result = await api('/api/dead-letters/summary');
  const box = byId('dlq-summary');
  if (!result.ok) {
    if (result.status !== 401) box.replaceChildren(el('p', { class: 'error' }, `Dead letters could not be read: ${inWords(result.error)}`));
    return;
  }
  const summary = result.data;
  const select = byId('dlq-topic');
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

async function loadDeadLetters({ more = false } = {}) {
  if (!more) {
    dlqFilter = readFilter();
    dlqCursor = null;
  }
  const params = new URLSearchParams({ ...dlqFilter, order: byId('dlq-order').value, limit: '50' });
  if (more && dlqCursor) params.set('cursor', dlqCursor);
  const result = await api(`/api/dead-letters?${params}`);
  const body = byId('dlq-list').tBodies[0];
  if (!result.ok) {
    if (result.status !== 401) {
      byId('dlq-count').textContent = `Dead letters could not be listed: ${inWords(result.error)}`;
      byId('dlq-count').className = 'error';
    }
    return;
  }
  const page = result.data;
  dlqCursor = page.nextCursor ?? null;
  dlqMatched = page.matched ?? (page.items ?? []).length;
  const rows = (page.items ?? []).map(deadLetterRow);
  if (more) body.append(...rows);
  else body.replaceChildren(...rows);
  const described = Object.entries(dlqFilter)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  byId('dlq-count').className = 'muted';
  byId('dlq-count').textContent =
    `${plural(dlqMatched, 'dead letter')} ${described ? `match ${described}` : 'in all'}; showing ${count(body.rows.length)}.`;
  byId('dlq-more').hidden = !dlqCursor;
  byId('dlq-replay-filtered').textContent = `Replay ${dlqMatched === 1 ? 'this dead letter' : `these ${count(dlqMatched)} dead letters`}…`;
  byId('dlq-replay-filtered').disabled = dlqMatched === 0;
}

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

async function showDeadLetter(id) {
  const detail = byId('dlq-detail');
  detail.hidden = false;
  detail.replaceChildren(el('p', { class: 'muted' }, `Reading ${id}…`));
  for (const row of byId('dlq-list').tBodies[0].rows) row.classList.toggle('selected', row.dataset.id === id);
  const result = await api(`/api/dead-letters/${encodeURIComponent(id)}`);
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
  detail.replaceChildren(
    el(
      'div',
      { class: 'row' },
      el('h3', {}, `Dead letter ${letter.id}`),
      el('span', { class: 'spacer' }),
      el('button', { type: 'button', onclick: () => replay({ ids: [letter.id] }, `dead letter ${letter.id}`) }, 'Replay'),
      letter.correlationId
        ? el('button', { type: 'button', class: 'secondary', onclick: () => runSearch(letter.correlationId) }, 'Trace')
        : '',
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

function replayTarget() {
  const other = document.querySelector('input[name="replay-target"][value="other"]').checked;
  const topic = byId('replay-topic').value.trim();
  return other ? topic : undefined;
}

/** Jobs started or seen from this page, newest first, by id. */
const replayJobs = new Map();

async function replay(selection, description) {
  const message = byId('replay-message');
  const target = replayTarget();
  if (target === '') {
    show(message, 'Name the topic to replay to, or choose the original topics.', 'error');
    return;
  }
  show(message, `Starting the replay of ${description}…`);
  const result = await api('/api/dead-letters/replays', { method: 'POST', body: { ...selection, ...(target ? { target } : {}) } });
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

async function followReplay(id) {
  for (;;) {
    const job = replayJobs.get(id);
    if (!job || job.state !== 'running' || !polling) break;
    await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS));
    const result = await api(`/api/dead-letters/replays/${encodeURIComponent(id)}`);
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
    void loadDeadLetterSummary();
    void loadDeadLetters();
  }
}

async function loadReplays() {
  const result = await api('/api/dead-letters/replays');
  if (!result.ok) return;
  const jobs = result.data.replays ?? [];
  for (const job of jobs) if (!replayJobs.has(job.id) || replayJobs.get(job.id).state === 'running') replayJobs.set(job.id, job);
  renderReplays();
  for (const job of jobs) if (job.state === 'running') void followReplay(job.id);
}

function renderReplays() {
  const jobs = [...replayJobs.values()].sort((a, b) => String(b.when ?? '').localeCompare(String(a.when ?? '')));
  byId('replay-jobs').tBodies[0].replaceChildren(
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

// ---------------------------------------------------------------------------------------------
// Start

function wire() {
  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const entered = byId('token-input').value.trim();
    if (!entered) return;
    sessionStorage.setItem(TOKEN_KEY, entered);
    byId('token-dialog').close();
    startPolling();
  });
  // The page is useless without a token: Escape must not leave an empty page behind.
  byId('token-dialog').addEventListener('cancel', (event) => event.preventDefault());
  byId('sign-out').addEventListener('click', () => askForToken('Enter another API token.'));
  byId('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const query = byId('search-input').value.trim();
    if (query) void search(query);
  });
  byId('dlq-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    void loadDeadLetters();
  });
  byId('dlq-clear').addEventListener('click', () => filterDeadLetters({}));
  byId('dlq-more').addEventListener('click', () => loadDeadLetters({ more: true }));
  for (const radio of document.querySelectorAll('input[name="replay-target"]')) {
    radio.addEventListener('change', () => {
      byId('replay-topic').disabled = !document.querySelector('input[name="replay-target"][value="other"]').checked;
    });
  }
  byId('dlq-replay-filtered').addEventListener('click', () => {
    const target = replayTarget();
    byId('dlq-replay-question').textContent =
      `Replay ${plural(dlqMatched, 'dead letter')} ${Object.keys(dlqFilter).length ? 'matching the filter' : 'from every dead-letter topic'} to ${target || 'their original topics'}?`;
    byId('dlq-replay-confirm').hidden = false;
  });
  byId('dlq-replay-no').addEventListener('click', () => {
    byId('dlq-replay-confirm').hidden = true;
  });
  byId('dlq-replay-yes').addEventListener('click', () => {
    byId('dlq-replay-confirm').hidden = true;
    const filter = { ...dlqFilter };
    void replay(
      { filter },
      Object.keys(filter).length
        ? `the dead letters matching ${Object.entries(filter)
            .map(([name, value]) => `${name} ${value}`)
            .join(', ')}`
        : 'every dead letter',
    );
  });
}

function main() {
  wire();
  void refreshHealth();
  if (token()) startPolling();
  else askForToken();
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
  else main();
}
