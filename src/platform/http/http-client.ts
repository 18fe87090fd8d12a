import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type CreateAxiosDefaults } from 'axios';

// One pool per process: connections to a system are reused across clients, connector instances and batches.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

export interface HttpClientOptions extends Omit<CreateAxiosDefaults, 'timeout' | 'httpAgent' | 'httpsAgent'> {
  /** Required: an answer that never comes must not hold a batch, a command or the hub's start for ever. */
  timeoutMs: number;
}

/**
 * The axios instance every HTTP client of the hub is built on (connectors, the schema registry, the
 * CLI's calls to a running hub): a timeout always set and keep-alive connections from one pool. What
 * a failure means is read with `classifyHttpFailure`.
 */
export function createHttpClient(options: HttpClientOptions): AxiosInstance {
  const { timeoutMs, ...config } = options;
  return axios.create({ ...config, timeout: timeoutMs, httpAgent, httpsAgent });
}
