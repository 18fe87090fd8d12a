import type { ValidateFunction } from 'ajv';
import type { Request, Response } from 'express';
import type { ConnectorInstanceConfig } from './connector-instance-config.js';
import type { SourceConnector, SourceRecord, WebhookRequest } from '../sdk/connector-definition.js';
import { describeError, HubError } from '../../core/hub-error.js';
import type { Logger } from '../../platform/observability/logger.js';
import { createJsonSchemaAjv } from '../../platform/validation/json-schema-ajv.js';
import { formatDataPath, schemaIssues } from '../../platform/validation/schema-issues.js';
import { NO_METRICS, type ComponentMetrics } from '../../platform/observability/metrics/component-metrics.js';
import type { StateStore } from '../../platform/state/state-store.js';
import type { InstanceStatus } from './instance-status.js';
import type { SourceRecordPublisher } from './source-record-publisher.js';
import { decodeWebhookBody, WebhookBodyEncodingError } from './webhook-body-decoder.js';
import { repeatOf, webhookBodySha256, type WebhookEventMark } from './webhook-event-mark.js';
import { SIGNATURE_HEADER, verifyWebhookSignature, WebhookSignatureError } from '../sdk/webhook-signature.js';

/** Webhook body schemas are written by connectors, for bodies written by other systems: not strict. */
const bodyAjv = createJsonSchemaAjv({ strictSchemas: false });

export type WebhookSpec = NonNullable<SourceConnector['webhook']>;

/**
 * One push source's webhook. Every refusal happens before anything is produced, and 2xx means the
 * broker acknowledged every record: a sender that sees anything else may simply send again, and
 * the event id makes that safe.
 */
export class WebhookEndpoint {
  private readonly validateBody: ValidateFunction | undefined;
  private readonly inFlight = new Set<string>();
  paused = false;

  constructor(
    private readonly instance: ConnectorInstanceConfig,
    private readonly webhook: WebhookSpec,
    private readonly publisher: SourceRecordPublisher,
    private readonly seenEvents: StateStore<WebhookEventMark>,
    private readonly status: InstanceStatus,
    private readonly logger: Logger,
    private readonly metrics: ComponentMetrics = NO_METRICS,
  ) {
    if (webhook.bodySchema) this.validateBody = bodyAjv.compile(webhook.bodySchema as object);
  }

  get maxBodyBytes(): number {
    return this.instance.webhook.maxBodyBytes;
  }

