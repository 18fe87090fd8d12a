import { expect } from 'chai';
import type { ConfigSection } from '../../../../src/platform/config/config-section.js';
import { defineSectionedConfigFile, validateSectionedConfig } from '../../../../src/platform/config/sectioned-config-file.js';
import { secretRegistry } from '../../../../src/platform/observability/secret-registry.js';

/** A section whose reader reports what it was given, and one issue when `limit` is below `floor` (a cross-field rule). */
const limits: ConfigSection<{ limit: number; spelledOut: string[]; owner: string }, { owner: string }> = {
  schema: {
    type: 'object',
    default: {},
    properties: { limit: { type: 'integer', default: 10 }, floor: { type: 'integer', default: 1 } },
  },
  read({ value, written, path, yaml }, { owner }) {
    const settings = value as { limit: number; floor: number };
    const issues =
      settings.limit < settings.floor
        ? [yaml.issueAt([...path, 'limit'], 'VALUE_INVALID', `must be at least floor (${settings.floor})`)]
        : [];
    const spelledOut = typeof written === 'object' && written !== null ? Object.keys(written) : [];
    return { issues, settings: { limit: settings.limit, spelledOut, owner } };
  },
};
const names: ConfigSection<string[]> = {
  schema: { type: 'array', default: [], items: { type: 'string' } },
  read: ({ value }) => ({ issues: [], settings: value as string[] }),
};
const file = defineSectionedConfigFile<{ owner: string }, { limits: typeof limits; names: typeof names }>(
  { limits, names },
  { empty: 'the file is empty; expected limits', notAMap: 'must be a map with "limits:"' },
);

function validate(text: string, env: NodeJS.ProcessEnv = {}) {
  return validateSectionedConfig(file, { file: 'x.yaml', text }, { owner: 'test' }, env);
}

describe('sectioned config file', () => {
  it('builds one schema of every section under its key, with x- keys free', () => {
    expect(file.schema).to.deep.equal({
      type: 'object',
      additionalProperties: false,
      patternProperties: { '^x-': {} },
      properties: { limits: limits.schema, names: names.schema },
    });
  });

  it("gives each section's reader its value with defaults, what was written, its path and the host's context", () => {
    const { issues, settings } = validate('x-shared: &s { floor: 2 }\nlimits:\n  <<: *s\n  limit: 5\n');
    expect(issues).to.deep.equal([]);
    expect(settings).to.deep.equal({ limits: { limit: 5, spelledOut: ['floor', 'limit'], owner: 'test' }, names: [] });
  });

  it('places issues of the schema and of the readers by file position, in file order', () => {
    const { issues, settings } = validate('names: [a]\nlimits:\n  limit: 0\n  floor: 3\nlimitz: 1\n');
    expect(issues.map((issue) => `${issue.line}:${issue.column} ${issue.path} ${issue.code}`)).to.deep.equal([
      '3:10 limits.limit VALUE_INVALID',
      '5:1 limitz KEY_UNKNOWN',
    ]);
    // The settings are still read, for a host that starts the sound parts.
    expect(settings?.names).to.deep.equal(['a']);
  });

  it("says an empty file or one that is no map in the file kind's own words, with no settings", () => {
    expect(validate('')).to.deep.include({
      issues: [{ file: 'x.yaml', line: 1, column: 1, path: '', code: 'CONFIG_EMPTY', message: 'the file is empty; expected limits' }],
    });
    const list = validate('- 1\n');
    expect(list.issues.map((issue) => issue.message)).to.deep.equal(['must be a map with "limits:"']);
    expect(list.settings).to.equal(undefined);
  });

  it('hands back the ${ENV} values put in, for the caller to register as secrets, registering none itself', () => {
    const before = secretRegistry.size;
    const { envSecrets } = validate('names: ["${NAME_A}", "${NAME_B}", "${COUNT}"]\n', {
      NAME_A: 'alpha-value',
      NAME_B: 'beta-value',
      COUNT: '12',
    });
    expect(envSecrets).to.deep.equal(['alpha-value', 'beta-value']);
    expect(secretRegistry.size).to.equal(before);
  });
});
