import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { validateHubConfig } from '../../src/hub/hub-config.js';
import { ConnectorCatalog } from '../../src/connect/sdk/connector-catalog.js';
import { compileFlowFile } from '../../src/flows/flow-compiler.js';
import { createStepRegistry } from '../../src/flows/step-registry.js';
import { BenchError } from '../runner/bench-error.js';
import { SCALE_OUT_PARTITIONS, scaleOutFlow } from '../benchmarks/scale-out.js';
import { IDLE_HUB_CONFIG, loadedHubConfig } from '../benchmarks/steady-state-memory.js';
import { catalogWithTopics } from '../support/bench-topic-catalog.js';
import { webhookSourceInstance } from '../support/webhook-source-instance.js';

/** What the benchmarks hand the hub's own loaders must be what the hub accepts, or the figures would be of a refused config. */
describe('benchmark hub configs and topics', () => {
  let connectors: ConnectorCatalog;
  const demoEnv = {
    DEMO_TOKEN: 't',
    DEMO_CRM_URL: 'http://127.0.0.1:1',
    DEMO_POLICY_FEED_URL: 'http://127.0.0.1:2/feed',
    DEMO_CLAIMS_FEED_URL: 'http://127.0.0.1:3/feed',
    DEMO_SCM_URL: 'http://127.0.0.1:4',
    DEMO_DESK_URL: 'http://127.0.0.1:5',
    DEMO_ERP_URL: 'http://127.0.0.1:6',
    DEMO_ERP_COMPANY: '3100',
    DEMO_WEBHOOK_SECRET: 'bench-webhook-secret',
  };

  before(async () => {
    connectors = await ConnectorCatalog.discover();
  });

  it('the loaded hub runs every demo instance plus the signed push source onto crm.customer.v1', async () => {
    const demo = YAML.parse(fs.readFileSync('config/demo.crm-hub.yaml', 'utf8')) as { connectors: Record<string, unknown> };
    const validation = validateHubConfig({ file: 'loaded-hub.yaml', text: await loadedHubConfig('s3cret') }, connectors, demoEnv);
    expect(validation.issues).to.deep.equal([]);
    const instances = validation.config!.connectors;
    expect(instances.map((instance) => instance.name)).to.have.members([...Object.keys(demo.connectors), 'bench-load']);
    const load = instances.find((instance) => instance.name === 'bench-load')!;
    expect(load.webhook.secret).to.equal('s3cret');
    expect(load.config).to.deep.include({ topic: 'crm.customer.v1', keyField: 'customerId' });
  });

  it('the idle hub has no instances and no customer view', () => {
    const validation = validateHubConfig({ file: 'idle-hub.yaml', text: IDLE_HUB_CONFIG }, connectors, {});
    expect(validation.issues).to.deep.equal([]);
    expect(validation.config!.connectors).to.deep.equal([]);
    expect(validation.config!.customerView?.enabled).to.equal(false);
  });

  it('a webhook source and an http-sink to a loopback receiver pass as the end-to-end benchmark writes them', () => {
    const text = YAML.stringify({
      connectors: {
        'bench-in': webhookSourceInstance('bench.e2e.in', 'k'),
        'bench-out': {
          connector: 'http-sink',
          topics: ['bench.e2e.out'],
          allowedHosts: ['127.0.0.1'],
          config: { url: 'http://127.0.0.1:4000/arrivals', method: 'POST', body: 'value' },
        },
      },
    });
    expect(validateHubConfig({ file: 'e2e.yaml', text }, connectors, {}).issues).to.deep.equal([]);
  });

  describe('with files', () => {
    let dir: string;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-bench-test-'));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('a benchmark topic joins the canonical ones in a copy of the schemas, leaving schemas/ as it is', async () => {
      const before = fs.readFileSync('schemas/topics.json', 'utf8');
      const catalog = await catalogWithTopics(path.join(dir, 'schemas'), {
        'bench.webhook.x': { record: 'crmhub.customer.Customer', key: 'customerId' },
      });
      expect(catalog.topicInfo('bench.webhook.x')).to.deep.include({ record: 'crmhub.customer.Customer', keyFields: ['customerId'] });
      expect(catalog.topicInfo('crm.customer.v1').record).to.equal('crmhub.customer.Customer');
      expect(fs.readFileSync('schemas/topics.json', 'utf8')).to.equal(before);
      expect((await SchemaCatalog.load()).topics().map((topic) => topic.topic)).to.not.include('bench.webhook.x');
    });

    it('the scale-out flow compiles and takes every partition a process holds at once', async () => {
      const { flow, issues } = compileFlowFile(
        { file: 'scale.yaml', text: scaleOutFlow('bench-scale', 'bench.scale.in', 'bench.scale.out') },
        {
          schemas: await SchemaCatalog.load(),
          steps: createStepRegistry(),

          table: () => {
            throw new BenchError('BENCH_NO_TABLE', 'no table');
          },
        },
      );
      expect(issues).to.deep.equal([]);
      expect(flow!.concurrency).to.equal(SCALE_OUT_PARTITIONS);
      expect(flow!.from).to.deep.equal(['bench.scale.in']);
    });
  });
});
