/**
 * `node --import tsx bench/profile/hold-infrastructure.ts`: starts the broker and registry as the
 * benchmark runner does and keeps them until SIGINT/SIGTERM, printing the environment that points
 * `npm run bench` and the profiling scripts at them. Profiling means measuring again after every
 * change; starting Kafka and the registry each time would take longer than the measurement.
 */
import { describeError } from '../../src/core/hub-error.js';
import { BenchInfrastructure } from '../runner/bench-infrastructure.js';

const log = (message: string) => process.stderr.write(`[infrastructure] ${message}\n`);
const infrastructure = await BenchInfrastructure.create();
const stop = () => void infrastructure.stop().finally(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
try {
  const { kafka, registry } = await infrastructure.start(log);
  process.stdout.write(`export KAFKA_BROKERS=${kafka.brokers.join(',')} SCHEMA_REGISTRY_URL=${registry.url}\n`);
  log('ready; stop with Ctrl-C or SIGTERM');
  // The broker and registry are child processes the event loop does not wait for: hold it open.
  setInterval(() => undefined, 2 ** 30);
} catch (error) {
  log(`failed: ${describeError(error).message}`);
  await infrastructure.stop();
  process.exit(1);
}
