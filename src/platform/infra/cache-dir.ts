import os from 'node:os';
import path from 'node:path';

/**
 * Downloads (Kafka and registry jars) live outside the repository so that a clean clone reuses
 * them and `git status` stays clean. CRM_HUB_CACHE_DIR overrides, then XDG_CACHE_HOME.
 */
export function cacheDir(...parts: string[]): string {
  const base = process.env.CRM_HUB_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'crm-hub');
  return path.join(base, ...parts);
}
