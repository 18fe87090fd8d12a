import { defineConnector, type ConfigOf, type DeliveryOutcome, type JSONSchema } from '../../src/connect/sdk/connector-definition.js';
import { HubError } from '../../src/core/hub-error.js';

/**
 * The reference sink: it delivers nowhere, it remembers. Each delivered record's key is appended
 * to an in-memory list per instance, which tests read with `deliveredKeys`; a record whose value
 * has `reject: true` fails with a non-retriable error, so the dead-letter path can be exercised.
 * Its spec shows every feature a spec may use: a required string with a format, an enum with a
 * default, a nested object and a secret.
 */
const delivered = new Map<string, string[]>();

/** Keys delivered so far by the instance of that name, in delivery order (null keys as ""). */
export function deliveredKeys(instance: string): readonly string[] {
  return delivered.get(instance) ?? [];
}

export function clearDeliveredKeys(): void {
  delivered.clear();
}

const spec = {
  type: 'object',
  additionalProperties: false,
  required: ['target'],
  properties: {
    target: { type: 'string', format: 'uri', description: 'Where a real sink would deliver; the echo only names it in its log.' },
    keyCase: { type: 'string', enum: ['as-is', 'upper', 'lower'], default: 'as-is', description: 'How keys are written to the list.' },
    auth: {
      type: 'object',
      additionalProperties: false,
      required: ['user', 'password'],
      description: 'Credentials a real sink would send.',
      properties: {
        user: { type: 'string', minLength: 1 },
        password: { type: 'string', minLength: 8, writeOnly: true, description: 'Usually ${ENV}; never shown.' },
      },
    },
  },
} as const satisfies JSONSchema;

export default defineConnector<ConfigOf<typeof spec>>({
  name: 'example-echo',
  version: '1.0.0',
  kind: 'sink',
  description: 'Reference sink: records delivered keys in memory and rejects records marked reject: true',
  consumes: ['crm.customer.v1'],
  spec,
  create(config, context) {
    const keys = delivered.get(context.instance) ?? [];
    delivered.set(context.instance, keys);
    const recordKey = (key: string | null) =>
      config.keyCase === 'upper' ? (key ?? '').toUpperCase() : config.keyCase === 'lower' ? (key ?? '').toLowerCase() : (key ?? '');
    context.logger.info('example-echo ready', { instance: context.instance, target: config.target });
    return {
      async deliver(records): Promise<DeliveryOutcome[]> {
        return records.map((record) => {
          if (record.value.reject === true) {
            return {
              ok: false,
              error: new HubError('ECHO_REJECTED', `record ${record.topic}/${record.partition}@${record.offset} asked to be rejected`, {
                retriable: false,
              }),
            };
          }
          keys.push(recordKey(record.key));
          return { ok: true };
        });
      },
    };
  },
});
