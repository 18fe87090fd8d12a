import type { BackoffSettings } from '../../platform/retry/retry-policy.js';

/**
 * One connector instance as declared in the hub config file (crm-hub.yaml), after `${ENV}`
 * references are resolved, defaults applied and everything validated. The runtime-owned settings
 * (schedule, retries, batching, dead letters, webhook security) are the same for every connector;
 * `config` is the connector's own, checked against its definition's spec.
 */
export interface ConnectorInstanceConfig {
  /** Instance name, the key under `connectors:`; also the consumer group and webhook path suffix. */
  name: string;
  /** Name of the connector definition (a folder under connectors/). */
  connector: string;
  /** Default true. A disabled instance is validated but not started. */
  enabled: boolean;
  /** The connector's own config, valid against its spec. */
  config: Record<string, unknown>;
  /** Sources that poll: a node-cron expression (seconds field allowed), e.g. "*\/10 * * * * *". */
  schedule?: string;
  /** Sinks: topics to consume; default: the definition's `consumes`. */
  topics?: string[];
  /** Where records that cannot be delivered go; default `dlq.<name>`. */
  deadLetterTopic: string;
  /** Retries of a failed delivery; defaults declared in instance-settings-schema.ts. */
  retry: BackoffSettings;
  /** Sinks: most records per `deliver` call. Default 100. */
  batchSize: number;
  /** Sinks: records of different keys delivered at once (records of one key never overlap). Default 4. */
  concurrency: number;
  /** Sinks: records per second at most; unset means unlimited. */
  ratePerSecond?: number;
  /** Push sources: how webhook requests are checked. */
  webhook: WebhookSettings;
  /** Hosts outbound HTTP may reach (exact names or `*.suffix`); unset means any. */
  allowedHosts?: string[];
  /** Allowed names may resolve to non-public addresses (default false: no SSRF through DNS). */
  allowPrivateNetworks?: boolean;
}

export interface WebhookSettings {
  /** HMAC-SHA256 key: requests must carry a valid signature. Usually `${ENV}`. A push source needs it unless `insecure`. */
  secret?: string;
  /** Accept unsigned requests: said explicitly, never the default; the hub warns at every start. */
  insecure?: boolean;
  /** How old a signed timestamp may be. Default 300 s. */
  toleranceSeconds: number;
  /** Default 1 MiB. */
  maxBodyBytes: number;
}

/** The instances a connector runtime hosts, and the config file they were declared in (for messages). */
export interface ConnectorInstancesConfig {
  file?: string;
  connectors: readonly ConnectorInstanceConfig[];
}
