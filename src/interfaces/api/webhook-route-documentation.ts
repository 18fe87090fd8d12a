/**
 * The webhook route is served by the connector runtime's own router (raw body for the HMAC check),
 * not declared as an admin route; this is its entry in the OpenAPI document.
 */
export const WEBHOOK_ROUTE_DOCUMENTATION: Record<string, unknown> = {
  '/webhooks/{instance}': {
    post: {
      operationId: 'receiveWebhook',
      summary: 'Events pushed by a back-office system to a webhook source instance',
      tags: ['webhooks'],
      'x-crm-hub-role': 'open',
      security: [],
      description:
        "Authenticated by the instance's HMAC-SHA256 signature (webhook.secret, required unless the instance says webhook.insecure: true), header x-crm-hub-signature: t=<unix seconds>,v1=<hex hmac of \"t.body\">, within the instance's tolerance (over the raw bytes, before decoding); the body is decoded strictly in the Content-Type charset — UTF-8 when none is declared, GBK or GB18030 when declared, a leading byte order mark dropped — and checked against the connector's body schema; answered 200 only after the broker acknowledged the records. An event id names one event: a repeat with the same JSON value (whatever its spacing, key order or charset) is a 200 duplicate, one with another body a 409 EVENT_ID_REUSED.",
      parameters: [
        { name: 'instance', in: 'path', required: true, description: 'The connector instance', schema: { type: 'string' } },
        {
          name: 'x-crm-hub-signature',
          in: 'header',
          required: true,
          description: 't=<unix seconds>,v1=<hex HMAC-SHA256>',
          schema: { type: 'string' },
        },
      ],
      requestBody: {
        required: true,
        description: 'JSON; Content-Type charset utf-8 (the default), gbk or gb18030 (any of their labels, e.g. gb2312)',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
      responses: {
        '200': {
          description:
            'Accepted and acknowledged by the broker (status accepted), or a repeat of an event already accepted with the same body (status duplicate, nothing produced)',
        },
        '400': {
          description:
            "BODY_ENCODING_INVALID: bytes that are not valid in the declared charset (UTF-8 when none), with the offset of the first; BODY_NOT_JSON; BODY_TOO_DEEP: nested deeper than 64 levels; BODY_INVALID: not matching the connector's body schema",
        },
        '401': { description: 'Signature missing, wrong or outside the time window' },
        '404': { description: 'No push source instance by that name (a configured one that is not ready yet answers 503, never 404)' },
        '409': {
          description:
            'EVENT_ID_REUSED: the event id was accepted before with another body, and this one is not produced; EVENT_IN_PROGRESS: the same event id is being processed right now, send again to learn the outcome (Retry-After)',
        },
        '413': { description: 'Body larger than the instance allows' },
        '415': {
          description:
            'BODY_ENCODING_UNSUPPORTED: a Content-Type charset other than UTF-8, GBK or GB18030; the message names the supported ones',
        },
        '422': { description: 'A record does not fit its Avro schema, or the connector cannot map the body; nothing was produced' },
        '503': {
          description:
            'Not ready — the hub or the instance is starting, restarting or failed (WEBHOOK_NOT_READY) — or paused, both with Retry-After; or the broker did not acknowledge',
        },
      },
    },
  },
};
