import { createHash, timingSafeEqual } from 'node:crypto';
import type { Principal, Role } from './api-route.js';

export interface ApiTokenConfig {
  name: string;
  role: Role;
  /** Hex SHA-256 of the token: the config never holds the token itself. */
  sha256: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The API tokens the hub accepts, known only by their SHA-256 hashes. Tokens are long random
 * strings (crm-hub token new), so a plain hash is enough: there is nothing to guess a dictionary of.
 * Every presented token is compared against every hash in constant time.
 */
export class ApiTokens {
  private readonly hashes: { digest: Buffer; principal: Principal }[];

  constructor(tokens: readonly ApiTokenConfig[]) {
    this.hashes = tokens.map((token) => ({
      digest: Buffer.from(token.sha256.toLowerCase(), 'hex'),
      principal: { name: token.name, role: token.role },
    }));
  }

  get size(): number {
    return this.hashes.length;
  }

  identify(token: string): Principal | undefined {
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let found: Principal | undefined;
    for (const { digest, principal } of this.hashes) {
      if (digest.length === presented.length && timingSafeEqual(digest, presented)) found = principal;
    }
    return found;
  }
}
