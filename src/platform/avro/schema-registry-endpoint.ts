/** What any registry provider hands the hub: the Confluent-compatible base URL, and how to let go of it. */
export interface SchemaRegistryEndpoint {
  readonly url: string;
  readonly origin: 'env' | 'embedded';
  stop(): Promise<void>;
}
