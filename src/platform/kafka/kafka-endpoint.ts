/** What any Kafka provider hands the hub: where to connect, and how to let go of what it started. */
export interface KafkaEndpoint {
  /** Bootstrap servers, e.g. ['127.0.0.1:9092']. */
  readonly brokers: string[];
  /** Where it came from: `env`, `testcontainers` or `embedded`. */
  readonly origin: 'env' | 'testcontainers' | 'embedded';
  stop(): Promise<void>;
}
