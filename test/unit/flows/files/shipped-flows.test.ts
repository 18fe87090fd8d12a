import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { formatConfigIssue } from '../../../../src/platform/config/config-issue.js';
import { projectRoot } from '../../../../src/platform/infra/project-root.js';
import { compileFlowFile, type FlowCompileDeps } from '../../../../src/flows/flow-compiler.js';
import { FlowFileError } from '../../../../src/flows/flow-file-error.js';
import { expandFlowPaths, isFlowFileName, isFlowTestFileName, loadFlowFiles } from '../../../../src/flows/flow-file-loader.js';
import { runFlowTestFile } from '../../../../src/flows/flow-test-runner.js';
import { createStepRegistry } from '../../../../src/flows/step-registry.js';

const FLOWS = path.join(projectRoot(), 'flows');

describe('shipped flows', () => {
  let deps: FlowCompileDeps;
  let files: string[];
  before(async () => {
    deps = {
      schemas: await SchemaCatalog.load(),
      steps: createStepRegistry(),
      table: () => ({ get: () => undefined }),
    };
    files = await expandFlowPaths([FLOWS], isFlowFileName);
  });

  it('are the domain flows, each with its test file', async () => {
    expect(files.map((file) => path.basename(file))).to.deep.equal([
      'claim-assessment-overdue.yaml',
      'claims-loss-ratio-flag.yaml',
      'complaints-per-dealer-daily.yaml',
      'crm-customer-to-dw.yaml',
      'crm-customer-to-erp.yaml',
      'low-stock-alert.yaml',
      'parts-wait.yaml',
      'service-request-to-timeline.yaml',
    ]);
    const tests = await expandFlowPaths([FLOWS], isFlowTestFileName);
    expect(tests.map((file) => path.basename(file))).to.deep.equal(
      files.map((file) => path.basename(file).replace(/\.yaml$/, '.test.yaml')),
    );
  });

  it('compile without issues, each writing to its own canonical topic', async () => {
    const flows = await loadFlowFiles(FLOWS, deps);
    expect(
      flows.map(
        (flow) => `${flow.name}: ${flow.from.join(',')} → ${flow.to.map((to) => ('topic' in to ? to.topic : to.connector)).join(',')}`,
      ),
    ).to.deep.equal([
      'claim-assessment-overdue: claims.claim.v1 → crm.customer-flag.v1',
      'claims-loss-ratio-flag: claims.claim.v1 → crm.customer-flag.v1',
      'complaints-per-dealer-daily: service.request.v1 → kpi.dealer-complaints-daily.v1,dw.dealer-complaints-daily.v1',
      'crm-customer-to-dw: crm.customer.v1 → dw.customer.v1',
      'crm-customer-to-erp: crm.customer.v1 → erp.customer.v1',
      'low-stock-alert: scm.inventory.v1 → service.alert.v1',
      'parts-wait: service.request.v1,scm.reservation.v1 → service.parts-wait.v1',
      'service-request-to-timeline: service.request.v1 → crm.timeline-event.v1',
    ]);
    const erp = flows.find((flow) => flow.name === 'crm-customer-to-erp')!;
    expect(erp.errors).to.deep.equal({
      retry: { attempts: 5, initialDelayMs: 200, maxDelayMs: 30000, multiplier: 2 },
      deadLetterTopic: 'dlq.flow.crm-customer-to-erp',
    });
    expect(erp.concurrency).to.equal(3);
    const dw = flows.find((flow) => flow.name === 'crm-customer-to-dw')!;
    expect(dw.errors.deadLetterTopic, 'default dead-letter topic').to.equal('dlq.flow.crm-customer-to-dw');
    expect(dw.concurrency, 'default concurrency').to.equal(4);
    await Promise.all(flows.map((flow) => flow.close()));
  });

  it('pass their tests', async () => {
    for (const file of await expandFlowPaths([FLOWS], isFlowTestFileName)) {
      const result = await runFlowTestFile(file, { schemas: deps.schemas, steps: deps.steps, env: {} });
      expect(result.issues.map(formatConfigIssue), file).to.deep.equal([]);
      expect(result.cases.length, file).to.be.greaterThan(2);
      for (const testCase of result.cases) expect(testCase.problems, `${file}: ${testCase.name}`).to.deep.equal([]);
    }
  });
});

