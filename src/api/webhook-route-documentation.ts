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
      description: 'Authenticated by the instance\'s HMAC-SHA256 signature, header x-crm-hub-signature: t=<unix seconds>,v1=<hex hmac of "t.body">, within the instance\'s tolerance; the body is checked against the connector\'s body schema; answered 200 only after the broker acknowledged the records.',
      parameters: [
        { name: 'instance', in: 'path', required: true, description: 'The connector instance', schema: { type: 'string' } },
        { name: 'x-crm-hub-signature', in: 'header', required: true, description: 't=<unix seconds>,v1=<hex HMAC-SHA256>', schema: { type: 'string' } },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
      responses: {
        '200': { description: 'Accepted and acknowledged by the broker (or a repeat of an event already accepted)' },
        '400': { description: 'Body not JSON, nested deeper than 64 levels, or not matching the connector\'s body schema' },
        '401': { description: 'Signature missing, wrong or outside the time window' },
        '404': { description: 'No webhook source instance by that name' },
        '409': { description: 'The same event id is being processed right now; send again to learn the outcome (Retry-After)' },
        '413': { description: 'Body larger than the instance allows' },
        '422': { description: 'A record does not fit its Avro schema, or the connector cannot map the body; nothing was produced' },
        '503': { description: 'Paused (Retry-After), or the broker did not acknowledge' },
      },
    },
  },
};
