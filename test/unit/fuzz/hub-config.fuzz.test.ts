import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import YAML from 'yaml';
import { validateHubConfig } from '../../../src/platform/config/hub-config-validation.js';
import { compileConfigSchema } from '../../../src/platform/config/config-schema-compiler.js';
import { ConnectorCatalog } from '../../../src/connect/sdk/connector-catalog.js';
import { PROJECT_ROOT } from '../../support/cli-process.js';
import { noteFuzzInput } from './fuzz-report.js';
import { mutatedText } from './text-mutations.js';

const DEMO = fs.readFileSync(path.join(PROJECT_ROOT, 'config', 'demo.crm-hub.yaml'), 'utf8');
const ENV = {
  DEMO_CRM_URL: 'http://127.0.0.1:1',
  DEMO_TOKEN: 't',
  DEMO_POLICY_FEED_URL: 'http://127.0.0.1:2/feed',
  DEMO_CLAIMS_FEED_URL: 'http://127.0.0.1:3/feed',
  DEMO_SCM_URL: 'http://127.0.0.1:4',
  DEMO_DESK_URL: 'http://127.0.0.1:5',
  DEMO_ERP_URL: 'http://127.0.0.1:6',
  DEMO_ERP_COMPANY: '3100',
  DEMO_WEBHOOK_SECRET: 'fuzz-webhook-secret',
};

describe('fuzzing: hub config files and connector configs', function () {
  this.timeout(120_000);
  let catalog: ConnectorCatalog;
  before(async () => {
    catalog = await ConnectorCatalog.discover();
  });

  function check(text: string): void {
    const validation = validateHubConfig({ file: 'crm-hub.yaml', text }, catalog, ENV);
    if (validation.config) {
      noteFuzzInput('hub config files', 'accepted');
      return;
    }
    expect(validation.issues.length).to.be.greaterThan(0);
    for (const issue of validation.issues) {
      expect(issue.file).to.equal('crm-hub.yaml');
      expect(issue.line).to.be.at.least(1);
      expect(issue.message).to.be.a('string').and.not.equal('');
      // A planted secret never comes back in an issue.
      expect(issue.message).not.to.contain('s3cr3t-planted');
    }
    noteFuzzInput('hub config files', 'rejected');
  }

  it('never crashes on mutated configs: each loads, or is rejected with file, line and message', () => {
    const withSecret = `${DEMO}  planted:\n    connector: http-sink\n    config: { url: "https://erp.example.com/x", auth: { type: bearer, token: "s3cr3t-planted" } }\n`;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => check(mutatedText(withSecret, seed))),
      { seed: 20261123, numRuns: 600 },
    );
  });

  it('never crashes on arbitrary documents', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => check(YAML.stringify({ connectors: value }))),
      { seed: 3, numRuns: 300 },
    );
  });

  it("checks arbitrary config objects against every connector's spec without throwing", () => {
    const specs = catalog.names().map((name) => compileConfigSchema(catalog.get(name).spec as object));
    fc.assert(
      fc.property(fc.constantFrom(...specs), fc.jsonValue({ maxDepth: 4 }), (validate, value) => {
        const copy = structuredClone(value);
        const ok = validate(copy);
        noteFuzzInput('connector configs', ok ? 'accepted' : 'rejected');
        if (!ok) expect(validate.errors?.length).to.be.greaterThan(0);
      }),
      { seed: 11, numRuns: 1000 },
    );
  });
});
