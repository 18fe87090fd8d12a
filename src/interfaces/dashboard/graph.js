// @ts-check
/* The graph: sources → topics → flows and processors → topics → sinks, drawn as SVG and updated in place on each poll. */
import { byId, el, svg } from './dom.js';
import { ago, count, inWords, perSecond, plural } from './format.js';
import { layoutGraph } from './graph-layout.js';

/**
 * @typedef {import('./graph-layout.js').GraphNode} GraphNode
 * @typedef {import('./graph-layout.js').GraphEdge} GraphEdge
 * @typedef {import('./flow-of-records.js').Component} Component
 * @typedef {import('./flow-of-records.js').Counters} Counters
 */

/**
 * A component's SVG parts that each poll updates.
 * @typedef {{ node: GraphNode, group: SVGGElement, tooltip: SVGTitleElement, stateWord: SVGTSpanElement, rate: SVGTSpanElement, line3: SVGTextElement, line4: SVGTextElement }} NodeParts
 */

/** @type {Map<string, NodeParts>} Node id → its SVG parts to update on each poll. */
const graphNodes = new Map();
/** @type {Map<string, SVGPathElement[]>} Edges by the node they leave, to show which carry records now. */
const graphEdges = new Map();

/**
 * The state class that colours a node: the same five colours for every kind of component.
 * @param {string | undefined} state
 */
export function stateClass(state) {
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

/**
 * Shortens an SVG text (its full name stays in the node's tooltip) until it fits the room there is; needs the text laid out.
 * @param {SVGTextElement} text
 * @param {number} room
 */
function fitText(text, room) {
  const full = text.textContent ?? '';
  let length = full.length;
  while (length > 4 && text.getComputedTextLength() > room) {
    length--;
    text.textContent = `${full.slice(0, length)}…`;
  }
}

/**
 * @param {GraphNode[]} nodes
 * @param {GraphEdge[]} edges
 */
export function drawGraph(nodes, edges) {
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
    const from = placed(layout, edge.from);
    const to = placed(layout, edge.to);
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
    graphEdges.set(edge.from, [...(graphEdges.get(edge.from) ?? []), line]);
  }

  /** @type {(() => void)[]} */
  const fitting = [];
  for (const node of nodes) {
    const at = placed(layout, node.id);
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

/**
 * Where the layout put a node: every node and every edge's ends are placed.
 * @param {import('./graph-layout.js').Layout} layout
 * @param {string} id
 */
function placed(layout, id) {
  const at = layout.positions.get(id);
  if (!at) throw new TypeError(`the graph layout left out node ${id}`);
  return at;
}

/**
 * Shows a component's state, rate and counters on its node, and which of its edges carry records now.
 * @param {Component} component
 * @param {Counters} counters
 * @param {number | null} rate
 */
export function updateNode(component, counters, rate) {
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
