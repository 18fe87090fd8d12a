import { ConfigError } from '../../src/core/hub-error.js';
import type { SinkRecord } from '../../src/connect/sdk/connector-definition.js';

const PLACEHOLDER = /\{([^{}]+)\}/g;

/**
 * `https://erp.example.com/api/customers/{key}` or `.../{value.customerId}`: placeholders are
 * checked once when the instance is created, and each value is URL-encoded when filled in.
 */
export function compileUrlTemplate(template: string): (record: SinkRecord) => string {
  const names = [...template.matchAll(PLACEHOLDER)].map((match) => match[1]!);
  for (const name of names) {
    if (name !== 'key' && name !== 'topic' && !/^value(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(name)) {
      throw new ConfigError('URL_TEMPLATE_INVALID', `url placeholder {${name}} is not {key}, {topic} or {value.<field>...}`);
    }
  }
  return (record) =>
    template.replace(PLACEHOLDER, (_, name: string) => {
      const value =
        name === 'key'
          ? record.key
          : name === 'topic'
            ? record.topic
            : name
                .split('.')
                .slice(1)
                .reduce<unknown>((v, part) => (v as Record<string, unknown> | undefined)?.[part], record.value);
      return encodeURIComponent(value === null || value === undefined ? '' : String(value));
    });
}

/** The host of a URL template, for the default allow-list (placeholders never sit in the host). */
export function templateHost(template: string): string {
  return new URL(template.replace(PLACEHOLDER, 'x')).hostname;
}