describe('loadFlowFiles', () => {
  let dir: string;
  let deps: FlowCompileDeps;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-flows-'));
    deps = {
      schemas: await SchemaCatalog.load(),
      steps: createStepRegistry(),
      table: () => ({ get: () => undefined }),
    };
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('refuses two files that give one flow name, pointing at the second name', async () => {
    const text = (name: string) =>
      `name: ${name}\nfrom: scm.inventory.v1\nsteps:\n  - filter: onHand < reorderPoint\nto: { topic: audit.stock.v1, schema: crmhub.inventory.InventoryItem }\ntopics: { audit.stock.v1: { schema: crmhub.inventory.InventoryItem } }\n`;
    await fs.writeFile(path.join(dir, 'a.yaml'), text('stock-audit'));
    await fs.writeFile(path.join(dir, 'b.yaml'), text('stock-audit'));
    await fs.writeFile(path.join(dir, 'b.test.yaml'), 'not: a flow\n');
    const error = await loadFlowFiles(dir, deps).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).to.be.instanceOf(FlowFileError);
    expect((error as FlowFileError).code).to.equal('FLOW_INVALID');
    expect((error as FlowFileError).issues.map(formatConfigIssue)).to.deep.equal([
      `${path.join(dir, 'b.yaml')}:1:7 name: flow stock-audit is also defined by ${path.join(dir, 'a.yaml')}; names must be unique (each is a consumer group)`,
    ]);
    expect(await loadFlowFiles([path.join(dir, 'a.yaml')], deps)).to.have.length(1);
  });
});

describe('a compiled flow', () => {
  let deps: FlowCompileDeps;
  before(async () => {
    deps = {
      schemas: await SchemaCatalog.load(),
      steps: createStepRegistry(),
      table: () => ({ get: () => undefined }),
    };
  });

  const stock = (onHand: number) => ({ partNumber: '52119-06983', warehouseCode: 'WH-SZ-01', onHand, reserved: 0, reorderPoint: 10 });
  const message = (onHand: number) => ({ key: '52119-06983@WH-SZ-01', value: stock(onHand), headers: {}, topic: 'scm.inventory.v1' });

  it("runs the steps in order and sends to a route's destinations, else to the flow's", async () => {
    const text = [
      'name: stock-router',
      'from: scm.inventory.v1',
      'steps:',
      '  - filter: onHand < 100',
      '  - route:',
      '      - when: onHand < reorderPoint',
      '        to: { connector: parts-desk }',
      'to: { topic: audit.stock.v1, schema: crmhub.inventory.InventoryItem }',
      'topics: { audit.stock.v1: { schema: crmhub.inventory.InventoryItem } }',
    ].join('\n');
    const { flow, issues } = compileFlowFile({ file: 'flows/stock-router.yaml', text, env: {} }, deps);
    expect(issues).to.deep.equal([]);
    expect(await flow!.process(message(3))).to.deep.equal([
      { destination: { connector: 'parts-desk' }, message: { ...message(3), destinations: [{ connector: 'parts-desk' }] } },
    ]);
    expect(await flow!.process(message(50))).to.deep.equal([
      { destination: { topic: 'audit.stock.v1', schema: 'crmhub.inventory.InventoryItem' }, message: message(50) },
    ]);
    expect(await flow!.process(message(500))).to.deep.equal([]);
  });

  it('names the failing step in the error, keeping the cause and its code', async () => {
    const text = [
      'name: stock-keys',
      'from: scm.inventory.v1',
      'steps:',
      '  - filter: onHand < 100',
      '  - set-key: nosuchfield',
      'to: { topic: audit.stock.v1, schema: crmhub.inventory.InventoryItem }',
      'topics: { audit.stock.v1: { schema: crmhub.inventory.InventoryItem } }',
    ].join('\n');
    // Without one known input record (topics of two records) the field name cannot be checked when compiling: it fails per message.
    const { flow } = compileFlowFile(
      {
        file: 'flows/stock-keys.yaml',
        text: text.replace('from: scm.inventory.v1', 'from: [scm.inventory.v1, service.request.v1]'),
        env: {},
      },
      deps,
    );
    const error = await flow!.process({ ...message(3), topic: 'scm.inventory.v1' }).then(
      () => undefined,
      (thrown: unknown) => thrown as { code: string; step: string; flow: string; retriable: boolean; message: string },
    );
    expect(error).to.include({ code: 'FLOW_KEY_MISSING', step: 'steps[1].set-key', flow: 'stock-keys', retriable: false });
    expect(error!.message).to.equal('flow stock-keys steps[1].set-key: set-key: the expression gave no value');
  });
});
