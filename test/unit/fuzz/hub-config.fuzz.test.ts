import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import YAML from 'yaml';
import { validateHubConfig } from '../../../src/hub/hub-config.js';
import { compileConfigSchema } from '../../../src/platform/config/config-schema-compiler.js';
import { ConnectorCatalog } from '../../../src/connect/sdk/connector-catalog.js';
import { PROJECT_ROOT } from '../../support/cli-process.js';
import { readConfigYaml } from '../../../src/platform/config/config-yaml-reader.js';
import { validateAgainstSchema } from '../../../src/platform/config/schema-issues.js';
import type { ConfigIssue } from '../../../src/platform/config/config-issue.js';
import { fuzzInput } from './fuzz-report.js';
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

  /** Every issue is placed in the file, says what is wrong and never repeats a planted secret. */
  function expectPlaced(issues: ConfigIssue[], text: string): void {
    expect(issues.length).to.be.greaterThan(0);
    const lines = text.split('\n').length;
    for (const issue of issues) {
      expect(issue.file).to.equal('crm-hub.yaml');
      expect(issue.line).to.be.at.least(1).and.at.most(lines);
      expect(issue.code).to.match(/^[A-Z_]+$/);
      expect(issue.message).to.be.a('string').and.not.equal('');
      // A planted secret never comes back in an issue.
      expect(issue.message).not.to.contain('s3cr3t-planted');
    }
  }

  async function check(text: string): Promise<void> {
    await fuzzInput('hub config files', () => {
      const validation = validateHubConfig({ file: 'crm-hub.yaml', text }, catalog, ENV);
      if (validation.config) return 'accepted';
      expectPlaced(validation.issues, text);
      return 'rejected';
    });
  }

  it('never crashes on mutated configs: each loads, or is rejected with file, line and message', async () => {
    const withSecret = `${DEMO}  planted:\n    connector: http-sink\n    config: { url: "https://erp.example.com/x", auth: { type: bearer, token: "s3cr3t-planted" } }\n`;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => check(mutatedText(withSecret, seed))),
      { seed: 20261123, numRuns: 600 },
    );
  });

  it('never crashes on arbitrary documents', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), (value) => check(YAML.stringify({ connectors: value }))),
      { seed: 3, numRuns: 300 },
    );
  });

  it("turns every connector spec's verdict on arbitrary configs into issues placed in the file: none for a valid config, at least one for an invalid one", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...catalog.names()), fc.jsonValue({ maxDepth: 4 }), async (connector, value) => {
        const validate = compileConfigSchema(catalog.get(connector).spec as object);
        await fuzzInput('connector configs', () => {
          const text = YAML.stringify({ config: value });
          const yaml = readConfigYaml('crm-hub.yaml', text, {});
          if (yaml.issues.length > 0) {
            // A string that reads as an unset ${NAME}: the reader's own issue.
            expectPlaced(yaml.issues, text);
            return 'rejected';
          }
          const config = (yaml.value as { config: unknown }).config;
          const valid = validate(structuredClone(config));
          const issues = validateAgainstSchema(validate, config, ['config'], yaml);
          if (valid) {
            expect(issues, 'a config the spec accepts').to.deep.equal([]);
            return 'accepted';
          }
          expectPlaced(issues, text);
          for (const issue of issues) expect(issue.path).to.match(/^config([.[]|$)/);
          return 'rejected';
        });
      }),
      { seed: 11, numRuns: 1000 },
    );
  });
});
