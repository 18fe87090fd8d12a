import { expect } from 'chai';
import { defaultCustomerViewSettings } from '../../../src/domain/customer-view/customer-view-settings.js';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ConfigIssue } from '../../../src/platform/config/config-issue.js';
import { formatConfigIssue } from '../../../src/platform/config/config-issue.js';
import { HubConfigError } from '../../../src/platform/config/hub-config-error.js';
import { loadHubConfig } from '../../../src/hub/hub-config.js';
import { ConfigError } from '../../../src/core/hub-error.js';
import { testCatalog } from '../../support/test-connectors.js';

type Expected = Omit<ConfigIssue, 'file'>;

let dir: string;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-config-'));
});

after(() => fs.rm(dir, { recursive: true, force: true }));

/** Writes the text to a file of its own and loads it; returns the issues (none when it loads). */
async function issuesOf(text: string, env: NodeJS.ProcessEnv = {}): Promise<ConfigIssue[]> {
  const file = path.join(dir, `case-${Math.random().toString(36).slice(2)}.yaml`);
  await fs.writeFile(file, text);
  try {
    await loadHubConfig(file, testCatalog, env);
    return [];
  } catch (error) {
    if (!(error instanceof HubConfigError)) throw error;
    expect(error.issues.every((issue) => issue.file === file)).to.equal(true);
    return [...error.issues];
  }
}

function withoutFile(issues: ConfigIssue[]): Expected[] {
  return issues.map(({ file: _file, ...rest }) => rest);
}

