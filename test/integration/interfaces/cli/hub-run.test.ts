import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { freePort } from '../../../../src/platform/infra/free-port.js';
import { cleanEnv, runCli, startCli } from '../../../support/cli-process.js';
import { infrastructure } from '../../infrastructure.js';
import { SchemaRegistry as IndependentRegistryClient } from '@kafkajs/confluent-schema-registry';
import { KafkajsClient } from '../../../../src/platform/kafka/kafkajs-client.js';
import { waitFor } from '../../../support/runtime-harness.js';

function processesMentioning(marker: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function waitForHealth(url: string, timeoutMs: number): Promise<{ status: number; data: Record<string, unknown> }> {
  const deadline = Date.now() + timeoutMs;
  let last: { status: number; data: Record<string, unknown> } = { status: 0, data: {} };
  while (Date.now() < deadline) {
    try {
      const response = await axios.get(url, { timeout: 2000, validateStatus: () => true });
      last = { status: response.status, data: response.data as Record<string, unknown> };
      if (response.status === 200) return last;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return last;
}

describe('crm-hub run', function () {
  this.timeout(180_000);

  it('starts on the embedded default with the demo landscape, answers /health, shows records from every system, and stops everything on SIGINT', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-run-'));
    const port = await freePort();
    const hub = startCli(
      ['run'],
      cleanEnv({ CRM_HUB_PORT: String(port), CRM_HUB_DATA_DIR: dataDir, CRM_HUB_KAFKA_PORT: '0', CRM_HUB_REGISTRY_PORT: '0' }),
    );
    try {
      const health = await waitForHealth(`http://127.0.0.1:${port}/health`, 150_000);
      expect(health.status, `no healthy hub; stderr:\n${hub.stderr()}`).to.equal(200);
      const kafka = health.data.kafka as { brokers: string[]; origin: string; ok: boolean };
      const registry = health.data.schemaRegistry as { url: string; origin: string; ok: boolean };
      expect(kafka.origin).to.equal('embedded');
      expect(kafka.brokers).to.have.length(1);
      expect(kafka.brokers[0]).to.match(/^127\.0\.0\.1:\d+$/);
      expect(registry.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/apis\/ccompat\/v7$/);
      // The registry named by /health really holds the canonical schemas.
      const subjects = (await axios.get(`${registry.url}/subjects`)).data as string[];
      expect(subjects).to.include.members([
        'crm.customer.v1-value',
        'policy.policy.v1-value',
        'claims.claim.v1-value',
        'scm.inventory.v1-value',
        'service.request.v1-value',
      ]);
      expect(processesMentioning(dataDir).length, 'embedded JVMs should be running').to.be.at.least(2);

      // The demo landscape: within a minute records from every back-office system are on their
      // canonical topics, readable by an independent Confluent client through the registry /health names.
      const independent = new IndependentRegistryClient({ host: registry.url });
      const kafkaClient = new KafkajsClient({ brokers: kafka.brokers });
      const topics = ['crm.customer.v1', 'policy.policy.v1', 'claims.claim.v1', 'scm.inventory.v1', 'service.request.v1'];
      const counts = new Map<string, number>();
      await waitFor(
        async () => {
          for (const topic of topics) counts.set(topic, (await kafkaClient.readToEnd(topic)).length);
          return topics.every((topic) => (counts.get(topic) ?? 0) > 0);
        },
        60_000,
        `records on every canonical topic (have ${JSON.stringify(Object.fromEntries(counts))}; hub said: ${hub.stderr().slice(-1500)})`,
      );
      for (const topic of topics) {
        const [first] = await kafkaClient.readToEnd(topic);
        const value = (await independent.decode(first!.value!)) as { meta: { sourceSystem: string } };
        expect(value.meta.sourceSystem, topic).to.be.a('string').and.not.equal('');
      }
      process.stderr.write(`      demo records within a minute: ${JSON.stringify(Object.fromEntries(counts))}\n`);

      // The single customer view resolves the demo's customers: the screen pop finds a CRM customer by its number.
      const [firstCustomer] = await kafkaClient.readToEnd('crm.customer.v1');
      const { customerId } = (await independent.decode(firstCustomer!.value!)) as { customerId: string };
      // Without tokens in a config, the admin API takes the bootstrap admin token the hub keeps in its data directory.
      const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
      expect(hub.stderr()).not.to.contain(token);
      expect(
        (await axios.get(`http://127.0.0.1:${port}/api/customers/lookup`, { params: { q: customerId }, validateStatus: () => true }))
          .status,
      ).to.equal(401);
      let lookup: { status: number; data: { matches?: { crossReferences: { system: string; systemId: string }[] }[] } } = {
        status: 0,
        data: {},
      };
      await waitFor(
        async () => {
          lookup = await axios.get(`http://127.0.0.1:${port}/api/customers/lookup`, {
            params: { q: customerId },
            headers: { Authorization: `Bearer ${token}` },
            validateStatus: () => true,
          });
          return lookup.status === 200;
        },
        60_000,
        `customer ${customerId} in the single customer view (last answer ${lookup.status})`,
      );
      expect(
        lookup.data.matches![0]!.crossReferences.some((ref) => ref.system === 'crm' && ref.systemId === customerId),
        JSON.stringify(lookup.data),
      ).to.equal(true);

      // /ready: the broker, the registry, every connector instance of the demo, the flows and the customer view.
      const ready = await axios.get(`http://127.0.0.1:${port}/ready`, { validateStatus: () => true });
      expect(ready.status, JSON.stringify(ready.data)).to.equal(200);
      expect((ready.data.checks as { name: string; ok: boolean }[]).map((check) => check.name)).to.include.members([
        'kafka',
        'schemaRegistry',
        'connector crm',
        'connector erp',
        'flows',
        'customer view',
      ]);

      hub.child.kill('SIGINT');
      const exit = await hub.exited;
      expect(exit.code, hub.stderr()).to.equal(0);
      expect(processesMentioning(dataDir), 'processes left behind after SIGINT').to.deep.equal([]);
      expect(hub.stderr()).to.contain('stopped Kafka (embedded)');
    } finally {
      hub.child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('fails within 60 s with a clear message when KAFKA_BROKERS does not answer', async () => {
    const closedPort = await freePort();
    const result = await runCli(
      ['run'],
      cleanEnv({ KAFKA_BROKERS: `127.0.0.1:${closedPort}`, CRM_HUB_PORT: String(await freePort()), CRM_HUB_CONNECT_TIMEOUT_MS: '5000' }),
    );
    expect(result.code).to.equal(1);
    expect(result.ms).to.be.below(60_000);
    expect(result.stderr).to.contain('KAFKA_UNREACHABLE').and.to.contain(`127.0.0.1:${closedPort}`).and.to.contain('KAFKA_BROKERS');
  });

  it('fails with a clear message when SCHEMA_REGISTRY_URL does not answer', async () => {
    const closedPort = await freePort();
    const result = await runCli(
      ['run'],
      cleanEnv({
        KAFKA_BROKERS: infrastructure().kafka.brokers.join(','),
        SCHEMA_REGISTRY_URL: `http://127.0.0.1:${closedPort}/apis/ccompat/v7`,
        CRM_HUB_PORT: String(await freePort()),
        CRM_HUB_CONNECT_TIMEOUT_MS: '5000',
      }),
    );
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain('SCHEMA_REGISTRY_UNREACHABLE').and.to.contain(`127.0.0.1:${closedPort}`);
  });

  it('uses the Kafka and registry it is given, and reports them in /health', async () => {
    const port = await freePort();
    const { kafka, registry } = infrastructure();
    const hub = startCli(
      ['run'],
      cleanEnv({ KAFKA_BROKERS: kafka.brokers.join(','), SCHEMA_REGISTRY_URL: registry.url, CRM_HUB_PORT: String(port) }),
    );
    try {
      const health = await waitForHealth(`http://127.0.0.1:${port}/health`, 60_000);
      expect(health.status, hub.stderr()).to.equal(200);
      expect(health.data).to.deep.include({ status: 'ok' });
      expect(health.data.kafka as { brokers: string[]; origin: string }).to.deep.include({ brokers: kafka.brokers, origin: 'env' });
      expect(health.data.schemaRegistry as { url: string; origin: string }).to.deep.include({ url: registry.url, origin: 'env' });
      hub.child.kill('SIGTERM');
      expect((await hub.exited).code).to.equal(0);
    } finally {
      hub.child.kill('SIGKILL');
    }
  });
});
