import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { AxiosInstance } from 'axios';
import type { Logger } from '../../platform/observability/logger.js';
import type { RecordHeaders } from '../../platform/kafka/kafka-client.js';

/**
 * The public connector API. A connector author writes one definition: a spec (JSON Schema of its
 * config, which also types the config and renders its docs) and a factory for the system-specific
 * part. Everything else — Avro, Kafka, positions, retries, dead letters, schedules, webhooks,
 * metrics — belongs to the runtime.
 */

/** Opaque to the runtime: a connector stores whatever it needs to resume (cursor, page, watermark). */
export type SourcePosition = Record<string, unknown>;

export interface SourceRecord {
  /** A canonical topic the connector declared in `produces`. */
  topic: string;
  /** The entity's business key: keeps per-entity order. */
  key: string;
  /** The record's value in the JSON form of its Avro schema (see schemas/README.md). */
  value: Record<string, unknown>;
  headers?: RecordHeaders;
  /**
   * Set when the item could not become a valid record (a code the mapping does not know, a bad
   * date): the runtime dead-letters it with this error's code and message, the value kept as JSON,
   * and the rest of the batch flows on. Rejecting beats throwing, which would stop the whole poll.
   */
  rejected?: Error;
}

export interface PollResult {
  records: SourceRecord[];
  /** Where to resume after these records; stored only once every record is acknowledged by Kafka. */
  position: SourcePosition;
  /** True when the system has more right now: the runtime polls again at once instead of waiting for the schedule. */
  more?: boolean;
}

export interface WebhookRequest {
  body: unknown;
  headers: Record<string, string | undefined>;
}

export interface SourceConnector {
  /** Pull mode: called on the instance's schedule with the last acknowledged position. */
  poll?(position: SourcePosition | undefined, signal: AbortSignal): Promise<PollResult>;
  /** Push mode: one webhook body becomes records; the runtime has already checked signature, schema and size. */
  webhook?: {
    /** JSON Schema the body must satisfy (400 with the failing paths otherwise). */
    bodySchema?: JSONSchema;
    /** The event's unique id, for idempotency: a repeated id is acknowledged and not produced again. */
    eventId(request: WebhookRequest): string;
    toRecords(request: WebhookRequest): SourceRecord[];
  };
  close?(): Promise<void>;
}

export interface SinkRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Decoded Avro value in its JSON form. */
  value: Record<string, unknown>;
  /** Full name of the writer schema, e.g. crmhub.customer.Customer. */
  schemaName: string;
  headers: RecordHeaders;
}

/**
 * Per record: delivered, or failed with a HubError whose `retriable` decides retry or dead letter.
 * A delivered record may bring back `records` for canonical topics (e.g. the id the ERP gave the
 * customer, as a cross-reference): the runtime produces them before the offset is committed.
 */
export type DeliveryOutcome = { ok: true; records?: SourceRecord[] } | { ok: false; error: Error };

export interface SinkConnector {
  /**
   * Delivers a batch (at most `batchSize` records, per-key order kept across calls) and answers
   * for each record, in order. Throwing fails the whole batch: retried when the error is
   * retriable, dead-lettered otherwise.
   */
  deliver(records: SinkRecord[], signal: AbortSignal): Promise<DeliveryOutcome[]>;
  close?(): Promise<void>;
}

export interface ConnectorContext {
  /** The instance name from the hub config, e.g. `erp-main`. */
  instance: string;
  logger: Logger;
  /** The instance's host allow-list from the hub config, when it has one. */
  allowedHosts?: string[];
  /** axios with keep-alive agents and a timeout always set; hosts limited to `allowedHosts` (the instance's unless given). */
  http(options?: { baseURL?: string; timeoutMs?: number; allowedHosts?: string[] }): AxiosInstance;
}

interface DefinitionBase {
  name: string;
  version: string;
  description: string;
  /** JSON Schema of the instance config. Secrets carry `"writeOnly": true`: redacted wherever config is shown. */
  spec: JSONSchema;
}

export interface SourceConnectorDefinition<Config = Record<string, unknown>> extends DefinitionBase {
  kind: 'source';
  /** Canonical topics this source writes. */
  produces: string[];
  /**
   * True when the connector it creates has a `webhook`: its instances answer POST
   * /webhooks/<instance>, so the hub config must give each a webhook secret (or say
   * `insecure: true`), which `crm-hub validate` checks before anything starts.
   */
  receivesWebhooks?: boolean;
  create(config: Config, context: ConnectorContext): SourceConnector | Promise<SourceConnector>;
}

export interface SinkConnectorDefinition<Config = Record<string, unknown>> extends DefinitionBase {
  kind: 'sink';
  /** Topics this sink accepts by default. */
  consumes: string[];
  /** Canonical topics of the records its deliveries may bring back (see DeliveryOutcome). */
  produces?: string[];
  create(config: Config, context: ConnectorContext): SinkConnector | Promise<SinkConnector>;
}

// The runtime validates config against `spec` before `create`, so it can hold definitions of any config type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ConnectorDefinition = SourceConnectorDefinition<any> | SinkConnectorDefinition<any>;

/** The config type a spec describes (after defaults are applied): `ConfigOf<typeof spec>`. */
export type ConfigOf<Spec extends JSONSchema> = FromSchema<Spec>;
export type { JSONSchema };

/**
 * Typed identity. Declare the spec once, `as const satisfies JSONSchema`, and pass its config type:
 * `defineConnector<ConfigOf<typeof spec>>({ spec, create(config) {...} })`.
 */
export function defineConnector<Config>(definition: SourceConnectorDefinition<Config>): SourceConnectorDefinition<Config>;
export function defineConnector<Config>(definition: SinkConnectorDefinition<Config>): SinkConnectorDefinition<Config>;
export function defineConnector(definition: ConnectorDefinition): ConnectorDefinition {
  return definition;
}
