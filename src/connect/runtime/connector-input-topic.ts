/**
 * The topic every sink instance also reads, besides its configured topics: a flow that routes to
 * `{ connector: <instance> }` produces there, so the hand-over is durable and the sink's own
 * retries, ordering and dead letters apply.
 */
export function connectorInputTopic(instance: string): string {
  return `connector.${instance}.in`;
}
