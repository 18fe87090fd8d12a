import { HealthProbe } from '../interfaces/api/health-probe.js';
import { AvroSerde } from '../platform/avro/avro-serde.js';
import { ConnectorRuntime } from '../connect/runtime/connector-runtime.js';
import { createWebhookRouter, type WebhookTarget } from '../connect/runtime/webhook-router.js';
import { FlowRuntime } from '../flows/flow-runtime.js';
import type { HubConnectors } from './hub-connectors.js';
import { HubHttpServer } from '../interfaces/api/http-server.js';
import { topologyRoutes } from '../interfaces/api/topology-routes.js';
import { dashboardRoutes } from '../interfaces/dashboard/dashboard-routes.js';
import { metricsRoutes } from '../interfaces/api/metrics-routes.js';
import { HubMetrics } from '../platform/observability/metrics/hub-metrics.js';
import type { ApiAccessPolicy } from '../interfaces/api/api-router.js';
import { ApiTokens } from '../interfaces/api/api-tokens.js';
import { bootstrapAdminToken } from '../interfaces/api/bootstrap-token.js';
import { CustomerView } from '../domain/customer-view/customer-view.js';
import { SchemaRegistryClient } from '../platform/avro/schema-registry-client.js';
import type { SchemaRegistryEndpoint } from '../platform/avro/schema-registry-endpoint.js';
import { provideSchemaRegistry } from '../platform/avro/schema-registry-provider.js';
import type { SchemaCatalog } from '../platform/avro/schema-catalog.js';
import { registerCanonicalSchemas } from '../platform/avro/canonical-schema-registration.js';
import type { HubAdmin } from '../platform/kafka/kafka-client.js';
import type { KafkaEndpoint } from '../platform/kafka/kafka-endpoint.js';
import { KafkajsClient } from '../platform/kafka/kafkajs-client.js';
import { provideKafka } from '../platform/kafka/kafka-provider.js';
import { EmbeddedKafkaBroker } from '../platform/kafka/embedded-kafka-broker.js';
import { EmbeddedSchemaRegistry } from '../platform/avro/embedded-schema-registry.js';
import { ServiceSupervisor, type ServiceDiedError } from '../platform/infra/service-supervisor.js';
import type { Logger } from '../platform/observability/logger.js';
import { redactUrl } from '../platform/observability/redact-url.js';
import path from 'node:path';
import type { HubSettings } from './hub-settings.js';
import { hubUrlOf } from './hub-address.js';
import { partReleasedMessage, servicePart, type HubPart } from './hub-part.js';
import { hubTopology, type HubFeature, type HubFeatureDeps } from './hub-feature.js';
import { startConnectorRuntime } from './features/connector-runtime-feature.js';
import { startFlowRuntime } from './features/flow-runtime-feature.js';
import { runtimeStatusFeature } from './features/runtime-status-feature.js';
import { startDeadLetterOffice } from './features/dead-letter-feature.js';
import { startCustomerView } from './features/customer-view-feature.js';
import { tracingFeature } from './features/tracing-feature.js';

/**
 * The running hub: its HTTP server, the broker and registry it uses (started by itself on the
 * embedded default) and everything hosted on them. Stopping releases all of it in reverse order.
 */
export class Hub {
  private readonly stack: HubPart[] = [];
  private stopping: Promise<void> | undefined;
  /** The embedded broker and registry this hub started: restarted when they die, killed when a shutdown overruns its deadline. */
  private readonly embedded: { service: EmbeddedKafkaBroker | EmbeddedSchemaRegistry; supervisor: ServiceSupervisor }[] = [];
  private giveUp: (error: ServiceDiedError) => void = () => undefined;
  /** Settles when an embedded service died for good: the hub cannot go on and its process should exit non-zero. */
  readonly failed = new Promise<ServiceDiedError>((resolve) => (this.giveUp = resolve));
  kafka: KafkaEndpoint | undefined;
  schemaRegistry: SchemaRegistryEndpoint | undefined;
  httpPort: number | undefined;
  http: HubHttpServer | undefined;

