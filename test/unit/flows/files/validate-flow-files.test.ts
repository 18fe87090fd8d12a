import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, runCli } from '../../../support/cli-process.js';

describe('crm-hub validate with flow files', () => {
  const env = cleanEnv({});
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-validate-flows-'));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('validates a folder of flows: a summary per flow, test files left out', async () => {
    const result = await runCli(['validate', 'flows/'], env);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    expect(result.stdout.split('\n')).to.deep.equal([
      'flows/claim-assessment-overdue.yaml: valid flow claim-assessment-overdue, claims.claim.v1 → crm.customer-flag.v1',
      'flows/claims-loss-ratio-flag.yaml: valid flow claims-loss-ratio-flag, claims.claim.v1 → crm.customer-flag.v1',
      'flows/complaints-per-dealer-daily.yaml: valid flow complaints-per-dealer-daily, service.request.v1 → kpi.dealer-complaints-daily.v1, dw.dealer-complaints-daily.v1',
      'flows/crm-customer-to-dw.yaml: valid flow crm-customer-to-dw, crm.customer.v1 → dw.customer.v1',
      'flows/crm-customer-to-erp.yaml: valid flow crm-customer-to-erp, crm.customer.v1 → erp.customer.v1',
      'flows/low-stock-alert.yaml: valid flow low-stock-alert, scm.inventory.v1 → service.alert.v1',
      'flows/parts-wait.yaml: valid flow parts-wait, service.request.v1, scm.reservation.v1 → service.parts-wait.v1',
      'flows/service-request-to-timeline.yaml: valid flow service-request-to-timeline, service.request.v1 → crm.timeline-event.v1',
      '',
    ]);
  });

  it('prints every issue of a flow file as file:line:column path: message and exits 1', async () => {
    const file = path.join(dir, 'crm-to-erp.yaml');
    await fs.writeFile(
      file,
      [
        'name: crm-to-erp',
        'from: crm.customer.v1',
        'steps:',
        '  - filter: status = "ACTIVE"',
        '  - map:',
        '      fields:',
        '        segment: $segmnt(10000)',
        'to: { topic: erp.customer.v1 }',
        '',
      ].join('\n'),
    );
    const result = await runCli(['validate', file], env);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.equal(`${file}:7:18 steps[1].map.fields.segment: unknown function $segmnt; did you mean $segment?\n`);
    expect(result.stderr).to.equal('1 problem found\n');
  });
});
