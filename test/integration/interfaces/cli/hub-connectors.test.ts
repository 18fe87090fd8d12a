import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { freePort } from '../../../../src/platform/infra/free-port.js';
import { sampleCustomer } from '../../../fixtures/sample-records.js';
import { startBackOfficeSimulator, type BackOfficeSimulator } from '../../../../src/demo/back-office-simulator.js';
import { cleanEnv, startCli, type CliRun } from '../../../support/cli-process.js';
import { waitFor } from '../../../support/runtime-harness.js';
import { infrastructure, uniqueName } from '../../infrastructure.js';

const CRM_TOKEN = 'crm-secret-token-3b9d0e';
const ERP_TOKEN = 'erp-secret-token-77aa41';

describe('crm-hub run with a hub config: CRM → Kafka → ERP', function () {
  this.timeout(240_000);
  let crm: BackOfficeSimulator;
  let erp: BackOfficeSimulator;
  let dir: string;
  const hubs: CliRun[] = [];

  afterEach(async () => {
    for (const hub of hubs) hub.child.kill('SIGKILL');
    await crm?.close();
    await erp?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the valid instances, refuses the broken one, and after a SIGKILL mid-stream resumes so that every customer reaches the ERP', async () => {
    const prefix = uniqueName('CK');
    const total = 1500;
    const customers = Array.from({ length: total }, (_, i) => {
      const { meta: _meta, ...customer } = sampleCustomer();
      return { ...customer, customerId: `${prefix}-${String(i).padStart(5, '0')}` };
    });
    crm = await startBackOfficeSimulator({
      name: 'crm',
      auth: { bearerToken: CRM_TOKEN },
      collections: { customers: { keyField: 'customerId', records: customers } },
    });
    erp = await startBackOfficeSimulator({
      name: 'erp',
      auth: { bearerToken: ERP_TOKEN },
      latencyMs: [1, 4],
      collections: { customers: { keyField: 'customerId' } },
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-config-'));
    const id = prefix.toLowerCase().replace(/[^a-z0-9]/g, '');
    const configFile = path.join(dir, 'crm-hub.yaml');
    fs.writeFileSync(
      configFile,
      `connectors:
  crm-poll-${id}:
    connector: http-source
    schedule: "*/1 * * * * *"
    # It polls; its webhook (every http-source has one) is signed all the same.
    webhook: { secret: "hub-connectors-test-webhook-secret" }
    config:
      topic: crm.customer.v1
      keyField: customerId
      poll: { url: "${crm.url}/api/customers", pageSize: 50, bearerToken: \${CRM_TOKEN} }
  erp-push-${id}:
    connector: http-sink
    topics: [crm.customer.v1]
    batchSize: 50
    config:
      url: "${erp.url}/api/customers/{key}"
      method: PUT
      auth: { type: bearer, token: \${ERP_TOKEN} }
  broken-${id}:
    connector: http-sink
    topics: [crm.customer.v1]
    config:
      url: not-a-url
`,
    );
    const { kafka, registry } = infrastructure();
    const env = async () =>
      cleanEnv({
        KAFKA_BROKERS: kafka.brokers.join(','),
        SCHEMA_REGISTRY_URL: registry.url,
        CRM_HUB_PORT: String(await freePort()),
        CRM_TOKEN,
        ERP_TOKEN,
      });
    const ours = () =>
      new Set(
        erp
          .received('customers')
          .map((w) => w.key)
          .filter((key) => key.startsWith(prefix)),
      );

    const first = startCli(['run', '--config', configFile], await env());
    hubs.push(first);
    await waitFor(() => ours().size >= 300, 90_000, `300 customers at the ERP (hub said: ${first.stderr().slice(-2000)})`);
    first.child.kill('SIGKILL');
    await first.exited;
    const beforeKill = ours().size;
    expect(beforeKill).to.be.below(total); // it really was mid-stream
    expect(first.stderr()).to.match(new RegExp(`connector instance broken-${id} not started: .*connectors\\.broken-${id}\\.config\\.url`));

    const secondEnv = await env();
    const second = startCli(['run', '--config', configFile], secondEnv);
    hubs.push(second);
    await waitFor(
      () => ours().size === total,
      120_000,
      `all ${total} customers at the ERP (have ${ours().size}; hub said: ${second.stderr().slice(-2000)})`,
    );

    const writes = erp.received('customers').filter((w) => w.key.startsWith(prefix)).length;
    const duplicates = writes - total;
    process.stderr.write(
      `      SIGKILL after ${beforeKill}/${total} delivered; after restart all ${total} delivered, ${duplicates} duplicate deliveries (at least once)\n`,
    );
    expect(duplicates).to.be.at.least(0);

    // The refused instance is reported as failed; the others run.
    // Health is a live probe: on a loaded machine one check may be slow, so ask as a load balancer would.
    let health = { status: 0, data: {} as unknown };
    await waitFor(
      async () => {
        health = await axios.get(`http://127.0.0.1:${secondEnv.CRM_HUB_PORT}/health`, { validateStatus: () => true });
        return health.status === 200;
      },
      20_000,
      `a healthy hub (last answer ${JSON.stringify(health.data)})`,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(health.data)}`);
    });
    for (const output of [first.stderr(), first.stdout(), second.stderr(), second.stdout()]) {
      expect(output).not.to.contain(CRM_TOKEN);
      expect(output).not.to.contain(ERP_TOKEN);
    }
    second.child.kill('SIGTERM');
    expect((await second.exited).code).to.equal(0);
  });
});
