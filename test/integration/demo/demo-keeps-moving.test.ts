import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { SchemaCatalog } from '../../../src/platform/avro/schema-catalog.js';
import { Hub } from '../../../src/hub/hub.js';
import { loadHubConnectors } from '../../../src/hub/hub-connectors.js';
import { hubSettingsFromEnv } from '../../../src/hub/hub-settings.js';
import { KafkajsClient } from '../../../src/platform/kafka/kafkajs-client.js';
import { createLogger } from '../../../src/platform/observability/logger.js';
import { startDemoLandscape, type DemoLandscape } from '../../../src/demo/demo-landscape.js';
import { PROJECT_ROOT } from '../../support/cli-process.js';
import { readUntil, waitFor } from '../../support/runtime-harness.js';
import { infrastructure, uniqueName } from '../infrastructure.js';

/** The demo's source instances (config/demo.crm-hub.yaml), one per back office that feeds the hub. */
const DEMO_SOURCES = ['crm', 'policy-admin', 'claims', 'scm-stock', 'service-desk'];
/** Tickets and claims the demo opens after its seed are numbered from 500 000 and 20 000 000 on. */
const DEMO_TICKET = /^SR\d{8}[5-9]\d{5}$/;
const DEMO_CLAIM = /^R[A-Z]{3}\d{10}2\d{7}$/;

describe('the demo after its seed', function () {
  this.timeout(150_000);
  let landscape: DemoLandscape | undefined;
  let hub: Hub | undefined;
  let client: KafkajsClient | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-demo-moving-'));
  const suffix = uniqueName('t')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
  const instance = (name: string): string => `${name}-${suffix}`;

  before(async () => {
    // A brisk pace without outages, so that ten seconds show every system's events.
    landscape = await startDemoLandscape({ eventsPerSecond: 8, meanOutageGapMs: 3_600_000 });
    const flowsDir = path.join(dataDir, 'no-flows');
    fs.mkdirSync(flowsDir);
    const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error' });
    // config/demo.crm-hub.yaml's sources and its reservation sink, renamed: source positions and
    // consumer groups are kept per instance name on the shared broker, and earlier demo runs left
    // theirs there. The other sinks would only read those runs' records from the beginning.
    const demo = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'config', 'demo.crm-hub.yaml'), 'utf8')) as {
      connectors: Record<string, unknown>;
    };
    const kept = Object.entries(demo.connectors).filter(([name]) => [...DEMO_SOURCES, 'scm-reservations'].includes(name));
    const configFile = path.join(dataDir, 'demo.crm-hub.yaml');
    fs.writeFileSync(
      configFile,
      stringify({ ...demo, connectors: Object.fromEntries(kept.map(([name, spec]) => [instance(name), spec])) }),
    );
    const connectors = await loadHubConnectors(configFile, logger, { ...landscape.env });
    expect([...connectors.invalid.keys()]).to.deep.equal([]);
    const { kafka, registry } = infrastructure();
    const settings = hubSettingsFromEnv(
      {
        CRM_HUB_PORT: '0',
        CRM_HUB_DATA_DIR: dataDir,
        CRM_HUB_FLOWS_DIR: flowsDir,
        KAFKA_BROKERS: kafka.brokers.join(','),
        SCHEMA_REGISTRY_URL: registry.url,
      },
      PROJECT_ROOT,
    );
    hub = await Hub.start(settings, await SchemaCatalog.load(settings.schemasDir), connectors, logger);
    client = new KafkajsClient({ brokers: kafka.brokers });
  });

  after(async () => {
    await hub?.stop();
    await landscape?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps records arriving from every back office, and reserves in the SCM the parts of new repair tickets', async () => {
    const produced = (): Record<string, number> =>
      Object.fromEntries(hub!.connectorRuntime!.statuses().map((status) => [status.name, status.counters.recordsOut]));
    const sources = DEMO_SOURCES.map(instance);
    // The seed is in once every source has produced something; from then on only new events count.
    await waitFor(() => sources.every((name) => (produced()[name] ?? 0) > 0), 60_000, 'the seed of every demo source on its topic').catch(
      (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(hub!.connectorRuntime!.statuses())}`);
      },
    );
    const first = produced();
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const second = produced();
    for (const name of sources)
      expect(second[name], `${name}: ${first[name]} records, then ${second[name]} twelve seconds later`).to.be.above(first[name]!);
    expect(landscape!.trickle.stats().byKind['parts-reservation']).to.be.above(0);

    // On the canonical topics: claims the demo reported after its seed, and its new tickets.
    const claims = await readUntil(
      client!,
      'claims.claim.v1',
      (records) => records.some((record) => DEMO_CLAIM.test(record.key?.toString() ?? '')),
      30_000,
    );
    expect(claims.filter((record) => DEMO_CLAIM.test(record.key?.toString() ?? ''))).to.have.length.above(0);
    const tickets = await readUntil(
      client!,
      'service.request.v1',
      (records) => records.some((record) => DEMO_TICKET.test(record.key?.toString() ?? '')),
      30_000,
    );
    expect(tickets.filter((record) => DEMO_TICKET.test(record.key?.toString() ?? ''))).to.have.length.above(0);

    // service ticket waiting for parts → service.request.v1 → scm-reservations → POST /api/reservations in the SCM.
    await waitFor(
      () => landscape!.scm.received('reservations').some((write) => DEMO_TICKET.test(String(write.body.reference))),
      40_000,
      'a reservation for a demo repair ticket in the SCM',
    );
    const reservation = landscape!.scm.received('reservations').find((write) => DEMO_TICKET.test(String(write.body.reference)))!;
    expect(reservation.body).to.include({ werks: 'WH-SZ', lgort: '01' });
    expect(reservation.body.menge).to.be.at.least(1);
  });
});
