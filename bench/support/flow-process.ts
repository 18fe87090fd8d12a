/**
 * One flow run by a real FlowRuntime in a process of its own, as one hub process of several would
 * run it: forked by ForkedFlow with its settings in CRM_HUB_BENCH_FLOW. Pauses and resumes on
 * command, and says when it took its first record after a resume, so that the benchmark can time
 * several processes of one consumer group from the moment any of them started.
 */
import { AvroSerde } from '../../src/platform/avro/avro-serde.js';
import { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { SchemaRegistryClient } from '../../src/platform/avro/schema-registry-client.js';
import { KafkajsClient } from '../../src/platform/kafka/kafkajs-client.js';
import { FlowHost } from './flow-host.js';
import { sendHelperEvent, serveHelperCommands } from './helper-process-child.js';
import { collectGarbage } from './rss-sampler.js';
import type { FlowProcessCommand, FlowProcessSettings } from './forked-flow.js';

const settings = JSON.parse(process.env.CRM_HUB_BENCH_FLOW ?? '{}') as FlowProcessSettings;
let host: FlowHost | undefined;

await serveHelperCommands<FlowProcessCommand>(
  async () => {
    const client = new KafkajsClient({ brokers: settings.brokers, clientId: 'crm-hub-bench' });
    const serde = new AvroSerde(new SchemaRegistryClient(settings.registryUrl));
    host = await FlowHost.start(settings.dir, settings.name, settings.yaml, { client, serde, schemas: await SchemaCatalog.load() });
    return { groupId: host.groupId };
  },
  async (command) => {
    const flow = host!;
    switch (command.kind) {
      case 'pause':
        flow.pause();
        break;
      case 'resume': {
        const before = flow.received();
        collectGarbage();
        flow.resume();
        const watch = () => {
          if (flow.received() > before) sendHelperEvent({ kind: 'first-record', atMs: performance.timeOrigin + performance.now() });
          else setTimeout(watch, 1);
        };
        watch();
        break;
      }
      case 'counters':
        break;
    }
    return { ...flow.counters };
  },
  async () => {
    await host?.stop();
  },
);
