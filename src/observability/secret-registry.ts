/** What a secret becomes wherever it would be shown. */
export const REDACTED_SECRET = '[redacted]';

/**
 * Secrets too short to look for: a one- or two-character "secret" would blank out ordinary words
 * of every line, and is no secret anyway.
 */
const SHORTEST_SECRET = 4;

/**
 * The secret values this process holds (config values marked `writeOnly`), so that one appearing
 * anywhere in a log line is replaced: inside a library's error message, a URL, a stringified
 * request. Key names cannot catch those; only knowing the value can.
 */
export class SecretRegistry {
  private readonly secrets = new Set<string>();
  private ordered: string[] | undefined;

  /** Adds a secret, with the forms it takes when written into a URL or a JSON string. */
  register(value: string): void {
    for (const form of [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]) {
      if (form.length < SHORTEST_SECRET || this.secrets.has(form)) continue;
      this.secrets.add(form);
      this.ordered = undefined;
    }
  }

  get size(): number {
    return this.secrets.size;
  }

  /** The text with every registered secret replaced by REDACTED_SECRET. */
  redact(text: string): string {
    if (this.secrets.size === 0 || text.length < SHORTEST_SECRET) return text;
    // Longest first, so that a secret containing another is replaced whole. A search per secret
    // beats one alternation of them all: a log line rarely holds any.
    this.ordered ??= [...this.secrets].sort((a, b) => b.length - a.length);
    let result = text;
    for (const secret of this.ordered) if (result.includes(secret)) result = result.replaceAll(secret, REDACTED_SECRET);
    return result;
  }
}

/** The registry of this process: what the config loader registers, every logger redacts. */
export const secretRegistry = new SecretRegistry();

export function registerSecret(value: string): void {
  secretRegistry.register(value);
}