const cases: { name: string; text: string; env?: NodeJS.ProcessEnv; issue: Expected }[] = [
  {
    name: 'unknown connector, with the closest names',
    text: ['connectors:', '  erp-main:', '    connector: exmple-echo', ''].join('\n'),
    issue: {
      line: 3,
      column: 16,
      path: 'connectors.erp-main.connector',
      code: 'CONNECTOR_UNKNOWN',
      message: 'unknown connector "exmple-echo"; did you mean "example-echo"? (known: example-echo, test-poller)',
    },
  },
  {
    name: 'unknown key, suggesting the closest known key',
    text: [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    batchsize: 50',
      '    config: { target: "https://erp.example.com" }',
      '',
    ].join('\n'),
    issue: {
      line: 4,
      column: 5,
      path: 'connectors.erp-main.batchsize',
      code: 'KEY_UNKNOWN',
      message: 'unknown key "batchsize"; did you mean "batchSize"?',
    },
  },
  {
    name: "unknown key in the connector's own config",
    text: [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    config:',
      '      target: https://erp.example.com',
      '      keycase: upper',
      '',
    ].join('\n'),
    issue: {
      line: 6,
      column: 7,
      path: 'connectors.erp-main.config.keycase',
      code: 'KEY_UNKNOWN',
      message: 'unknown key "keycase"; did you mean "keyCase"?',
    },
  },
  {
    name: 'bad format',
    text: ['connectors:', '  erp-main:', '    connector: example-echo', '    config:', '      target: not a uri', ''].join('\n'),
    issue: { line: 5, column: 15, path: 'connectors.erp-main.config.target', code: 'FORMAT_MISMATCH', message: 'must match format "uri"' },
  },
  {
    name: 'missing required setting, placed at its parent',
    text: ['connectors:', '  erp-main:', '    connector: example-echo', '    config:', '      keyCase: upper', ''].join('\n'),
    issue: { line: 4, column: 5, path: 'connectors.erp-main.config.target', code: 'REQUIRED_MISSING', message: 'is required' },
  },
  {
    name: 'missing config altogether',
    text: ['connectors:', '  erp-main:', '    connector: example-echo', ''].join('\n'),
    issue: { line: 2, column: 3, path: 'connectors.erp-main.config.target', code: 'REQUIRED_MISSING', message: 'is required' },
  },
  {
    name: 'wrong type',
    text: [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    batchSize: fifty',
      '    config: { target: "https://erp.example.com" }',
      '',
    ].join('\n'),
    issue: { line: 4, column: 16, path: 'connectors.erp-main.batchSize', code: 'TYPE_MISMATCH', message: 'must be integer' },
  },
  {
    name: 'value outside the enum',
    text: [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    config: { target: "https://erp.example.com", keyCase: Upper }',
      '',
    ].join('\n'),
    issue: {
      line: 4,
      column: 59,
      path: 'connectors.erp-main.config.keyCase',
      code: 'ENUM_MISMATCH',
      message: 'must be one of "as-is", "upper", "lower"',
    },
  },
  {
    name: 'bad cron schedule',
    text: [
      'connectors:',
      '  crm-poll:',
      '    connector: test-poller',
      '    schedule: "61 * * * *"',
      '    config: { url: "https://crm.example.com/changes" }',
      '',
    ].join('\n'),
    issue: {
      line: 4,
      column: 15,
      path: 'connectors.crm-poll.schedule',
      code: 'CRON_INVALID',
      message:
        'is not a valid cron expression: 61 is a invalid expression for minute (5 fields, or 6 with seconds first, e.g. "*/10 * * * * *")',
    },
  },
  {
    name: 'missing environment variable, at the reference itself',
    text: [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    config:',
      '      target: https://erp.example.com',
      '      auth: { user: hub, password: ${ECHO_PASSWORD} }',
      '',
    ].join('\n'),
    issue: {
      line: 6,
      column: 36,
      path: 'connectors.erp-main.config.auth.password',
      code: 'ENV_MISSING',
      message: 'environment variable ECHO_PASSWORD is not set',
    },
  },
  {
    name: 'empty environment variable',
    text: ['connectors:', '  erp-main:', '    connector: example-echo', '    config:', '      target: "${ECHO_TARGET}"', ''].join('\n'),
    env: { ECHO_TARGET: '' },
    issue: {
      line: 5,
      column: 16,
      path: 'connectors.erp-main.config.target',
      code: 'ENV_MISSING',
      message: 'environment variable ECHO_TARGET is empty',
    },
  },
  {
    name: 'sink with a schedule',
    text: [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    schedule: "*/5 * * * *"',
      '    config: { target: "https://erp.example.com" }',
      '',
    ].join('\n'),
    issue: {
      line: 4,
      column: 5,
      path: 'connectors.erp-main.schedule',
      code: 'SETTING_NOT_FOR_KIND',
      message: '"schedule" applies to source instances only; example-echo is a sink',
    },
  },
  {
    name: 'source with topics',
    text: [
      'connectors:',
      '  crm-poll:',
      '    connector: test-poller',
      '    topics: [crm.customer.v1]',
      '    config: { url: "https://crm.example.com/changes" }',
      '',
    ].join('\n'),
    issue: {
      line: 4,
      column: 5,
      path: 'connectors.crm-poll.topics',
      code: 'SETTING_NOT_FOR_KIND',
      message: '"topics" applies to sink instances only; test-poller is a source',
    },
  },
  {
    name: 'bad instance name',
    text: ['connectors:', '  ERP_main:', '    connector: example-echo', '    config: { target: "https://erp.example.com" }', ''].join('\n'),
    issue: {
      line: 2,
      column: 3,
      path: 'connectors.ERP_main',
      code: 'NAME_INVALID',
      message: 'name must match pattern "^[a-z][a-z0-9-]{0,62}$"',
    },
  },
  {
    name: 'the matching alternative of a oneOf, not all of them',
    text: [
      'connectors:',
      '  crm-poll:',
      '    connector: test-poller',
      '    config:',
      '      url: https://crm.example.com/changes',
      '      auth: { type: basic, user: hub }',
      '',
    ].join('\n'),
    issue: { line: 6, column: 7, path: 'connectors.crm-poll.config.auth.password', code: 'REQUIRED_MISSING', message: 'is required' },
  },
  {
    name: 'retry delays the wrong way round',
    text: [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    retry: { initialDelayMs: 5000, maxDelayMs: 1000 }',
      '    config: { target: "https://erp.example.com" }',
      '',
    ].join('\n'),
    issue: {
      line: 4,
      column: 48,
      path: 'connectors.erp-main.retry.maxDelayMs',
      code: 'VALUE_INVALID',
      message: 'must be at least retry.initialDelayMs (5000)',
    },
  },
  {
    name: 'YAML syntax error: an instance name used twice',
    text: ['connectors:', '  erp-main:', '    connector: example-echo', '  erp-main:', '    connector: example-echo', ''].join('\n'),
    issue: { line: 4, column: 3, path: '', code: 'YAML_SYNTAX', message: 'Map keys must be unique' },
  },
  {
    name: 'misspelt top-level key',
    text: ['conectors:', '  erp-main:', '    connector: example-echo', ''].join('\n'),
    issue: { line: 1, column: 1, path: 'conectors', code: 'KEY_UNKNOWN', message: 'unknown key "conectors"; did you mean "connectors"?' },
  },
  {
    name: 'a setting inside a shared x- block merged with <<, placed where it is written',
    text: [
      'x-shared: &retry { attempts: 0 }',
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    retry: { <<: *retry, multiplier: 2 }',
      '    config: { target: "https://erp.example.com" }',
      '',
    ].join('\n'),
    issue: { line: 1, column: 30, path: 'connectors.erp-main.retry.attempts', code: 'VALUE_INVALID', message: 'must be >= 1' },
  },
  {
    name: 'empty file',
    text: '# nothing yet\n',
    issue: {
      line: 1,
      column: 1,
      path: '',
      code: 'CONFIG_EMPTY',
      message: 'the file is empty; expected a "connectors:" map of connector instances',
    },
  },
];

