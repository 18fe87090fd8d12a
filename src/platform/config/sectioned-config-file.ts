import { compareConfigIssues, type ConfigIssue } from './config-issue.js';
import { compileConfigSchema } from './config-schema-compiler.js';
import type { ConfigSection } from './config-section.js';
import { readConfigYaml } from './config-yaml-reader.js';
import type { EnvResolutionOptions } from './env-references.js';
import { validateAgainstSchema } from './schema-issues.js';

/** The settings each section yields, by key. */
export type SectionSettings<Sections> = { [Key in keyof Sections]: Sections[Key] extends ConfigSection<infer T, never> ? T : never };

/**
 * A config file made of top-level sections, each contributed by the subsystem it configures.
 * Top-level keys starting with `x-` are free, as in docker compose: a place for YAML anchors of
 * shared settings (`<<: *retry`).
 */
export interface SectionedConfigFile<Sections extends Record<string, ConfigSection<unknown, Context>>, Context> {
  /** In the order they are listed in the file's schema (and offered as "did you mean"). */
  sections: Sections;
  /** The whole file's schema, every section's under its key: built once, so that it is compiled once. */
  schema: object;
  /** What an empty file and a file that is no map are told, in the words of this kind of file. */
  messages: { empty: string; notAMap: string };
}

export function defineSectionedConfigFile<Context, Sections extends Record<string, ConfigSection<unknown, Context>>>(
  sections: Sections,
  messages: SectionedConfigFile<Sections, Context>['messages'],
): SectionedConfigFile<Sections, Context> {
  const properties = Object.fromEntries(Object.entries(sections).map(([key, section]) => [key, section.schema]));
  return { sections, messages, schema: { type: 'object', additionalProperties: false, patternProperties: { '^x-': {} }, properties } };
}

export interface SectionedConfigValidation<Settings> {
  /** Every issue of the file, in file order. */
  issues: ConfigIssue[];
  /** Each section's settings, as far as they could be read: absent when the file is no map of sections at all. */
  settings?: Settings;
  /** Each section's data as read, defaults applied, unchecked: for a host that sorts issues by what they concern. */
  values?: Record<string, unknown>;
  /** `${ENV}` values put into the file: whatever the field, taken for secrets (see ConfigYaml.envSecrets). */
  envSecrets: readonly string[];
}

/**
 * Checks a sectioned config text completely and reports every problem, not just the first: YAML
 * syntax, `${ENV}` references, the file's schema (defaults applied), then each section's own
 * reader, which checks what a schema cannot say and yields the section's settings.
 */
export function validateSectionedConfig<Context, Sections extends Record<string, ConfigSection<unknown, Context>>>(
  file: SectionedConfigFile<Sections, Context>,
  source: { file: string; text: string },
  context: Context,
  env: NodeJS.ProcessEnv,
  envOptions: EnvResolutionOptions = {},
): SectionedConfigValidation<SectionSettings<Sections>> {
  const yaml = readConfigYaml(source.file, source.text, env, envOptions);
  const issues = [...yaml.issues];
  const done = () => ({ issues: issues.sort(compareConfigIssues), envSecrets: yaml.envSecrets });
  if (yaml.value === undefined) return done();
  if (yaml.value === null) {
    issues.push(yaml.issueAt([], 'CONFIG_EMPTY', file.messages.empty));
    return done();
  }
  if (!isObject(yaml.value)) {
    issues.push(yaml.issueAt([], 'TYPE_MISMATCH', file.messages.notAMap));
    return done();
  }
  const root = yaml.value;
  const keys = Object.keys(file.sections);
  // The schema fills in defaults where it validates: what was spelled out is kept apart first.
  const written = new Map(keys.map((key) => [key, structuredClone(root[key])]));
  issues.push(...validateAgainstSchema(compileConfigSchema(file.schema), root, [], yaml));
  const settings: Record<string, unknown> = {};
  for (const key of keys) {
    const reading = file.sections[key]!.read({ value: root[key], written: written.get(key), path: [key], yaml }, context);
    issues.push(...reading.issues);
    settings[key] = reading.settings;
  }
  return { ...done(), settings: settings as SectionSettings<Sections>, values: Object.fromEntries(keys.map((key) => [key, root[key]])) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
