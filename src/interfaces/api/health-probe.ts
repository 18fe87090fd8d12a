import type { HubAdmin } from '../../platform/kafka/kafka-client.js';
import type { SchemaRegistryClient } from '../../platform/avro/schema-registry-client.js';
import { withTimeout } from '../../platform/infra/with-timeout.js';
import { redactUrl } from '../../platform/observability/redact-url.js';

export interface DependencyHealth {
  ok: boolean;
  error?: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  kafka: DependencyHealth & { brokers: string[]; origin: string };
  schemaRegistry: DependencyHealth & { url: string; origin: string };
}

/**
 * Health is what the dependencies answer now, asked with short timeouts; answers are reused for a
 * second so that a scraper polling hard cannot turn into load on the broker.
 */
export class HealthProbe {
  private cached: { at: number; report: Promise<HealthReport> } | undefined;

  constructor(
    private readonly kafka: { brokers: string[]; origin: string; admin: HubAdmin },
    private readonly registry: { url: string; origin: string; client: SchemaRegistryClient },
    private readonly timeoutMs = 5000,
  ) {}

  report(): Promise<HealthReport> {
    if (this.cached && Date.now() - this.cached.at < 1000) return this.cached.report;
    const report = this.probe();
    this.cached = { at: Date.now(), report };
    return report;
  }

  private async probe(): Promise<HealthReport> {
    const [kafka, registry] = await Promise.all([
      check(() => this.kafka.admin.listTopics(), this.timeoutMs),
      check(() => this.registry.client.subjects(), this.timeoutMs),
    ]);
    return {
      status: kafka.ok && registry.ok ? 'ok' : 'degraded',
      kafka: { ...kafka, brokers: this.kafka.brokers, origin: this.kafka.origin },
      schemaRegistry: { ...registry, url: redactUrl(this.registry.url), origin: this.registry.origin },
    };
  }
}

async function check(call: () => Promise<unknown>, timeoutMs: number): Promise<DependencyHealth> {
  try {
    await withTimeout(call(), timeoutMs, 'health check');
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