describe('hub config validation', () => {
  describe('gives the exact issue for each broken file', () => {
    for (const { name, text, env, issue } of cases) {
      it(name, async () => {
        const issues = withoutFile(await issuesOf(text, env));
        expect(issues).to.deep.equal([issue]);
      });
    }
  });

  it('reports every problem of a file at once, in file order', async () => {
    const text = [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    schedule: "*/5 * * * *"',
      '    concurency: 2',
      '    config:',
      '      target: not a uri',
      '      auth: { user: hub, password: ${ECHO_PASSWORD} }',
      '  crm-poll:',
      '    connector: test-poller',
      '    schedule: every minute',
      '    config: {}',
      '  billing:',
      '    connector: billing-sink',
      '',
    ].join('\n');
    expect(withoutFile(await issuesOf(text))).to.deep.equal([
      {
        line: 4,
        column: 5,
        path: 'connectors.erp-main.schedule',
        code: 'SETTING_NOT_FOR_KIND',
        message: '"schedule" applies to source instances only; example-echo is a sink',
      },
      {
        line: 5,
        column: 5,
        path: 'connectors.erp-main.concurency',
        code: 'KEY_UNKNOWN',
        message: 'unknown key "concurency"; did you mean "concurrency"?',
      },
      { line: 7, column: 15, path: 'connectors.erp-main.config.target', code: 'FORMAT_MISMATCH', message: 'must match format "uri"' },
      {
        line: 8,
        column: 36,
        path: 'connectors.erp-main.config.auth.password',
        code: 'ENV_MISSING',
        message: 'environment variable ECHO_PASSWORD is not set',
      },
      {
        line: 11,
        column: 15,
        path: 'connectors.crm-poll.schedule',
        code: 'CRON_INVALID',
        message:
          'is not a valid cron expression: expected 5 or 6 fields but got 2 (5 fields, or 6 with seconds first, e.g. "*/10 * * * * *")',
      },
      { line: 12, column: 5, path: 'connectors.crm-poll.config.url', code: 'REQUIRED_MISSING', message: 'is required' },
      {
        line: 14,
        column: 16,
        path: 'connectors.billing.connector',
        code: 'CONNECTOR_UNKNOWN',
        message: 'unknown connector "billing-sink" (known: example-echo, test-poller)',
      },
    ]);
  });

  it('never shows a secret value in any issue or error message', async () => {
    const secrets = { ECHO_PASSWORD: 'short-7', WEBHOOK_SECRET: 'wh-secret-value-42', AUTH: 'auth-as-a-string-secret' };
    const text = [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    config:',
      '      target: https://erp.example.com',
      '      auth: { user: hub, password: ${ECHO_PASSWORD} }',
      '  crm-poll:',
      '    connector: test-poller',
      '    webhook: { secret: ${WEBHOOK_SECRET}, toleranceSeconds: ${WEBHOOK_SECRET} }',
      '    config: { url: "https://crm.example.com", auth: "${AUTH}", headers: [{ name: x, value: literal-secret-in-file, extra: 1 }] }',
      '  broken:',
      '    connector: example-echo',
      '    config: { target: "https://x.example.com", auth: { user: u, password: typed-literal-secret } ]',
      '',
    ].join('\n');
    const file = path.join(dir, 'secrets.yaml');
    await fs.writeFile(file, text);
    const [semantic, syntax] = await Promise.all([
      loadHubConfig(file, testCatalog, secrets).catch((error: unknown) => error),
      (async () => {
        await fs.writeFile(`${file}.broken`, text);
        return loadHubConfig(`${file}.broken`, testCatalog, secrets).catch((error: unknown) => error);
      })(),
    ]);
    for (const error of [semantic, syntax]) {
      expect(error).to.be.instanceOf(HubConfigError);
      const shown = `${(error as HubConfigError).message}\n${JSON.stringify((error as HubConfigError).issues)}`;
      for (const secret of [...Object.values(secrets), 'literal-secret-in-file', 'typed-literal-secret'])
        expect(shown).not.to.include(secret);
    }
    // The file has a syntax error (line 13), so only that is reported; without it the rest is checked.
    const fixed = text.replace('typed-literal-secret } ]', 'typed-literal-secret } }');
    await fs.writeFile(file, fixed);
    const error = (await loadHubConfig(file, testCatalog, secrets).catch((caught: unknown) => caught)) as HubConfigError;
    const shown = `${error.message}\n${JSON.stringify(error.issues)}`;
    expect(error.issues.map((issue) => `${issue.path}: ${issue.message}`)).to.deep.equal([
      'connectors.erp-main.config.auth.password: must NOT have fewer than 8 characters',
      'connectors.crm-poll.webhook.toleranceSeconds: must be integer (it comes from ${WEBHOOK_SECRET}, which does not read as one)',
      'connectors.crm-poll.config.auth: must be object',
      'connectors.crm-poll.config.headers[0].extra: unknown key "extra"; known keys: name, value',
    ]);
    for (const secret of [...Object.values(secrets), 'literal-secret-in-file', 'typed-literal-secret'])
      expect(shown).not.to.include(secret);
  });

  it('loads a valid file with every default applied once, env resolved and typed by the schema', async () => {
    const file = path.join(dir, 'crm-hub.yaml');
    await fs.writeFile(
      file,
      [
        'connectors:',
        '  erp-main:',
        '    connector: example-echo',
        '    batchSize: ${BATCH_SIZE}',
        '    retry: { attempts: 6, initialDelayMs: 100 }',
        '    config:',
        '      target: https://erp.example.com/api/customers',
        '      auth: { user: "$${HUB_USER}", password: ${ECHO_PASSWORD} }',
        '  crm-poll:',
        '    connector: test-poller',
        '    enabled: false',
        '    schedule: "*/10 * * * * *"',
        '    deadLetterTopic: dlq.crm',
        '    webhook: { secret: "${WEBHOOK_SECRET}" }',
        '    config:',
        '      url: https://crm.example.com/changes',
        '',
      ].join('\n'),
    );
    const config = await loadHubConfig(file, testCatalog, {
      BATCH_SIZE: '50',
      ECHO_PASSWORD: 'correct horse',
      WEBHOOK_SECRET: 'whsec-test-hub-config',
    });
    expect(config).to.deep.equal({
      file,
      connectors: [
        {
          name: 'erp-main',
          connector: 'example-echo',
          enabled: true,
          config: {
            target: 'https://erp.example.com/api/customers',
            keyCase: 'as-is',
            auth: { user: '${HUB_USER}', password: 'correct horse' },
          },
          topics: ['crm.customer.v1'],
          deadLetterTopic: 'dlq.erp-main',
          retry: { attempts: 6, initialDelayMs: 100, maxDelayMs: 30000, multiplier: 2 },
          allowPrivateNetworks: false,
          batchSize: 50,
          concurrency: 4,
          webhook: { toleranceSeconds: 300, maxBodyBytes: 1048576 },
        },
        {
          name: 'crm-poll',
          connector: 'test-poller',
          enabled: false,
          schedule: '*/10 * * * * *',
          config: { url: 'https://crm.example.com/changes', pageSize: 100 },
          deadLetterTopic: 'dlq.crm',
          retry: { attempts: 5, initialDelayMs: 200, maxDelayMs: 30000, multiplier: 2 },
          allowPrivateNetworks: false,
          batchSize: 100,
          concurrency: 4,
          // A secret of digits stays a string: only settings the schema types as numbers are converted.
          webhook: { secret: 'whsec-test-hub-config', toleranceSeconds: 300, maxBodyBytes: 1048576 },
        },
      ],
      // An absent customerView section is the documented defaults, the same as a hub without a config file.
      customerView: defaultCustomerViewSettings(),
      admin: { tokens: [], openPaths: ['/health', '/ready', '/metrics'] },
    });
  });

  it("takes shared settings from YAML merge keys, the instance's own keys winning", async () => {
    const text = [
      'connectors:',
      '  erp-main: &erp',
      '    connector: example-echo',
      '    retry: { attempts: 9, multiplier: 3 }',
      '    config: { target: "https://erp.example.com" }',
      '  erp-backup:',
      '    <<: *erp',
      '    retry: { attempts: 0 }',
      '',
    ].join('\n');
    expect(withoutFile(await issuesOf(text))).to.deep.equal([
      { line: 8, column: 24, path: 'connectors.erp-backup.retry.attempts', code: 'VALUE_INVALID', message: 'must be >= 1' },
    ]);
    const file = path.join(dir, 'merged.yaml');
    await fs.writeFile(file, text.replace('attempts: 0', 'attempts: 2'));
    const config = await loadHubConfig(file, testCatalog, {});
    expect(
      config.connectors.map((instance) => [instance.name, instance.retry.attempts, instance.retry.multiplier, instance.config.target]),
    ).to.deep.equal([
      ['erp-main', 9, 3, 'https://erp.example.com'],
      ['erp-backup', 2, 2, 'https://erp.example.com'],
    ]);
  });

  it('checks the customerView section: schema, and segment rules compiled as JSONata, each issue at its line', async () => {
    const issues = await issuesOf(
      [
        'connectors: {}',
        'customerView:',
        '  risk:',
        '    thresholds: { watch: -1 }',
        '  segments:',
        '    rules:',
        '      - { segment: GOLD, when: "annualPremium >= 10000" }',
        '      - { segment: DIAMOND, when: "annualPremum > 5" }',
        '      - { segment: SILVER, when: "productsHeld >=" }',
        '  renewals: { withinDays: 400 }',
        '',
      ].join('\n'),
    );
    const lines = issues.map((issue) => `${issue.line} ${issue.path} ${issue.code}`);
    expect(lines).to.include.members([
      '4 customerView.risk.thresholds.watch VALUE_INVALID',
      '10 customerView.renewals.withinDays VALUE_INVALID',
    ]);
    expect(lines.some((line) => line.startsWith('8 customerView.segments.rules[1].segment'))).to.equal(true, lines.join('; '));
    expect(lines.some((line) => line.startsWith('9 customerView.segments.rules[2].when EXPRESSION_INVALID'))).to.equal(
      true,
      lines.join('; '),
    );
  });

  it('formats issues as file:line:column path: message', () => {
    expect(
      formatConfigIssue({
        file: 'flows/x.yaml',
        line: 12,
        column: 7,
        path: 'connectors.erp-main.config.url',
        code: 'FORMAT_MISMATCH',
        message: 'must match format "uri"',
      }),
    ).to.equal('flows/x.yaml:12:7 connectors.erp-main.config.url: must match format "uri"');
    expect(
      formatConfigIssue({ file: 'crm-hub.yaml', line: 1, column: 1, path: '', code: 'CONFIG_EMPTY', message: 'the file is empty' }),
    ).to.equal('crm-hub.yaml:1:1 the file is empty');
  });

  it('throws a CONFIG_INVALID ConfigError listing every issue, and CONFIG_UNREADABLE for a missing file', async () => {
    const file = path.join(dir, 'two-problems.yaml');
    await fs.writeFile(file, ['connectors:', '  a:', '    connector: nope', '  b:', '    connector: nope', ''].join('\n'));
    const error = await loadHubConfig(file, testCatalog, {}).catch((caught: unknown) => caught);
    expect(error)
      .to.be.instanceOf(HubConfigError)
      .and.to.be.instanceOf(ConfigError)
      .and.include({ code: 'CONFIG_INVALID', retriable: false });
    expect((error as HubConfigError).message.split('\n')).to.have.length(3);
    expect((error as HubConfigError).message).to.include(`${file}:3:16 connectors.a.connector: unknown connector "nope"`);
    const missing = await loadHubConfig(path.join(dir, 'absent.yaml'), testCatalog, {}).catch((caught: unknown) => caught);
    expect(missing).to.be.instanceOf(ConfigError).and.include({ code: 'CONFIG_UNREADABLE' });
  });
});
