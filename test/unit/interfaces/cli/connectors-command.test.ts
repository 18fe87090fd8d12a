import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, PROJECT_ROOT, runCli } from '../../../support/cli-process.js';

const pollerText = `export default {
  name: 'crm-poller', version: '2.1.0', kind: 'source', description: 'Polls the CRM', produces: ['crm.customer.v1', 'policy.policy.v1'],
  spec: { type: 'object', required: ['url'], properties: { url: { type: 'string', format: 'uri', description: 'Feed URL' } } },
  create: () => ({ poll: async () => ({ records: [], position: {} }) }),
};
`;

describe('crm-hub connectors', () => {
  let dir: string;
  const env = cleanEnv({ CRM_HUB_CONNECTORS_DIR: '' });

  before(async () => {
    // A folder of known connectors, so other work in progress under connectors/ cannot change the output.
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-cli-connectors-'));
    await fs.symlink(path.join(PROJECT_ROOT, 'connectors/example-echo'), path.join(dir, 'example-echo'));
    await fs.mkdir(path.join(dir, 'crm-poller'));
    await fs.writeFile(path.join(dir, 'crm-poller', 'index.ts'), pollerText);
  });

  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('lists name, kind, version, topics and description', async () => {
    const [text, json] = await Promise.all([
      runCli(['connectors', 'list', '--connectors', dir], env),
      runCli(['connectors', 'list', '--json', '--connectors', dir], env),
    ]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout.split('\n')).to.deep.equal([
      'NAME          KIND    VERSION  TOPICS                                     DESCRIPTION',
      'crm-poller    source  2.1.0    produces crm.customer.v1,policy.policy.v1  Polls the CRM',
      'example-echo  sink    1.0.0    consumes crm.customer.v1                   Reference sink: records delivered keys in memory and rejects records marked reject: true',
      '',
    ]);
    expect(json.code, json.stderr).to.equal(0);
    expect(JSON.parse(json.stdout)).to.deep.equal([
      {
        name: 'crm-poller',
        kind: 'source',
        version: '2.1.0',
        description: 'Polls the CRM',
        produces: ['crm.customer.v1', 'policy.policy.v1'],
      },
      {
        name: 'example-echo',
        kind: 'sink',
        version: '1.0.0',
        description: 'Reference sink: records delivered keys in memory and rejects records marked reject: true',
        consumes: ['crm.customer.v1'],
      },
    ]);
  });

  it('describes a connector as readable docs, or as its JSON Schema with --json', async () => {
    const [text, json] = await Promise.all([
      runCli(['connectors', 'describe', 'example-echo', '--connectors', dir], env),
      runCli(['connectors', 'describe', 'example-echo', '--json', '--connectors', dir], env),
    ]);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.include('  target: string, required, format "uri"\n');
    expect(text.stdout).to.include('    password: string, required, min length 8, secret (never shown; use ${ENV})\n');
    expect(json.code, json.stderr).to.equal(0);
    const schema = JSON.parse(json.stdout) as {
      required: string[];
      properties: Record<string, { writeOnly?: boolean; properties?: Record<string, { writeOnly?: boolean }> }>;
    };
    expect(schema.required).to.deep.equal(['target']);
    expect(schema.properties.auth?.properties?.password?.writeOnly).to.equal(true);
  });

  it('fails with the closest names for an unknown connector, and names a broken folder', async () => {
    const unknown = await runCli(['connectors', 'describe', 'example-ecko', '--connectors', dir], env);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.equal(
      'crm-hub: CONNECTOR_UNKNOWN: unknown connector "example-ecko"; did you mean "example-echo"? (known: crm-poller, example-echo)\n',
    );
    const broken = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-cli-broken-'));
    try {
      await fs.mkdir(path.join(broken, 'erp-sink'));
      await fs.writeFile(path.join(broken, 'erp-sink', 'index.ts'), pollerText);
      const result = await runCli(['connectors', 'list'], { ...env, CRM_HUB_CONNECTORS_DIR: broken });
      expect(result.code).to.equal(1);
      expect(result.stderr).to.equal(
        `crm-hub: CONNECTOR_INVALID: connector folder ${path.join(broken, 'erp-sink')}: name is "crm-poller" but the folder is "erp-sink": they must be the same\n`,
      );
    } finally {
      await fs.rm(broken, { recursive: true, force: true });
    }
  });
});
