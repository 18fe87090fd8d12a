/**
 * Whether a trace reads a topic: every topic records travel through (canonical topics, connector
 * hand-overs, dead letters, flow outputs), not the broker's own (`__consumer_offsets`), the schema
 * registry's storage (`_schemas`, `crm-hub-schema-registry-journal`) nor the hub's internal state
 * (`crm-hub.source-positions`, `crm-hub.changelog.*`, `crm-hub.repartition.*`), which carry no tracing headers.
 */
export function isTracedTopic(topic: string): boolean {
  return !topic.startsWith('_') && !topic.startsWith('crm-hub.') && !topic.startsWith('crm-hub-');
}
