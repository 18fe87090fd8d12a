import type { ConfigIssue, ConfigPath } from './config-issue.js';
import type { ConfigYaml } from './config-yaml-reader.js';

/** What a section is read from, once the file's schema has applied its defaults. */
export interface ConfigSectionInput {
  /** The section with its schema's defaults applied (or as written, when it is not even of the right type). */
  value: unknown;
  /** The section as written in the file, before defaults: some checks care what was spelled out. */
  written: unknown;
  /** Where the section sits in the file: `[key]`. Issues are placed by full path, from the file's root. */
  path: ConfigPath;
  yaml: ConfigYaml;
}

export interface ConfigSectionReading<T> {
  issues: ConfigIssue[];
  /** The settings as the subsystem uses them; made even when there are issues (a hub may start the sound parts). */
  settings: T;
}

/**
 * A top-level section of a config file, contributed by the subsystem it configures: its JSON
 * Schema (each default declared there) and a reader for what a schema cannot say, which turns the
 * value into the subsystem's settings. `Context` is what the reader needs from its host (the
 * connector catalog, say); a section that needs nothing takes `unknown`.
 */
export interface ConfigSection<T, Context = unknown> {
  schema: object;
  read(input: ConfigSectionInput, context: Context): ConfigSectionReading<T>;
}
