import { maskPersonalPatterns, maskPersonalValue } from './pii-masking.js';
import { GENERIC_PII_FIELD_NAMES, loggedPiiFieldNames } from './pii-field-names.js';
import { isSecretKey } from './secret-keys.js';
import { REDACTED_SECRET, secretRegistry, type SecretRegistry } from './secret-registry.js';
import { withoutSecrets } from './secret-scrubbing.js';

export interface LogScrubberOptions {
  /** Names of fields whose values are personal; default: the process-wide list (see pii-field-names.ts). */
  piiFieldNames?: ReadonlySet<string>;
  /** Secrets to find by value; default: the process-wide registry. */
  secrets?: SecretRegistry;
}

/** Logged values are rarely deep; anything deeper is a library object nobody meant to log whole. */
const MAX_DEPTH = 10;
// What an instance, flow or code is called; no person's name or number looks like this.
const IDENTIFIER = /^[a-z][a-z0-9]*([._-][a-z0-9]+)*$/;
// Every pattern of pii-masking.ts needs eleven digits in a row (ID numbers, mobiles) or an "@" (e-mail).
const PERSONAL_PATTERN_HINT = /\d{11}|@/;
// Keys are names chosen by code; one that holds data (a map keyed by phone number) has digits or an "@".
const KEY_HINT = /\d|@/;
// `"key": "value"` or `"key": 123` inside text: records and request bodies stringified into a message.
const JSON_FIELD = /"([A-Za-z_$][\w$-]*)"(\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)/g;

/**
 * Makes what is about to be logged fit to be read by whoever reads logs. Secrets go entirely:
 * registered values wherever they appear, values under secret-looking keys, credentials by their
 * shape. Personal data is masked the way pii-masking.ts shows it: values of fields personal by the
 * schemas, and ID numbers, mobiles and e-mail addresses anywhere in text. The input is never
 * changed; objects are copied as they are scrubbed.
 */
export class LogScrubber {
  private readonly piiFieldNames: ReadonlySet<string>;
  private readonly secrets: SecretRegistry;

  constructor(options: LogScrubberOptions = {}) {
    this.piiFieldNames = options.piiFieldNames ?? loggedPiiFieldNames;
    this.secrets = options.secrets ?? secretRegistry;
  }

  /** Free text: a message, an error message, any string value. */
  text(text: string): string {
    // Order matters: "user:pass@host.cn" must lose its credentials before it can pass for an e-mail address.
    let result = withoutSecrets(text, this.secrets);
    if (result.includes('"'))
      result = result.replace(JSON_FIELD, (match, key: string, colon: string, raw: string) => this.jsonField(match, key, colon, raw));
    return PERSONAL_PATTERN_HINT.test(result) ? maskPersonalPatterns(result) : result;
  }

  /** Any value: strings as text, objects and arrays copied with their fields scrubbed by name and value. */
  value(value: unknown): unknown {
    return this.scrub(value, 0, []);
  }

  /** The value of field `key`: redacted or masked as a whole when the name says so, scrubbed otherwise. */
  field(key: string, value: unknown): unknown {
    return this.fieldAt(key, value, 0, []);
  }

  private fieldAt(key: string, value: unknown, depth: number, ancestors: object[]): unknown {
    if (value === null || value === undefined) return value;
    if (isSecretKey(key)) return REDACTED_SECRET;
    if (this.piiFieldNames.has(key))
      return Array.isArray(value) ? value.map((item) => this.personal(key, item)) : this.personal(key, value);
    return this.scrub(value, depth, ancestors);
  }

  private personal(key: string, value: unknown): unknown {
    if (typeof value !== 'string') return maskPersonalValue(value);
    if (GENERIC_PII_FIELD_NAMES.has(key) && IDENTIFIER.test(value)) return this.text(value);
    return maskPersonalValue(this.secrets.redact(value));
  }

  private scrub(value: unknown, depth: number, ancestors: object[]): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object' || value instanceof Date) return value;
    if (ancestors.includes(value)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Truncated]';
    // Bytes may be an encoded record; what they hold cannot be masked, only left out.
    if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
    const inside = [...ancestors, value];
    if (value instanceof Error) return this.error(value, depth, inside);
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      const json = (value as { toJSON(): unknown }).toJSON();
      if (json !== value) return this.scrub(json, depth + 1, inside);
    }
    if (value instanceof Map)
      return this.entries(
        [...value].map(([key, item]) => [String(key), item]),
        depth,
        inside,
      );
    if (value instanceof Set) return [...value].map((item) => this.scrub(item, depth + 1, inside));
    if (Array.isArray(value)) return value.map((item) => this.scrub(item, depth + 1, inside));
    return this.entries(Object.entries(value), depth, inside);
  }

  private entries(entries: [string, unknown][], depth: number, ancestors: object[]): Record<string, unknown> {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of entries) copy[KEY_HINT.test(key) ? this.text(key) : key] = this.fieldAt(key, item, depth + 1, ancestors);
    return copy;
  }

  /**
   * An error's message is not an enumerable field: JSON would show `{}`. One that says how it is
   * shown (axios errors) is shown that way, without the sockets and requests it also holds.
   */
  private error(error: Error, depth: number, ancestors: object[]): Record<string, unknown> {
    const toJSON = (error as { toJSON?: unknown }).toJSON;
    const shown = typeof toJSON === 'function' ? Object.entries(toJSON.call(error) as object) : Object.entries(error);
    if (error.cause !== undefined) shown.push(['cause', error.cause]);
    // `name` here is the error's class, not a person's: it is kept, whatever the schemas call personal.
    const fields = shown.filter(([key, item]) => key !== 'name' && key !== 'message' && item !== undefined);
    return { name: error.name, message: this.text(error.message), ...this.entries(fields, depth, ancestors) };
  }

  private jsonField(match: string, key: string, colon: string, raw: string): string {
    if (isSecretKey(key)) return `"${key}"${colon}"${REDACTED_SECRET}"`;
    if (!this.piiFieldNames.has(key)) return match;
    return `"${key}"${colon}${JSON.stringify(this.personal(key, jsonScalar(raw)))}`;
  }
}

/** The value of a JSON string or number literal; text that only looks like one (a stray `\x`) as written. */
function jsonScalar(raw: string): unknown {
  if (!raw.startsWith('"')) return Number(raw);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}
