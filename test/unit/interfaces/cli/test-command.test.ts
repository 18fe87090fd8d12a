import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createStepRegistry } from '../../../../src/flows/step-registry.js';
import { cleanEnv, PROJECT_ROOT, runCli } from '../../../support/cli-process.js';

const CUSTOMER = [
  'records:',
  '  customer: &customer',
  '    meta: { eventId: e-1, eventType: CustomerUpdated, sourceSystem: crm, occurredAt: "2026-11-23T08:30:00.000Z", correlationId: c-1 }',
  '    customerId: C440300000123',
  '    customerType: PERSON',
  '    fullName: 张伟',
  '    idType: RESIDENT_ID',
  '    idNumber: "440305198503120132"',
  '    gender: MALE',
  '    phones: []',
  '    addresses: []',
  '    valueSegment: PLATINUM',
  '    status: ACTIVE',
  '    createdAt: "2019-06-01T02:15:30.000Z"',
  '    updatedAt: "2026-11-23T08:29:58.123Z"',
];

describe('crm-hub test', () => {
  const env = cleanEnv({});
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-cli-test-'));
    await fs.copyFile(path.join(PROJECT_ROOT, 'flows/crm-customer-to-erp.yaml'), path.join(dir, 'crm-customer-to-erp.yaml'));
    await fs.writeFile(
      path.join(dir, 'crm-customer-to-erp.test.yaml'),
      [
        'flow: crm-customer-to-erp.yaml',
        ...CUSTOMER,
        'cases:',
        '  - name: platinum customers go to the ERP and its priority desk',
        '    input: [{ value: *customer }]',
        '    expect:',
        '      erp.customer.v1: [{ key: C440300000123, value: { name: 张伟 } }]',
        '      "connector:erp-priority": [{ key: C440300000123 }]',
        '  - name: expects another name, a billing address, no priority copy and a dead letter',
        '    input: [{ value: *customer }]',
        '    expect:',
        '      erp.customer.v1: [{ key: C440300000123, value: { name: 王秀英, billingAddress: { city: 深圳市 } } }]',
        '      deadLetters: [{ code: FLOW_VALIDATION_FAILED, step: "steps[1].validate" }]',
        '  - name: an input its topic refuses',
        '    input: [{ value: { <<: *customer, status: UNKNOWN } }]',
        '    expect: {}',
        '',
      ].join('\n'),
    );
    // A flow that maps without naming the schema: only encoding its output shows the mistake.
    await fs.writeFile(
      path.join(dir, 'unfit.yaml'),
      [
        'name: unfit',
        'from: crm.customer.v1',
        'steps:',
        '  - map: { erpCustomerId: customerId, name: fullName }',
        'to: { topic: erp.customer.v1 }',
        '',
      ].join('\n'),
    );
    await fs.writeFile(
      path.join(dir, 'unfit.test.yaml'),
      [
        'flow: unfit.yaml',
        ...CUSTOMER,
        'cases:',
        '  - name: its output reaches the ERP topic',
        '    input: [{ value: *customer }]',
        '    expect:',
        '      erp.customer.v1: [{ key: C440300000123 }]',
        '',
      ].join('\n'),
    );
  });

  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('runs the tests of the shipped flows (default flows/) and exits 0', async () => {
    const result = await runCli(['test'], env);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    expect(result.stdout).to.include(
      'flows/crm-customer-to-erp.test.yaml (flow crm-customer-to-erp)\n  ✓ an active customer goes to the ERP customer master',
    );
    expect(result.stdout).not.to.include('✗');
    expect(result.stdout).to.match(/\n\d+ passed, 0 failed\n$/);
    expect((await runCli(['test', 'flows/'], env)).stdout).to.equal(result.stdout);
  });

  it('prints what differs per destination, with paths, and exits 1', async () => {
    const result = await runCli(['test', dir], env);
    expect(result.code).to.equal(1);
    const testFile = path.join(dir, 'crm-customer-to-erp.test.yaml');
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 11)).to.deep.equal([
      `${testFile} (flow crm-customer-to-erp)`,
      '  ✓ platinum customers go to the ERP and its priority desk',
      '  ✗ expects another name, a billing address, no priority copy and a dead letter',
      '      erp.customer.v1[0].value.name: expected "王秀英", got "张伟"',
      '      erp.customer.v1[0].value.billingAddress: expected a map, got null',
      '      connector:erp-priority: expected nothing (the case does not name it), got 1 message',
      lines[6],
      '      deadLetters: expected 1 dead letter, got 0',
      '        expected [0] code "FLOW_VALIDATION_FAILED" step "steps[1].validate"',
      '  ✗ an input its topic refuses',
      `      ${testFile}:29:22 cases[2].input[0].value: not a valid crmhub.customer.Customer for crm.customer.v1: status: expected crmhub.customer.CustomerStatus, got "UNKNOWN"`,
    ]);
    expect(lines[6]).to.match(/^ {8}got \[0\] key "C440300000123" value \{"meta":/);
    expect(lines.slice(11, 16)).to.deep.equal([
      `${path.join(dir, 'unfit.test.yaml')} (flow unfit)`,
      '  ✗ its output reaches the ERP topic',
      '      erp.customer.v1: expected 1 message, got 0',
      '        expected [0] key "C440300000123"',
      '      deadLetters: expected 0 dead letters, got 1',
    ]);
    expect(lines[16]).to.match(
      /^ {8}got \[0\] key "C440300000123" code "AVRO_VALUE_INVALID" step "to erp.customer.v1" message "flow unfit to erp.customer.v1: value does not match crmhub.erp.ErpCustomer: meta: /,
    );
    expect(lines.slice(17)).to.deep.equal(['1 passed, 3 failed', '']);
  });

  it('names a test file whose flow does not compile, and fails', async () => {
    const file = path.join(dir, 'broken', 'broken.test.yaml');
    await fs.mkdir(path.dirname(file));
    await fs.writeFile(
      path.join(dir, 'broken', 'broken.yaml'),
      ['name: broken', 'from: crm.customer.v1', 'steps:', '  - fitler: status = "ACTIVE"', 'to: { topic: crm.customer.v1 }', ''].join('\n'),
    );
    await fs.writeFile(file, ['flow: broken.yaml', 'cases:', '  - name: never runs', '    input: []', '    expect: {}', ''].join('\n'));
    const result = await runCli(['test', file], env);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal(
      [
        `${file}`,
        '  ✗ cannot run:',
        `      ${path.join(dir, 'broken', 'broken.yaml')}:4:5 steps[0].fitler: unknown step type "fitler"; did you mean "filter"? (known: ${createStepRegistry().types().sort().join(', ')})`,
        '0 passed, 1 failed',
        '',
      ].join('\n'),
    );
  });

  it('fails when there is no test to run', async () => {
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-cli-test-empty-'));
    const result = await runCli(['test', empty], env);
    await fs.rm(empty, { recursive: true, force: true });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.equal(`no flow tests (*.test.yaml) in ${empty}\n`);
  });
});
