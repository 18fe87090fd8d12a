import { ConfigError } from '../../core/hub-error.js';
import { hubUrlFromEnv } from '../../hub/hub-address.js';
import { createHttpClient } from '../../platform/http/http-client.js';

/**
 * Commands that talk to the registry use, in order: --registry, SCHEMA_REGISTRY_URL, else the
 * registry of the running hub (its /health names it), found as every command finds the hub
 * (hubUrlFromEnv), so that `crm-hub schemas check` works next to a running `npm start` with no setup.
 */
export async function resolveRegistryUrl(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (flag) return flag;
  if (env.SCHEMA_REGISTRY_URL) return env.SCHEMA_REGISTRY_URL;
  const hubUrl = hubUrlFromEnv(env);
  try {
    const hub = createHttpClient({ timeoutMs: 3000, validateStatus: () => true });
    const response = await hub.get<{ schemaRegistry?: { url?: string } }>(`${hubUrl}/health`);
    const url = response.data?.schemaRegistry?.url;
    if (url) return url;
  } catch {
    // Explained below.
  }
  throw new ConfigError(
    'SCHEMA_REGISTRY_URL_MISSING',
    `no schema registry given: pass --registry <url>, set SCHEMA_REGISTRY_URL, or start the hub (npm start) so that ${hubUrl}/health names its registry`,
  );
}
