import { Kafka, logLevel } from 'kafkajs';
import { InfrastructureError } from '../infra/infrastructure-error.js';
import { waitUntilReady, type ReadinessOptions } from '../infra/readiness-wait.js';

/** Ready means a real metadata request answered with at least one broker. */
export async function waitForKafka(brokers: string[], options: ReadinessOptions): Promise<void> {
  await waitUntilReady(
    () => describeCluster(brokers),
    { code: 'KAFKA_UNREACHABLE', what: `Kafka at ${brokers.join(',')} did not answer a metadata request` },
    options,
  );
}

/** A fresh client each time, without retries of its own: the wait's polling is the only retry. */
async function describeCluster(brokers: string[]): Promise<void> {
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
    if (cluster.brokers.length === 0) throw new InfrastructureError('KAFKA_NO_BROKERS', 'no broker in the metadata', { retriable: true });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
