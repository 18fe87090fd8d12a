/** A part of the hub's message graph: a connector instance, a flow, the customer view, or a topic between them. */
export interface TopologyNode {
  id: string;
  kind: 'source' | 'sink' | 'flow' | 'processor' | 'topic';
  name: string;
}

export interface TopologyEdge {
  from: string;
  to: string;
}

export interface TopologyParts {
  connectors: { name: string; kind: 'source' | 'sink'; topics: readonly string[] }[];
  flows: { name: string; from: readonly string[]; to: readonly ({ topic: string } | { connector: string })[] }[];
  processors: { name: string; from: readonly string[]; to: readonly string[] }[];
}

/**
 * The hub as a graph, sources → topics → flows → topics → sinks, for the dashboard to draw: what
 * each part reads and writes, from the config and the compiled flows (a `route` step's own
 * destinations are not known before messages arrive, so only a flow's `to` is drawn).
 */
export function topology(parts: TopologyParts): { nodes: TopologyNode[]; edges: TopologyEdge[] } {
  const nodes = new Map<string, TopologyNode>();
  const edges = new Map<string, TopologyEdge>();
  const node = (kind: TopologyNode['kind'], name: string): string => {
    const id = `${kind === 'source' || kind === 'sink' ? 'connector' : kind}:${name}`;
    if (!nodes.has(id)) nodes.set(id, { id, kind, name });
    return id;
  };
  const edge = (from: string, to: string) => edges.set(`${from}→${to}`, { from, to });
  for (const connector of parts.connectors) {
    const id = node(connector.kind, connector.name);
    for (const topic of connector.topics) {
      if (connector.kind === 'source') edge(id, node('topic', topic));
      else edge(node('topic', topic), id);
    }
  }
  for (const flow of parts.flows) {
    const id = node('flow', flow.name);
    for (const topic of flow.from) edge(node('topic', topic), id);
    for (const destination of flow.to)
      edge(id, 'topic' in destination ? node('topic', destination.topic) : node('sink', destination.connector));
  }
  for (const processor of parts.processors) {
    const id = node('processor', processor.name);
    for (const topic of processor.from) edge(node('topic', topic), id);
    for (const topic of processor.to) edge(id, node('topic', topic));
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
