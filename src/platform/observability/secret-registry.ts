import { secretForms } from './secret-forms.js';

/** What a secret becomes wherever it would be shown. */
export const REDACTED_SECRET = '[redacted]';

/**
 * Secrets shorter than this are not looked for: a "secret" of one to three characters would blank
 * out parts of ordinary words, numbers and ids in every text, and is no secret anyway.
 */
export const SHORTEST_SECRET = 4;

export interface SecretRegistration {
  /** The user name the secret is the password of (Basic auth, URL user info): `user:secret` is then a secret too. */
  username?: string;
}

/**
 * The secret values this process holds (config values marked `writeOnly`, every `${ENV}` value,
 * passwords of URLs), so that one appearing anywhere in text the hub writes or answers is replaced:
 * inside a library's error message, a URL, a remote system's error body quoting it back plain,
 * URL-encoded, JSON-escaped or in base64. Key names cannot catch those; only knowing the value can.
 */
export class SecretRegistry {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  /** Adds a secret with every form it takes when quoted back (see secret-forms.ts). */
  register(value: string, registration: SecretRegistration = {}): void {
    if (value.length < SHORTEST_SECRET) return;
    this.add(secretForms(value));
    if (registration.username) this.add(secretForms(`${registration.username}:${value}`));
  }

  get size(): number {
    return this.secrets.size;
  }

  /** The text with every registered secret replaced by REDACTED_SECRET. */
  redact(text: string): string {
    if (this.secrets.size === 0 || text.length < SHORTEST_SECRET) return text;
    // One alternation of every form, longest first so that a secret containing another is replaced
    // whole: with a dozen forms per secret it is some forty times faster than a search per form.
    this.pattern ??= new RegExp(
      [...this.secrets]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return text.replace(this.pattern, REDACTED_SECRET);
  }

  private add(forms: string[]): void {
    for (const form of forms) {
      if (form.length < SHORTEST_SECRET || this.secrets.has(form)) continue;
      this.secrets.add(form);
      this.pattern = undefined;
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The registry of this process: what the config loader registers, every logger, API answer and dead letter is scrubbed of. */
export const secretRegistry = new SecretRegistry();

export function registerSecret(value: string, registration?: SecretRegistration): void {
  secretRegistry.register(value, registration);
}
