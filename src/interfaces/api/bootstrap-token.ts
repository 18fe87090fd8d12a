import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ApiTokenConfig } from './api-tokens.js';
import { sha256Hex } from './api-tokens.js';

/** A new API token: 32 random bytes, URL-safe, prefixed so that secret scanners recognise it. */
export function newApiToken(): string {
  return `chub_${randomBytes(32).toString('base64url')}`;
}

/**
 * When the config names no API tokens, the hub still must not be open: it keeps an admin token in
 * `<dataDir>/admin-token` (created once, readable by the owner only) for the local operator, the
 * CLI and the dashboard. The token itself is never logged; only where to find it.
 */
export async function bootstrapAdminToken(dataDir: string): Promise<{ file: string; token: ApiTokenConfig }> {
  const file = path.join(dataDir, 'admin-token');
  let token: string;
  try {
    token = (await fs.readFile(file, 'utf8')).trim();
  } catch {
    token = newApiToken();
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(file, `${token}\n`, { mode: 0o600 });
  }
  return { file, token: { name: 'bootstrap-admin', role: 'admin', sha256: sha256Hex(token) } };
}
