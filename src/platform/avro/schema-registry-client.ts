import type { AxiosInstance } from 'axios';
import { createHttpClient } from '../http/http-client.js';
import { classifyHttpFailure } from '../http/http-failure.js';
import { withoutSecrets } from '../observability/secret-scrubbing.js';
import { SchemaRegistryRequestError, SchemaRegistryUnavailableError } from './schema-registry-errors.js';

import type { CompatibilityLevel } from './compatibility-issue.js';

export type { CompatibilityLevel };

export interface RegisteredSchema {
  subject: string;
  id: number;
  version: number;
  schema: string;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * A client for the Confluent Schema Registry REST API, which Confluent, Karapace, Redpanda and
 * Apicurio (`/apis/ccompat/v7`) all serve. Credentials may be given in the URL
 * (`https://user:secret@host`); they are stripped from `url` so that it is safe to show.
 */
export class SchemaRegistryClient {
  readonly url: string;
  private readonly http: AxiosInstance;

  constructor(url: string, options: { timeoutMs?: number } = {}) {
    const parsed = new URL(url);
    const auth = parsed.username
      ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
      : undefined;
    parsed.username = '';
    parsed.password = '';
    this.url = parsed.toString().replace(/\/$/, '');
    this.http = createHttpClient({
      baseURL: this.url,
      auth,
      timeoutMs: options.timeoutMs ?? 10_000,
      headers: { 'Content-Type': CONTENT_TYPE, Accept: `${CONTENT_TYPE}, application/json` },
      // Redirects would carry credentials to wherever the registry points.
      maxRedirects: 0,
    });
  }

  /** Registers the schema under the subject (idempotent: an identical schema returns its existing id). */
  async register(subject: string, schema: string): Promise<number> {
    const body = await this.request<{ id: number }>(
      'post',
      `/subjects/${encodeURIComponent(subject)}/versions`,
      { schema, schemaType: 'AVRO' },
      `registering a schema under ${subject}`,
    );
    return body.id;
  }

  /** The id and version of this exact schema under the subject, or undefined when it is not registered there. */
  async lookup(subject: string, schema: string): Promise<RegisteredSchema | undefined> {
    try {
      return await this.request<RegisteredSchema>(
        'post',
        `/subjects/${encodeURIComponent(subject)}`,
        { schema, schemaType: 'AVRO' },
        `looking up a schema under ${subject}`,
      );
    } catch (error) {
      if (error instanceof SchemaRegistryRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  async schemaById(id: number): Promise<string> {
    const body = await this.request<{ schema: string }>('get', `/schemas/ids/${id}`, undefined, `fetching schema id ${id}`);
    return body.schema;
  }

  async subjects(): Promise<string[]> {
    return this.request<string[]>('get', '/subjects', undefined, 'listing subjects');
  }

  async versions(subject: string): Promise<number[]> {
    try {
      return await this.request<number[]>(
        'get',
        `/subjects/${encodeURIComponent(subject)}/versions`,
        undefined,
        `listing versions of ${subject}`,
      );
    } catch (error) {
      if (error instanceof SchemaRegistryRequestError && error.status === 404) return [];
      throw error;
    }
  }

  async version(subject: string, version: number | 'latest'): Promise<RegisteredSchema> {
    return this.request<RegisteredSchema>(
      'get',
      `/subjects/${encodeURIComponent(subject)}/versions/${version}`,
      undefined,
      `fetching ${subject} version ${version}`,
    );
  }

  /** The registry's own verdict on whether `schema` may be registered next under the subject. */
  async isCompatible(subject: string, schema: string): Promise<boolean> {
    const body = await this.request<{ is_compatible: boolean }>(
      'post',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`,
      { schema, schemaType: 'AVRO' },
      `checking compatibility under ${subject}`,
    );
    return body.is_compatible;
  }

  async compatibility(subject?: string): Promise<CompatibilityLevel> {
    const path = subject ? `/config/${encodeURIComponent(subject)}?defaultToGlobal=true` : '/config';
    const body = await this.request<{ compatibilityLevel?: CompatibilityLevel; compatibility?: CompatibilityLevel }>(
      'get',
      path,
      undefined,
      'reading the compatibility level',
    );
    return body.compatibilityLevel ?? body.compatibility ?? 'BACKWARD';
  }

  async setCompatibility(level: CompatibilityLevel, subject?: string): Promise<void> {
    await this.request(
      'put',
      subject ? `/config/${encodeURIComponent(subject)}` : '/config',
      { compatibility: level },
      `setting compatibility ${level}`,
    );
  }

  private async request<T>(method: 'get' | 'post' | 'put', path: string, data: unknown, what: string): Promise<T> {
    try {
      const response = await this.http.request<T>({ method, url: this.url + path, data });
      return response.data;
    } catch (error) {
      throw translate(error, `${what} at ${this.url}`);
    }
  }
}

/**
 * The registry's answer in the hub's one reading of HTTP failures (classifyHttpFailure): what may
 * pass (no answer, 408, 429, 5xx) is SCHEMA_REGISTRY_UNAVAILABLE and retriable, except a request that
 * could not be sent at all (a certificate refused); an answer that says no gets a code of its own.
 */
function translate(error: unknown, what: string): Error {
  const failure = classifyHttpFailure(error);
  if (!failure) {
    const reason = withoutSecrets(error instanceof Error ? error.message : String(error));
    return new SchemaRegistryUnavailableError(`schema registry unreachable while ${what}: ${reason}`, error);
  }
  if (!failure.answered) {
    return new SchemaRegistryUnavailableError(`schema registry unreachable while ${what}: ${failure.reason}`, error, failure.retriable);
  }
  const { status, data } = failure;
  const body = (typeof data === 'object' && data !== null ? data : {}) as { error_code?: number; message?: string };
  const message = withoutSecrets(
    `schema registry answered ${status} while ${what}: ${body.message ?? (typeof data === 'string' ? data : failure.reason)}`,
  );
  if (failure.retriable) return new SchemaRegistryUnavailableError(message, error);
  const code =
    status === 404
      ? 'SCHEMA_NOT_FOUND'
      : status === 409
        ? 'SCHEMA_INCOMPATIBLE'
        : status === 422
          ? 'SCHEMA_INVALID'
          : status === 401 || status === 403
            ? 'SCHEMA_REGISTRY_AUTH'
            : 'SCHEMA_REGISTRY_REJECTED';
  return new SchemaRegistryRequestError(code, message, status, body.error_code);
}
