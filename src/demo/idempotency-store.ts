export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotencyLookup = { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'reused' };

/**
 * First responses to writes that carried an `Idempotency-Key`. Only applied writes are kept: a
 * request refused before it was applied (injected 503, validation) may be retried with the same key
 * and must then be applied. A key sent again with another request is a client bug, reported as such.
 */
export class IdempotencyStore {
  private readonly responses = new Map<string, { fingerprint: string; response: StoredResponse }>();

  lookup(key: string, fingerprint: string): IdempotencyLookup {
    const stored = this.responses.get(key);
    if (!stored) return { kind: 'new' };
    return stored.fingerprint === fingerprint ? { kind: 'replay', response: structuredClone(stored.response) } : { kind: 'reused' };
  }

  remember(key: string, fingerprint: string, response: StoredResponse): void {
    this.responses.set(key, { fingerprint, response: structuredClone(response) });
  }
}
