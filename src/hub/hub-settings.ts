import path from 'node:path';
import { ConfigError } from '../core/hub-error.js';
import { DEFAULT_SERVICE_RESTART_POLICY, type ServiceRestartPolicy } from '../platform/infra/service-supervisor.js';
import { hubListenAddress, portFromEnv } from './hub-address.js';

/** Everything the hub reads from its environment, read once and checked at start. */
export interface HubSettings {
  httpPort: number;
  /** Loopback unless CRM_HUB_HOST says otherwise: webhooks and the admin API are not offered to the network by default. */
  httpHost: string;
  kafkaBrokers?: string;
  schemaRegistryUrl?: string;
  /** Where the embedded broker and registry keep their data and logs. */
  dataDir: string;
  /** Preferred ports of the embedded services; another free one is taken when busy. */
  embeddedKafkaPort: number;
  embeddedRegistryPort: number;
  schemasDir: string;
  /** How long an existing broker or registry (KAFKA_BROKERS, SCHEMA_REGISTRY_URL) may take to answer at start. */
  connectTimeoutMs: number;
  /** The hub config file (connector instances); none means the hub runs with no connectors. */
  configFile?: string;
  /** Folder of flow files (*.yaml, not *.test.yaml) to run. */
  flowsDir: string;
  /** Recompile changed flow files while running; an invalid change keeps the last good version. */
  watchFlows: boolean;
  /**
   * How long a hub process may go unheard before its consumer groups hand its partitions (and the
   * customer view's active role) to another process: the failover time after a crash.
   */
  kafkaSessionTimeoutMs: number;
  /** How long SIGTERM/SIGINT may take: after it, what has not stopped is abandoned uncommitted and the embedded services are killed. */
  shutdownTimeoutMs: number;
  /** How a dead embedded broker or registry is started again, and after how many failed tries the hub exits. */
  serviceRestart: ServiceRestartPolicy;
}

// Kafka brokers refuse group members outside group.min/max.session.timeout.ms (defaults 6 s and 30 min).
const MIN_SESSION_TIMEOUT_MS = 6_000;
const MAX_SESSION_TIMEOUT_MS = 1_800_000;

export function hubSettingsFromEnv(env: NodeJS.ProcessEnv, projectRoot: string): HubSettings {
  const http = hubListenAddress(env);
  return {
    httpPort: http.port,
    httpHost: http.host,
    kafkaBrokers: env.KAFKA_BROKERS || undefined,
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL || undefined,
    dataDir: path.resolve(env.CRM_HUB_DATA_DIR ?? path.join(projectRoot, '.crm-hub')),
    embeddedKafkaPort: portFromEnv(env, 'CRM_HUB_KAFKA_PORT', 9092),
    embeddedRegistryPort: portFromEnv(env, 'CRM_HUB_REGISTRY_PORT', 8081),
    schemasDir: path.resolve(env.CRM_HUB_SCHEMAS_DIR ?? path.join(projectRoot, 'schemas')),
    connectTimeoutMs: positiveIntegerFrom(env, 'CRM_HUB_CONNECT_TIMEOUT_MS', 30_000),
    configFile: env.CRM_HUB_CONFIG ? path.resolve(env.CRM_HUB_CONFIG) : undefined,
    flowsDir: path.resolve(env.CRM_HUB_FLOWS_DIR ?? path.join(projectRoot, 'flows')),
    watchFlows: env.CRM_HUB_WATCH === 'true' || env.CRM_HUB_WATCH === '1',
    kafkaSessionTimeoutMs: sessionTimeoutFrom(env),
    shutdownTimeoutMs: positiveIntegerFrom(env, 'CRM_HUB_SHUTDOWN_TIMEOUT_MS', 30_000),
    serviceRestart: {
      ...DEFAULT_SERVICE_RESTART_POLICY,
      attempts: positiveIntegerFrom(env, 'CRM_HUB_SERVICE_RESTART_ATTEMPTS', DEFAULT_SERVICE_RESTART_POLICY.attempts),
      initialDelayMs: positiveIntegerFrom(env, 'CRM_HUB_SERVICE_RESTART_DELAY_MS', DEFAULT_SERVICE_RESTART_POLICY.initialDelayMs),
    },
  };
}

function positiveIntegerFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new ConfigError('ENV_INVALID', `${name}=${JSON.stringify(raw)} is not a positive whole number`);
  return value;
}

function sessionTimeoutFrom(env: NodeJS.ProcessEnv): number {
  const name = 'CRM_HUB_KAFKA_SESSION_TIMEOUT_MS';
  const value = positiveIntegerFrom(env, name, 30_000);
  if (value < MIN_SESSION_TIMEOUT_MS || value > MAX_SESSION_TIMEOUT_MS) {
    throw new ConfigError(
      'ENV_INVALID',
      `${name}=${value} is outside ${MIN_SESSION_TIMEOUT_MS}-${MAX_SESSION_TIMEOUT_MS} ms, the session timeouts a Kafka broker accepts by default`,
    );
  }
  return value;
}
