import type { Router } from 'express';
import type { AvroSerde } from '../../platform/avro/avro-serde.js';
import type { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import type { ConnectorInstanceConfig, ConnectorInstancesConfig } from './connector-instance-config.js';
import type { ConnectorContext, ConnectorDefinition, SourceConnector } from '../sdk/connector-definition.js';
import { ConfigError, describeError, HubError } from '../../core/hub-error.js';
import type { ConsumerGroupRef } from '../../platform/kafka/consumer-lag.js';
import type { HubProducer, KafkaClient } from '../../platform/kafka/kafka-client.js';
import { CoalescingProducer } from '../../platform/kafka/coalescing-producer.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { HubMetrics } from '../../platform/observability/metrics/hub-metrics.js';
import { CompactedTopicStore } from '../../platform/state/compacted-topic-store.js';
import { connectorInputTopic } from './connector-input-topic.js';
import { createConnectorHttpClient } from './connector-http-client.js';
import { DeadLetterPublisher } from './dead-letter-publisher.js';
import { InstanceStatus, type InstanceStatusReport } from './instance-status.js';
import { PollingSource } from './polling-source.js';
import { SinkRunner } from './sink-runner.js';
import { SourceRecordPublisher } from './source-record-publisher.js';
import { WebhookEndpoint } from './webhook-endpoint.js';
import type { WebhookEventMark } from './webhook-event-mark.js';
import { createWebhookRouter, type WebhookTarget } from './webhook-router.js';
import type { SourcePosition } from '../sdk/connector-definition.js';

export const SOURCE_POSITIONS_TOPIC = 'crm-hub.source-positions';
export const WEBHOOK_EVENTS_TOPIC = 'crm-hub.webhook-events';
const WEBHOOK_IDEMPOTENCY_MS = 7 * 24 * 3600 * 1000;

export interface ConnectorRuntimeDeps {
  client: KafkaClient;
  serde: AvroSerde;
  schemas: SchemaCatalog;
  connectors: { get(name: string): ConnectorDefinition; find?(name: string): ConnectorDefinition | undefined };
  logger: Logger;
  /** Where instances count their records, errors and latencies; none when absent. */
  metrics?: HubMetrics;
}

interface HostedInstance {
  config: ConnectorInstanceConfig;
  status: InstanceStatus;
  /** Why the config failed validation: such an instance has no config to start from. */
  invalid?: string;
  /** Sinks: the group and topics they consume, for consumer lag. */
  consumer?: ConsumerGroupRef;
  polling?: PollingSource;
  webhook?: WebhookEndpoint;
  sink?: SinkRunner;
  close?: () => Promise<void>;
}

/**
 * Hosts every connector instance of the hub config. An instance that cannot start is marked
 * failed with its reason; the others run on. Stopping drains in-flight work, last started first.
 */
export class ConnectorRuntime {
  private readonly instances = new Map<string, HostedInstance>();
  private readonly restarts = new Map<string, Promise<InstanceStatusReport>>();
  readonly webhookRouter: Router;

  private constructor(
    private readonly deps: ConnectorRuntimeDeps,
    private readonly producer: HubProducer,
    private readonly positions: CompactedTopicStore<SourcePosition>,
    private readonly webhookEvents: CompactedTopicStore<WebhookEventMark>,
  ) {
    this.webhookRouter = createWebhookRouter((name) => this.webhookTarget(name));
  }

  /**
   * What POST /webhooks/<name> reaches: the endpoint, or, for a push source that is configured but
   * has none right now (starting, restarting, failed), "not ready", so that the sender comes back
   * instead of taking a 404 for an answer.
   */
  webhookTarget(name: string): WebhookTarget | undefined {
    const hosted = this.instances.get(name);
    if (!hosted) return undefined;
    if (hosted.webhook) return { state: 'ready', endpoint: hosted.webhook };
    const definition = this.deps.connectors.find?.(hosted.config.connector);
    if (definition?.kind !== 'source' || definition.receivesWebhooks !== true) return undefined;
    return { state: 'not-ready', reason: `${name} is ${hosted.status.state === 'failed' ? 'not running' : 'starting'}` };
  }

  /** `invalid`: instances whose config failed validation; shown as failed with their issues, never started. */
  static async start(
    config: ConnectorInstancesConfig,
    deps: ConnectorRuntimeDeps,
    invalid: ReadonlyMap<string, { connector: string; problems: string[] }> = new Map(),
  ): Promise<ConnectorRuntime> {
    // Webhooks and the stores send many small records at once: merged, they cost a request each batch rather than each record.
    const producer = new CoalescingProducer(await deps.client.producer());
    const positions = await CompactedTopicStore.open<SourcePosition>(deps.client, producer, SOURCE_POSITIONS_TOPIC);
    const webhookEvents = await CompactedTopicStore.open<WebhookEventMark>(deps.client, producer, WEBHOOK_EVENTS_TOPIC, {
      retentionMs: WEBHOOK_IDEMPOTENCY_MS,
    });
    const runtime = new ConnectorRuntime(deps, producer, positions, webhookEvents);
    for (const [name, { connector, problems }] of invalid) {
      const status = new InstanceStatus(name, connector, deps.connectors.find?.(connector)?.kind ?? 'source');
      status.recordError(new ConfigError('CONFIG_INVALID', problems.join('; ')), { fail: true });
      runtime.instances.set(name, { config: { name, connector } as ConnectorInstanceConfig, status, invalid: problems.join('; ') });
    }
    for (const instance of config.connectors.filter((c) => c.enabled)) await runtime.startInstance(instance);
    return runtime;
  }

  statuses(): InstanceStatusReport[] {
    return [...this.instances.values()].map((hosted) => hosted.status.report());
  }

  status(name: string): InstanceStatusReport {
    return this.hosted(name).status.report();
  }

  /** Sinks: the consumer group and its topics; undefined for sources and instances that never got that far. */
  consumerGroup(name: string): ConsumerGroupRef | undefined {
    return this.hosted(name).consumer;
  }

  /** Stops taking records (sinks keep their partitions); kept across restarts until `resume`. */
  pause(name: string): InstanceStatusReport {
    const hosted = this.controllable(name, 'paused');
    hosted.polling?.pause();
    hosted.sink?.pause();
    if (hosted.webhook) hosted.webhook.paused = true;
    hosted.status.state = 'paused';
    return hosted.status.report();
  }

  resume(name: string): InstanceStatusReport {
    const hosted = this.controllable(name, 'resumed');
    hosted.status.state = 'running';
    hosted.polling?.resume();
    hosted.sink?.resume();
    if (hosted.webhook) hosted.webhook.paused = false;
    return hosted.status.report();
  }

  /**
   * Stops the instance and starts it again from its config: a new connector object, consumer and
   * schedule. Counters and the last error carry over, and so does a pause. Concurrent calls share
   * one restart.
   */
  async restart(name: string): Promise<InstanceStatusReport> {
    const hosted = this.hosted(name);
    if (hosted.invalid !== undefined)
      throw new ConfigError(
        'INSTANCE_NOT_RESTARTABLE',
        `connector instance ${name} cannot be restarted: its config is invalid (${hosted.invalid}); fix the hub config and restart the hub`,
      );
    const running = this.restarts.get(name);
    if (running) return running;
    const restart = (async () => {
      const paused = hosted.status.state === 'paused';
      await this.stopInstance(hosted);
      await this.startInstance(hosted.config, { previous: hosted.status, paused });
      this.deps.logger.info(`connector instance ${name} restarted`);
      return this.status(name);
    })().finally(() => this.restarts.delete(name));
    this.restarts.set(name, restart);
    return restart;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.restarts.values());
    for (const hosted of [...this.instances.values()].reverse()) await this.stopInstance(hosted);
    await this.producer.disconnect();
  }

  private hosted(name: string): HostedInstance {
    const hosted = this.instances.get(name);
    if (!hosted) throw new ConfigError('INSTANCE_UNKNOWN', `no connector instance named ${name}`);
    return hosted;
  }

  /** An instance with something running to pause or resume: not one that failed to start, is stopped or restarting. */
  private controllable(name: string, becoming: string): HostedInstance {
    const hosted = this.hosted(name);
    const { state, lastError } = hosted.status;
    const hostsWork = hosted.polling !== undefined || hosted.webhook !== undefined || hosted.sink !== undefined;
    if (this.restarts.has(name) || state === 'starting')
      throw new HubError('INSTANCE_NOT_RUNNING', `connector instance ${name} cannot be ${becoming} while it is restarting`);
    if (!hostsWork || state === 'stopped') {
      const reason = state === 'failed' && lastError ? `it failed: ${lastError.message}` : `it is ${state}`;
      throw new HubError('INSTANCE_NOT_RUNNING', `connector instance ${name} cannot be ${becoming}: ${reason}; restart it instead`);
    }
    return hosted;
  }

  /** `previous`: the status of the instance this one restarts, whose counters, last error and pause carry over. */
  private async startInstance(
    config: ConnectorInstanceConfig,
    restarting: { previous: InstanceStatus; paused: boolean } | undefined = undefined,
  ): Promise<void> {
    const { connectors, logger } = this.deps;
    let definition: ConnectorDefinition | undefined;
    try {
      definition = connectors.get(config.connector);
    } catch (error) {
      const status = new InstanceStatus(config.name, config.connector, 'source');
      carryOver(status, restarting?.previous);
      status.recordError(error, { fail: true });
      this.instances.set(config.name, { config, status });
      return;
    }
    const status = new InstanceStatus(config.name, config.connector, definition.kind);
    carryOver(status, restarting?.previous);
    const paused = restarting?.paused ?? false;
    const hosted: HostedInstance = { config, status };
    this.instances.set(config.name, hosted);
    try {
      const context: ConnectorContext = {
        instance: config.name,
        allowedHosts: config.allowedHosts,
        logger: logger.child({ connector: config.connector, instance: config.name }),
        http: (options = {}) =>
          createConnectorHttpClient({
            ...options,
            allowedHosts: options.allowedHosts ?? config.allowedHosts,
            allowPrivateNetworks: config.allowPrivateNetworks,
          }),
      };
      // A sink may start before anything was written to its topics: subscribing needs them to exist.
      const inputs = definition.kind === 'sink' ? [...(config.topics ?? definition.consumes), connectorInputTopic(config.name)] : [];
      const jsonInputs = inputs.filter((topic) =>
        this.deps.schemas.topics().some((info) => info.topic === topic && info.format === 'json'),
      );
      if (jsonInputs.length > 0) {
        // Sinks decode Avro; a JSON topic reaches a sink through a flow that writes it to an Avro topic (or to { connector: }).
        throw new ConfigError(
          'TOPIC_FORMAT_UNSUPPORTED',
          `sink ${config.name} reads ${jsonInputs.join(', ')}, declared "format": "json" in topics.json; sinks read Avro topics: route it through a flow to an Avro topic or to { connector: ${config.name} }`,
        );
      }
      const admin = await this.deps.client.admin();
      await admin.ensureTopics([config.deadLetterTopic, ...inputs].map((topic) => ({ topic }))).finally(() => admin.disconnect());
      const deadLetters = new DeadLetterPublisher(this.producer, config.deadLetterTopic, `connector:${config.name}`);
      if (definition.kind === 'source') {
        const connector = await definition.create(config.config, context);
        hosted.close = connector.close?.bind(connector);
        if (connector.webhook && definition.receivesWebhooks !== true) {
          logger.warn(
            `connector ${definition.name} creates a webhook without declaring receivesWebhooks: true in its definition: crm-hub validate cannot ask its instances for a webhook secret, and while ${config.name} restarts its webhook answers 404`,
          );
        }
        this.startSource(hosted, connector, deadLetters, paused);
      } else {
        const connector = await definition.create(config.config, context);
        hosted.close = connector.close?.bind(connector);
        const replies = new SourceRecordPublisher(this.producer, this.deps.serde, this.deps.schemas, config.connector, deadLetters);
        hosted.sink = new SinkRunner(
          config,
          inputs,
          connector,
          this.deps.client,
          this.deps.serde,
          deadLetters,
          status,
          context.logger,
          replies,
          this.deps.metrics?.component('connector', config.name),
        );
        hosted.consumer = { groupId: hosted.sink.groupId, topics: inputs };
        await hosted.sink.start();
        // A consumer cannot be paused before it runs; right after is before its first fetch returns.
        if (paused) hosted.sink.pause();
      }
      status.state = paused ? 'paused' : 'running';
      logger.info(`connector instance ${config.name} (${config.connector}, ${definition.kind}) ${status.state}`);
    } catch (error) {
      status.recordError(error, { fail: true });
      logger.error(`connector instance ${config.name} (${config.connector}) failed to start: ${describeError(error).message}`);
    }
  }

  private startSource(hosted: HostedInstance, connector: SourceConnector, deadLetters: DeadLetterPublisher, paused: boolean): void {
    const { config, status } = hosted;
    const metrics = this.deps.metrics?.component('connector', config.name);
    const publisher = new SourceRecordPublisher(this.producer, this.deps.serde, this.deps.schemas, config.connector, deadLetters, metrics);
    const logger = this.deps.logger.child({ instance: config.name });
    if (!connector.poll && !connector.webhook)
      throw new ConfigError('SOURCE_HAS_NO_INPUT', `${config.connector} offers neither polling nor a webhook`);
    // The rule `crm-hub validate` applies, checked again for configs that reach the runtime another way; before anything polls.
    if (connector.webhook && config.webhook.secret === undefined && config.webhook.insecure !== true) {
      throw new ConfigError(
        'WEBHOOK_SECRET_MISSING',
        `connectors.${config.name}.webhook.secret is required: ${config.connector} receives webhooks; set a secret, or webhook.insecure: true to accept unsigned requests`,
      );
    }
    if (connector.poll && config.schedule) {
      hosted.polling = new PollingSource(
        config,
        { ...connector, poll: connector.poll.bind(connector) },
        publisher,
        this.positions,
        status,
        logger,
        metrics,
      );
      // Paused before it starts, so that not even the first poll runs.
      if (paused) hosted.polling.pause();
      hosted.polling.start();
    }
    if (connector.webhook) {
      if (config.webhook.secret === undefined)
        logger.warn(
          `webhook ${config.name}: accepts UNSIGNED requests (webhook.insecure: true): anyone who can reach POST /webhooks/${config.name} can write records; set webhook.secret`,
        );
      hosted.webhook = new WebhookEndpoint(config, connector.webhook, publisher, this.webhookEvents, status, logger, metrics);
      hosted.webhook.paused = paused;
    }
    if (!hosted.polling && !hosted.webhook)
      throw new ConfigError(
        'SCHEDULE_MISSING',
        `connectors.${config.name}.schedule: ${config.connector} only polls, so it needs a schedule`,
      );
  }

  private async stopInstance(hosted: HostedInstance): Promise<void> {
    try {
      if (hosted.webhook) hosted.webhook.paused = true;
      await hosted.polling?.stop();
      await hosted.sink?.stop();
      await hosted.close?.();
    } catch (error) {
      this.deps.logger.warn(`stopping ${hosted.config.name} failed: ${describeError(error).message}`);
    }
    hosted.status.state = 'stopped';
  }
}

function carryOver(status: InstanceStatus, previous: InstanceStatus | undefined): void {
  if (!previous) return;
  Object.assign(status.counters, previous.counters);
  status.lastError = previous.lastError;
}
