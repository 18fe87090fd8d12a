import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, PROJECT_ROOT, runCli } from '../../../support/cli-process.js';
import { infrastructure } from '../../infrastructure.js';

describe('crm-hub schemas register / check against the real registry', function () {
  this.timeout(60_000);
  let changed: string;

  before(() => {
    // A copy of schemas/ with two breaking changes to Customer.
    changed = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-schemas-'));
    fs.cpSync(path.join(PROJECT_ROOT, 'schemas'), changed, { recursive: true });
    const file = path.join(changed, 'customer', 'Customer.avsc');
    const customer = JSON.parse(fs.readFileSync(file, 'utf8')) as { fields: { name: string; type: unknown; doc?: string }[] };
    customer.fields.push({ name: 'wechatId', type: 'string', doc: 'WeChat id' });
    customer.fields = customer.fields.filter((field) => field.name !== 'email');
    fs.writeFileSync(file, JSON.stringify(customer, null, 2));
  });
  after(() => fs.rmSync(changed, { recursive: true, force: true }));

  it('registers every canonical schema, then finds the shipped schemas compatible', async () => {
    const registry = infrastructure().registry.url;
    const register = await runCli(['schemas', 'register', '--registry', registry], cleanEnv({}));
    expect(register.code, register.stderr).to.equal(0);
    expect(register.stdout).to.match(/crm\.customer\.v1-value\s+crmhub\.customer\.Customer\s+id \d+/);
    const check = await runCli(['schemas', 'check', '--registry', registry], cleanEnv({}));
    expect(check.code, check.stdout + check.stderr).to.equal(0);
    expect(check.stdout).to.match(/crm\.customer\.v1-value: compatible \(BACKWARD/);
  });

  it('exits 1 on a breaking change, naming the field and the rule broken', async () => {
    const check = await runCli(['schemas', 'check', '--registry', infrastructure().registry.url, '--schemas', changed], cleanEnv({}));
    expect(check.code).to.equal(1);
    expect(check.stdout).to.contain('crm.customer.v1-value: INCOMPATIBLE under BACKWARD');
    expect(check.stdout).to.match(/\[FIELD_ADDED_WITHOUT_DEFAULT\] .*wechatId/);
    expect(check.stdout).to.match(/policy\.policy\.v1-value: compatible/);
  });

  it('finds the registry through SCHEMA_REGISTRY_URL, and says what to do when there is none', async () => {
    const viaEnv = await runCli(['schemas', 'check'], cleanEnv({ SCHEMA_REGISTRY_URL: infrastructure().registry.url }));
    expect(viaEnv.code, viaEnv.stderr).to.equal(0);
    const none = await runCli(['schemas', 'check'], cleanEnv({ CRM_HUB_URL: 'http://127.0.0.1:1' }));
    expect(none.code).to.equal(1);
    expect(none.stderr).to.contain('SCHEMA_REGISTRY_URL_MISSING').and.to.contain('--registry');
  });
});
