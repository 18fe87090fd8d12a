import fs from 'node:fs/promises';
import path from 'node:path';
import type { AvroSerde } from '../../src/platform/avro/avro-serde.js';
import type { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { loadHubConnectors } from '../../src/hub/hub-connectors.js';
import type { KafkaClient } from '../../src/platform/kafka/kafka-client.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { ConnectorRuntime } from '../../src/connect/runtime/connector-runtime.js';
import { BenchError } from '../runner/bench-error.js';

/**
 * Connector instances run by a real ConnectorRuntime from a hub config file, read and validated
 * by the hub's own loader (so every runtime default is the hub's), as `crm-hub run` hosts them.
 * An instance that is refused or fails to start fails the benchmark: it would measure nothing.
 */
export class ConnectorRuntimeHost {
  private constructor(readonly runtime: ConnectorRuntime) {}

  static async start(
    dir: string,
    hubConfigYaml: string,
    deps: { client: KafkaClient; serde: AvroSerde; schemas: SchemaCatalog },
  ): Promise<ConnectorRuntimeHost> {
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, 'crm-hub.yaml');
    await fs.writeFile(file, hubConfigYaml);
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error' });
    const { catalog, config, invalid } = await loadHubConnectors(file, logger);
    if (invalid.size > 0)
      throw new BenchError(
        'BENCH_CONFIG_INVALID',
        `the benchmark's hub config was refused: ${[...invalid].map(([name, { problems }]) => `${name}: ${problems.join('; ')}`).join(' | ')}`,
      );
    const runtime = await ConnectorRuntime.start(config, { ...deps, connectors: catalog, logger });
    const failed = runtime.statuses().filter((status) => status.state === 'failed');
    if (failed.length > 0) {
      await runtime.stop();
      throw new BenchError(
        'BENCH_CONNECTOR_FAILED',
        `connector instances did not start: ${failed.map((status) => `${status.name}: ${status.lastError?.message ?? 'failed'}`).join('; ')}`,
      );
    }
    return new ConnectorRuntimeHost(runtime);
  }

  stop(): Promise<void> {
    return this.runtime.stop();
  }
}
