import { Kafka, logLevel } from 'kafkajs';
import { InfrastructureError } from '../infra/infrastructure-error.js';

/**
 * A port that accepts connections is not a broker that serves: readiness is a real metadata
 * request answered with at least one broker, retried until the deadline.
 */
export async function waitForKafka(
  brokers: string[],
  options: { timeoutMs: number; isAlive?: () => boolean; describe?: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (options.isAlive && !options.isAlive()) break;
    const admin = new Kafka({
      clientId: 'crm-hub-readiness',
      brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) return;
    } catch (error) {
      lastError = error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const why = lastError instanceof Error ? lastError.message : 'no broker in the metadata';
  throw new InfrastructureError(
    'KAFKA_UNREACHABLE',
    `Kafka at ${brokers.join(',')} did not answer a metadata request within ${Math.round(options.timeoutMs / 1000)} s (last error: ${why})${options.describe ? `. ${options.describe()}` : ''}`,
    { retriable: true, cause: lastError },
  );
}