  connectorRuntime: ConnectorRuntime | undefined;
  flowRuntime: FlowRuntime | undefined;
  customerView: CustomerView | undefined;

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
    const http = new HubHttpServer(this.logger, await this.accessPolicy());
    this.http = http;
    const metrics = new HubMetrics({ logger: this.logger });
    // Scrapes work from the first second; the hub's own figures appear as its parts start.
    http.addRoutes(metricsRoutes(metrics));
    // Webhooks too: until the runtime hosts them, a configured push source answers 503 + Retry-After, not 404.
    http.mount(
      createWebhookRouter((name) => (this.connectorRuntime ? this.connectorRuntime.webhookTarget(name) : this.startingWebhookTarget(name))),
    );
    this.httpPort = await http.listen(this.settings.httpPort, this.settings.httpHost);
    this.stack.push({ name: 'HTTP server', stop: () => http.close() });
    http.addRoutes(dashboardRoutes());
    try {
      const kafka = await provideKafka({
        brokersFromEnv: this.settings.kafkaBrokers,
        dataDir: path.join(this.settings.dataDir, 'kafka'),
        embeddedPort: this.settings.embeddedKafkaPort,
        connectTimeoutMs: this.settings.connectTimeoutMs,
        log,
      });
      this.kafka = kafka;
      this.stack.push(servicePart('Kafka', kafka));
      if (kafka instanceof EmbeddedKafkaBroker) this.supervise(kafka);

      const registry = await provideSchemaRegistry({
        urlFromEnv: this.settings.schemaRegistryUrl,
        kafkaBrokers: kafka.brokers,
        workDir: path.join(this.settings.dataDir, 'schema-registry'),
        embeddedPort: this.settings.embeddedRegistryPort,
        connectTimeoutMs: this.settings.connectTimeoutMs,
        log,
      });
      this.schemaRegistry = registry;
      this.stack.push(servicePart('schema registry', registry));
      if (registry instanceof EmbeddedSchemaRegistry) this.supervise(registry);

      const client = new KafkajsClient({
        brokers: kafka.brokers,
        logger: this.logger,
        sessionTimeoutMs: this.settings.kafkaSessionTimeoutMs,
      });
      const admin: HubAdmin = await client.admin();
      this.stack.push({ name: 'Kafka admin client', stop: () => admin.disconnect() });
      const registryClient = new SchemaRegistryClient(registry.url);
      await registerCanonicalSchemas(this.catalog, admin, registryClient, log);

      const deps: HubFeatureDeps = {
        settings: this.settings,
        connectors: this.connectors,
        client,
        admin,
        serde: new AvroSerde(registryClient),
        schemas: this.catalog,
        logger: this.logger,
        metrics,
        own: (part) => this.stack.push(part),
      };
      // Each subsystem in start order; its routes are served from the moment it runs.
      const features: HubFeature[] = [];
      const add = <T extends HubFeature>(feature: T): T => {
        features.push(feature);
        if (feature.routes) http.addRoutes(feature.routes);
        return feature;
      };
      const { runtime } = add(await startConnectorRuntime(deps));
      this.connectorRuntime = runtime;
      const { flows } = add(await startFlowRuntime(deps));
      this.flowRuntime = flows;
      add(runtimeStatusFeature(deps, runtime, flows));
      add(await startDeadLetterOffice(deps));
      const customerView = await startCustomerView(deps);
      if (customerView) this.customerView = add(customerView).view;
      add(tracingFeature(deps, this.customerView));
      http.addRoutes(topologyRoutes(() => hubTopology(features)));
      http.readinessChecks = features.flatMap((feature) => feature.readiness ?? []);
      http.setHealthProbe(
        new HealthProbe(
          { brokers: kafka.brokers, origin: kafka.origin, admin },
          { url: registry.url, origin: registry.origin, client: registryClient },
        ),
      );
      this.logger.info(
        `crm-hub ready: ${hubUrlOf(this.settings.httpHost, this.httpPort)}/health, Kafka ${kafka.brokers.join(',')}, schema registry ${redactUrl(registry.url)}`,
      );
    } catch (error) {
      http.setStartupError(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  /** Before the connector runtime runs: every configured push source is starting, any other name unknown. */
  private startingWebhookTarget(name: string): WebhookTarget | undefined {
    const instance =
      this.connectors.config.connectors.find((candidate) => candidate.name === name && candidate.enabled) ??
      this.connectors.invalid.get(name);
    const definition = instance ? this.connectors.catalog.find(instance.connector) : undefined;
    if (definition?.kind !== 'source' || definition.receivesWebhooks !== true) return undefined;
    return { state: 'not-ready', reason: `${name} is starting` };
  }

  /** Tokens from the config; without any, the bootstrap admin token kept in the data directory. */
  private async accessPolicy(): Promise<ApiAccessPolicy> {
    const admin = this.connectors.config.admin ?? { tokens: [], openPaths: ['/health', '/ready', '/metrics'] };
    let tokens = admin.tokens;
    if (tokens.length === 0) {
      const bootstrap = await bootstrapAdminToken(this.settings.dataDir);
      tokens = [bootstrap.token];
      this.logger.info(`no API tokens in the hub config: the admin API accepts the admin token kept in ${bootstrap.file}`);
    }
    return { tokens: new ApiTokens(tokens), openPaths: new Set(admin.openPaths) };
  }

  /** An embedded service that dies is logged and started again in place; when it cannot be, `failed` settles. */
  private supervise(service: EmbeddedKafkaBroker | EmbeddedSchemaRegistry): void {
    const supervisor = new ServiceSupervisor(service, {
      policy: this.settings.serviceRestart,
      log: {
        info: (message) => this.logger.info(message),
        warn: (message) => this.logger.warn(message),
        error: (message) => this.logger.error(message),
      },
      onGaveUp: (error) => this.giveUp(error),
    });
    this.embedded.push({ service, supervisor });
  }

  /**
   * Stops everything this hub started, last started first; safe to call more than once. With a
   * deadline, whatever is still stopping when it passes is abandoned: work in flight stays
   * uncommitted (it is redelivered after the next start) and the embedded services are killed, so
   * that no broker or registry outlives the hub.
   */
  stop(deadlineMs?: number): Promise<void> {
    this.stopping ??= (async () => {
      // From here on an exit of the broker or registry is the hub's own doing, not a death.
      for (const { supervisor } of this.embedded) supervisor.stop();
      let current = '';
      const inOrder = (async () => {
        while (this.stack.length > 0) {
          const part = this.stack.pop()!;
          current = part.name;
          try {
            await part.stop();
            this.logger.info(partReleasedMessage(part));
          } catch (error) {
            this.logger.warn(`stopping ${part.name} failed: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      })();
      if (deadlineMs === undefined) return inOrder;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), deadlineMs)));
      const outcome = await Promise.race([inOrder.then(() => 'stopped' as const), deadline]);
      clearTimeout(timer);
      if (outcome === 'deadline') {
        const running = this.embedded.filter(({ service }) => service.running);
        this.logger.warn(
          `shutdown deadline of ${deadlineMs} ms passed while stopping ${current}; abandoning the rest uncommitted${running.length > 0 ? ` and killing ${running.map(({ service }) => service.name).join(', ')}` : ''}`,
        );
        await Promise.all(running.map(({ service }) => service.kill()));
      }
    })();
    return this.stopping;
  }
}
