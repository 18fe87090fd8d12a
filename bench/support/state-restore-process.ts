/**
 * A process of its own that restores a stateful step's state from its changelog, as a hub started
 * again after a kill does: a new client, a new PartitionedChangelogStore, a new FlowState attached,
 * then `assign` of the partitions, timed until every partition is read back and indexed. Its memory
 * is then that of a fresh process holding the restored state, nothing of whoever wrote it.
 */
import { systemClock } from '../../src/core/clock.js';
import { FlowState } from '../../src/flows/state/flow-state.js';
import { KafkajsClient } from '../../src/platform/kafka/kafkajs-client.js';
import type { HubProducer } from '../../src/platform/kafka/kafka-client.js';
import { PartitionedChangelogStore } from '../../src/platform/state/partitioned-changelog-store.js';
import { serveHelperCommands } from './helper-process-child.js';
import {
  STATE_RESTORE_ENV,
  type StateRestoreCommand,
  type StateRestoreResult,
  type StateRestoreSettings,
} from './state-restore-protocol.js';
import { collectGarbage, mebibytes } from './rss-sampler.js';

const settings = JSON.parse(process.env[STATE_RESTORE_ENV] ?? '{}') as StateRestoreSettings;
const client = new KafkajsClient({ brokers: settings.brokers, clientId: 'crm-hub-bench-restore' });
let producer: HubProducer | undefined;

await serveHelperCommands<StateRestoreCommand>(
  async () => {
    producer = await client.producer();
    return {};
  },
  async ({ partitions }): Promise<StateRestoreResult> => {
    const store = await PartitionedChangelogStore.open<unknown>(client, producer!, {
      topic: settings.topic,
      inputTopic: settings.inputTopic,
    });
    const state = new FlowState('restored', 'bench', { clock: systemClock, idleTimeoutMs: 60_000 });
    state.attach(store);
    collectGarbage();
    const rssBefore = process.memoryUsage.rss();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    await store.assign(partitions);
    const seconds = (performance.now() - started) / 1000;
    collectGarbage();
    const size = state.size();
    return {
      seconds,
      keys: size.keys,
      timers: size.timers,
      bytes: size.bytes,
      rssBeforeMiB: mebibytes(rssBefore),
      rssRestoredMiB: mebibytes(process.memoryUsage.rss()),
      heapBeforeMiB: mebibytes(heapBefore),
      heapRestoredMiB: mebibytes(process.memoryUsage().heapUsed),
    };
  },
  async () => {
    await producer?.disconnect();
  },
);
