// @ts-check
/* Where each node of the graph goes. Pure: no DOM, so that it is tested on its own. */

const NODE_W = 232;
const COMPONENT_H = 76;
const TOPIC_H = 28;
const GAP_X = 56;
const GAP_Y = 14;
const MARGIN = 12;

/** @typedef {'source' | 'topic' | 'flow' | 'processor' | 'sink'} NodeKind */
/** @typedef {{ id: string, kind: NodeKind, name: string }} GraphNode A node of GET /api/topology. */
/** @typedef {{ from: string, to: string }} GraphEdge */
/** @typedef {{ x: number, y: number, width: number, height: number, layer: number }} Placed */
/** @typedef {{ positions: Map<string, Placed>, edges: GraphEdge[], width: number, height: number }} Layout */

/** @type {Record<string, number>} */
const KIND_ORDER = { source: 0, topic: 1, flow: 2, processor: 3, sink: 4 };

/**
 * A map from each node's id to a fresh empty list.
 * @param {GraphNode[]} nodes
 * @returns {Map<string, string[]>}
 */
function listPerNode(nodes) {
  return new Map(nodes.map((node) => [node.id, []]));
}

/**
 * Columns by the longest path from the sources (edges that close a cycle are left out of that
 * count), sinks in the last column, and within a column the order that keeps nodes near their
 * neighbours (two barycentre sweeps), which is enough for graphs of a few dozen nodes.
 * @param {GraphNode[]} nodes
 * @param {GraphEdge[]} edges
 * @returns {Layout}
 */
export function layoutGraph(nodes, edges) {
  const ids = new Set(nodes.map((node) => node.id));
  const valid = edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to) && edge.from !== edge.to);
  const outgoing = listPerNode(nodes);
  for (const edge of valid) outgoing.get(edge.from)?.push(edge.to);

  const start = [...nodes].sort((a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || a.name.localeCompare(b.name));
  /** @type {Map<string, 'open' | 'done'>} */
  const visiting = new Map();
  const back = new Set();
  /** @param {string} id */
  const visit = (id) => {
    visiting.set(id, 'open');
    for (const to of outgoing.get(id) ?? []) {
      if (visiting.get(to) === 'open') back.add(`${id}\n${to}`);
      else if (!visiting.has(to)) visit(to);
    }
    visiting.set(id, 'done');
  };
  for (const node of start) if (!visiting.has(node.id)) visit(node.id);

  const forward = valid.filter((edge) => !back.has(`${edge.from}\n${edge.to}`));
  const indegree = new Map(nodes.map((node) => [node.id, 0]));
  const next = listPerNode(nodes);
  for (const edge of forward) {
    next.get(edge.from)?.push(edge.to);
    indegree.set(edge.to, (indegree.get(edge.to) ?? 0) + 1);
  }
  const layer = new Map(nodes.map((node) => [node.id, 0]));
  const layerOf = (/** @type {string} */ id) => layer.get(id) ?? 0;
  const queue = start.filter((node) => indegree.get(node.id) === 0).map((node) => node.id);
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const to of next.get(id) ?? []) {
      layer.set(to, Math.max(layerOf(to), layerOf(id) + 1));
      indegree.set(to, (indegree.get(to) ?? 0) - 1);
      if (indegree.get(to) === 0) queue.push(to);
    }
  }
  const deepest = Math.max(0, ...layer.values());
  for (const node of nodes) if (node.kind === 'sink' && outgoing.get(node.id)?.length === 0) layer.set(node.id, deepest);

  /** @type {GraphNode[][]} */
  const columns = Array.from({ length: deepest + 1 }, () => []);
  for (const node of start) columns[layerOf(node.id)]?.push(node);
  const predecessors = listPerNode(nodes);
  const successors = listPerNode(nodes);
  for (const edge of forward) {
    predecessors.get(edge.to)?.push(edge.from);
    successors.get(edge.from)?.push(edge.to);
  }
  /** @type {Map<string, number>} */
  const rank = new Map();
  const rankOf = (/** @type {string} */ id) => rank.get(id) ?? 0;
  const rerank = () => columns.forEach((column) => column.forEach((node, index) => rank.set(node.id, (index + 0.5) / column.length)));
  /**
   * @param {GraphNode[]} column
   * @param {Map<string, string[]>} neighbours
   */
  const sweep = (column, neighbours) => {
    /** @param {GraphNode} node */
    const weight = (node) => {
      const known = (neighbours.get(node.id) ?? []).filter((id) => rank.has(id));
      return known.length === 0 ? rankOf(node.id) : known.reduce((sum, id) => sum + rankOf(id), 0) / known.length;
    };
    const weights = new Map(column.map((node) => [node.id, weight(node)]));
    column.sort((a, b) => (weights.get(a.id) ?? 0) - (weights.get(b.id) ?? 0));
  };
  rerank();
  for (let round = 0; round < 2; round++) {
    for (let i = 1; i < columns.length; i++) {
      sweep(columns[i] ?? [], predecessors);
      rerank();
    }
    for (let i = columns.length - 2; i >= 0; i--) {
      sweep(columns[i] ?? [], successors);
      rerank();
    }
  }

  /** @param {GraphNode} node */
  const heightOf = (node) => (node.kind === 'topic' ? TOPIC_H : COMPONENT_H);
  /** @param {GraphNode[]} column */
  const columnHeight = (column) => column.reduce((sum, node) => sum + heightOf(node), 0) + Math.max(0, column.length - 1) * GAP_Y;
  const height = Math.max(...columns.map(columnHeight), COMPONENT_H);
  /** @type {Map<string, Placed>} */
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
