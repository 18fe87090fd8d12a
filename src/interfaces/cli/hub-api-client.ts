import fs from 'node:fs';
import path from 'node:path';
import type { ResponseType } from 'axios';
import type { Command } from 'commander';
import { HubError } from '../../core/hub-error.js';
import { hubUrlFromEnv } from '../../hub/hub-address.js';

/** A running hub did not answer, or answered with an error: the message says which and why. */
export class HubRequestError extends HubError {
  constructor(
    message: string,
    retriable: boolean,
    readonly status?: number,
    cause?: unknown,
  ) {
    super('HUB_REQUEST_FAILED', message, { retriable, cause });
  }
}

export interface HubApiOptions {
  hub?: string;
  token?: string;
}

/** Adds --hub and --token to a command that talks to a running hub. */
export function withHubOptions(command: Command): Command {
  return command
    .option(
      '--hub <url>',
      'the running hub (default: CRM_HUB_URL, else where `crm-hub run` listens: CRM_HUB_HOST (127.0.0.1) and CRM_HUB_PORT (8080))',
    )
    .option(
      '--token <token>',
      'API token (default: CRM_HUB_TOKEN, else the admin token in $CRM_HUB_DATA_DIR/admin-token or ./.crm-hub/admin-token)',
    );
}

/**
 * The admin API of a running hub, as the CLI's commands use it. The token comes from the option,
 * CRM_HUB_TOKEN, or the bootstrap admin token file the local hub wrote, so that on the machine the
 * hub runs on `crm-hub dlq list` works without setup.
 */
export class HubApiClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;

  constructor(options: HubApiOptions, env: NodeJS.ProcessEnv = process.env) {
    this.baseUrl = options.hub ?? hubUrlFromEnv(env);
    this.token =
      options.token ??
      env.CRM_HUB_TOKEN ??
      readTokenFile(path.join(env.CRM_HUB_DATA_DIR ?? path.join(process.cwd(), '.crm-hub'), 'admin-token'));
  }

  /** The answer's status and body; throws only when the hub does not answer at all. */
  async request<T>(
    method: 'get' | 'post',
    route: string,
    options: { params?: Record<string, string>; body?: unknown; responseType?: ResponseType } = {},
  ): Promise<{ status: number; data: T }> {
    // Loaded on the first request, so that the `--help` of a command talking to the hub stays fast.
    const [{ createHttpClient }, { classifyHttpFailure }] = await Promise.all([
      import('../../platform/http/http-client.js'),
      import('../../platform/http/http-failure.js'),
    ]);
    try {
      const response = await createHttpClient({ timeoutMs: 30_000, validateStatus: () => true }).request<T>({
        method,
        url: new URL(route, this.baseUrl).toString(),
        params: options.params,
        data: options.body,
        responseType: options.responseType ?? 'json',
        headers: this.token ? { Authorization: `Bearer ${this.token}` } : {},
      });
      return { status: response.status, data: response.data };
    } catch (error) {
      const failure = classifyHttpFailure(error);
      const reason = failure?.reason ?? (error instanceof Error ? error.message : String(error));
      throw new HubRequestError(
        `no answer from the hub at ${this.baseUrl} (${reason}); is it running? Set --hub or CRM_HUB_URL`,
        failure?.retriable ?? true,
        undefined,
        error,
      );
    }
  }

  /** Like request, but any answer other than 2xx is an error naming the hub's error code and message. */
  async expectOk<T>(
    method: 'get' | 'post',
    route: string,
    options: { params?: Record<string, string>; body?: unknown; responseType?: ResponseType } = {},
  ): Promise<T> {
    const { status, data } = await this.request<T>(method, route, options);
    if (status < 200 || status > 299)
      throw new HubRequestError(`${method.toUpperCase()} ${route}: the hub answered ${status} ${errorText(data)}`, status >= 500, status);
    return data;
  }
}

export function errorText(data: unknown): string {
  const error = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
  return error ? `${error.code}: ${error.message}` : typeof data === 'string' ? data.slice(0, 500) : JSON.stringify(data);
}

function readTokenFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
