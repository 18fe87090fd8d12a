import { HealthProbe } from '../api/health-probe.js';
import { AvroSerde } from '../avro/avro-serde.js';
import { ConnectorRuntime } from '../runtime/connector-runtime.js';
import { FlowRuntime } from '../flows/flow-runtime.js';
import { createStepRegistry } from '../flows/step-registry.js';
import type { HubConnectors } from './hub-connectors.js';
import { HubHttpServer } from '../api/http-server.js';
import { SchemaRegistryClient } from '../avro/schema-registry-client.js';
import type { SchemaRegistryEndpoint } from '../avro/schema-registry-endpoint.js';
import { provideSchemaRegistry } from '../avro/schema-registry-provider.js';
import type { SchemaCatalog } from '../avro/schema-catalog.js';
import { registerCanonicalSchemas } from '../avro/canonical-schema-registration.js';
import type { HubAdmin } from '../kafka/kafka-client.js';
import type { KafkaEndpoint } from '../kafka/kafka-endpoint.js';
import { KafkajsClient } from '../kafka/kafkajs-client.js';
import { provideKafka } from '../kafka/kafka-provider.js';
import type { Logger } from '../observability/logger.js';
import { redactUrl } from '../observability/redact-url.js';
import path from 'node:path';
import type { HubSettings } from './hub-settings.js';

/**
 * The running hub: its HTTP server, the broker and registry it uses (started by itself on the
 * embedded default) and everything hosted on them. Stopping releases all of it in reverse order.
 */
export class Hub {
  private readonly stack: { name: string; stop: () => Promise<unknown> }[] = [];
  private stopping: Promise<void> | undefined;
  kafka: KafkaEndpoint | undefined;
  schemaRegistry: SchemaRegistryEndpoint | undefined;
  httpPort: number | undefined;

  connectorRuntime: ConnectorRuntime | undefined;
  flowRuntime: FlowRuntime | undefined;

  private constructor(
    private readonly settings: HubSettings,
    private readonly catalog: SchemaCatalog,
    private readonly connectors: HubConnectors,
    private readonly logger: Logger,
  ) {}

  static async start(settings: HubSettings, catalog: SchemaCatalog, connectors: HubConnectors, logger: Logger): Promise<Hub> {
    const hub = new Hub(settings, catalog, connectors, logger);
    try {
      await hub.startAll();
      return hub;
    } catch (error) {
      await hub.stop();
      throw error;
    }
  }

  private async startAll(): Promise<void> {
    const log = (message: string) => this.logger.info(message);
    const http = new HubHttpServer(this.logger);
    this.httpPort = await http.listen(this.settings.httpPort, this.settings.httpHost);
    this.stack.push({ name: 'HTTP server', stop: () => http.close() });
    try {
      const kafka = await provideKafka({ brokersFromEnv: this.settings.kafkaBrokers, dataDir: path.join(this.settings.dataDir, 'kafka'), embeddedPort: this.settings.embeddedKafkaPort, connectTimeoutMs: this.settings.connectTimeoutMs, log });
      this.kafka = kafka;
      this.stack.push({ name: `Kafka (${kafka.origin})`, stop: () => kafka.stop() });

      const registry = await provideSchemaRegistry({
        urlFromEnv: this.settings.schemaRegistryUrl,
        kafkaBrokers: kafka.brokers,
        workDir: path.join(this.settings.dataDir, 'schema-registry'),
        embeddedPort: this.settings.embeddedRegistryPort,
        connectTimeoutMs: this.settings.connectTimeoutMs,
        log,
      });
      this.schemaRegistry = registry;
      this.stack.push({ name: `schema registry (${registry.origin})`, stop: () => registry.stop() });

      const client = new KafkajsClient({ brokers: kafka.brokers, logger: this.logger });
      const admin: HubAdmin = await client.admin();
      this.stack.push({ name: 'Kafka admin client', stop: () => admin.disconnect() });
      const registryClient = new SchemaRegistryClient(registry.url);
      await registerCanonicalSchemas(this.catalog, admin, registryClient, log);

      const serde = new AvroSerde(registryClient);
      const runtime = await ConnectorRuntime.start(this.connectors.config, {
        client,
        serde,
        schemas: this.catalog,
        connectors: this.connectors.catalog,
        logger: this.logger,
      }, this.connectors.invalid);
      this.connectorRuntime = runtime;
      this.stack.push({ name: 'connector runtime', stop: () => runtime.stop() });
      http.app.use(runtime.webhookRouter);

      const flows = await FlowRuntime.start(this.settings.flowsDir, { client, serde, schemas: this.catalog, steps: createStepRegistry(), logger: this.logger }, { watch: this.settings.watchFlows });
      this.flowRuntime = flows;
      this.stack.push({ name: 'flow runtime', stop: () => flows.stop() });

      http.setHealthProbe(new HealthProbe({ brokers: kafka.brokers, origin: kafka.origin, admin }, { url: registry.url, origin: registry.origin, client: registryClient }));
      this.logger.info(`crm-hub ready: http://localhost:${this.httpPort}/health, Kafka ${kafka.brokers.join(',')}, schema registry ${redactUrl(registry.url)}`);
    } catch (error) {
      http.setStartupError(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  /** Stops everything this hub started, last started first; safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      while (this.stack.length > 0) {
        const part = this.stack.pop()!;
        try {
          await part.stop();
          this.logger.info(`stopped ${part.name}`);
        } catch (error) {
          this.logger.warn(`stopping ${part.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.stopping;
  }
}