  async handle(req: Request, res: Response): Promise<void> {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (this.paused) {
      res
        .status(503)
        .set('Retry-After', '30')
        .json(errorBody('INSTANCE_PAUSED', `${this.instance.name} is paused; send again later`));
      return;
    }
    const secret = this.instance.webhook.secret;
    if (secret) {
      try {
        verifyWebhookSignature(secret, raw, req.get(SIGNATURE_HEADER), this.instance.webhook.toleranceSeconds);
      } catch (error) {
        if (!(error instanceof WebhookSignatureError)) throw error;
        this.status.counters.failures++;
        this.metrics.errorCode(error.code);
        res.status(401).json(errorBody(error.code, error.message));
        return;
      }
    }
    let text: string;
    try {
      text = decodeWebhookBody(raw, req.get('content-type'));
    } catch (error) {
      if (!(error instanceof WebhookBodyEncodingError)) throw error;
      this.metrics.errorCode(error.code);
      res.status(error.status).json(errorBody(error.code, error.message));
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      this.metrics.errorCode('BODY_NOT_JSON');
      res.status(400).json(errorBody('BODY_NOT_JSON', `the body is not JSON: ${(error as Error).message}`));
      return;
    }
    if (exceedsNesting(text, MAX_BODY_NESTING)) {
      this.metrics.errorCode('BODY_TOO_DEEP');
      res.status(400).json(errorBody('BODY_TOO_DEEP', `the body nests objects and arrays more than ${MAX_BODY_NESTING} levels deep`));
      return;
    }
    if (this.validateBody && !this.validateBody(body)) {
      this.metrics.errorCode('BODY_INVALID');
      const details = schemaIssues(this.validateBody.errors, body).map((issue) => ({
        path: formatDataPath(issue.path) || '(root)',
        message: issue.message,
      }));
      res
        .status(400)
        .json(
          errorBody(
            'BODY_INVALID',
            `the body does not match the ${this.instance.name} webhook schema: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
            details,
          ),
        );
      return;
    }

    const request: WebhookRequest = {
      body,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
    };
    const eventId = this.webhook.eventId(request);
    const eventKey = `${this.instance.name}/${eventId}`;
    const bodySha256 = webhookBodySha256(body);
    const seen = this.seenEvents.get(eventKey);
    if (seen && repeatOf(seen, bodySha256) === 'duplicate') {
      res.status(200).json({ status: 'duplicate', eventId });
      return;
    }
    if (seen) {
      this.metrics.errorCode('EVENT_ID_REUSED');
      res
        .status(409)
        .json(
          errorBody(
            'EVENT_ID_REUSED',
            `event ${eventId} was accepted at ${seen.at} with another body; an event id names one event, so this body was not produced (a retry must send the same JSON)`,
          ),
        );
      return;
    }
    if (this.inFlight.has(eventKey)) {
      res
        .status(409)
        .set('Retry-After', '1')
        .json(errorBody('EVENT_IN_PROGRESS', `event ${eventId} is being processed; send again to learn the outcome`));
      return;
    }
    this.inFlight.add(eventKey);
    const settled = this.metrics.startBatch();
    try {
      let records: SourceRecord[];
      try {
        records = this.webhook.toRecords(request);
      } catch (error) {
        // The connector's mapping is a pure function of the body: what it cannot map now it never will, so not a 503 to send again.
        this.metrics.errorCode('BODY_UNMAPPABLE');
        res.status(422).json(errorBody('BODY_UNMAPPABLE', `the body cannot be turned into records: ${describeError(error).message}`));
        return;
      }
      const encoded = await this.publisher.encode(records);
      if (encoded.rejected.length > 0) {
        for (const rejected of encoded.rejected) this.metrics.error(rejected.error);
        const details = encoded.rejected.map((r) => ({
          topic: r.originalTopic,
          key: r.key?.toString() ?? null,
          ...describeError(r.error),
        }));
        res
          .status(422)
          .json(
            errorBody('RECORDS_INVALID', `${details.length} of ${records.length} records cannot be written; nothing was produced`, details),
          );
        return;
      }
      await this.publisher.produce(encoded);
      this.status.counters.recordsIn += records.length;
      this.status.counters.recordsOut += encoded.count;
      this.metrics.recordsIn(records.length);
      this.metrics.recordsOut(encoded.count);
      settled();
      await this.seenEvents
        .put(eventKey, { at: new Date().toISOString(), bodySha256 })
        .catch((error: unknown) =>
          this.logger.warn(`webhook ${this.instance.name}: event ${eventId} produced but not remembered: ${describeError(error).message}`),
        );
      res.status(200).json({ status: 'accepted', eventId, records: encoded.count });
    } catch (error) {
      this.status.recordError(error);
      this.metrics.error(error);
      const { code, message, retriable } = describeError(error);
      // Retriable (broker or registry away): 503 tells the sender to come back; anything else is the request's fault.
      res.status(retriable || !(error instanceof HubError) ? 503 : 422).json(errorBody(code, message));
    } finally {
      this.inFlight.delete(eventKey);
    }
  }
}

/**
 * Deeper than any event a back office sends. A body nested further would overflow the stack of the
 * encoders and of JSON.stringify downstream, which is no reason to tell the sender to try again.
 */
const MAX_BODY_NESTING = 64;

/**
 * Whether JSON text nests deeper than `limit`, by its brackets outside strings. Read on the decoded
 * text, not the bytes: a GBK character's second byte may be a backslash or a bracket.
 */
function exceedsNesting(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // a backslash: the next character is escaped
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return false;
}

function errorBody(code: string, message: string, details?: unknown): { error: { code: string; message: string; details?: unknown } } {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
