import { formatDataPath } from '../validation/schema-issues.js';

/**
 * One problem found in a config file, precise enough for an editor to jump to and for a person to
 * fix without reading code. The CLI prints it as `file:line:column path: message`; the admin API
 * will return the same objects. Messages never carry the value found, only what was expected, so
 * that a misplaced secret cannot leak through an error.
 */
export interface ConfigIssue {
  /** The file as it was named to the loader. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Dotted path of the offending setting, e.g. `connectors.erp-main.config.url`; empty for the whole file. */
  path: string;
  code: ConfigIssueCode;
  message: string;
}

export type ConfigIssueCode =
  | 'YAML_SYNTAX'
  | 'CONFIG_EMPTY'
  | 'KEY_UNKNOWN'
  | 'REQUIRED_MISSING'
  | 'TYPE_MISMATCH'
  | 'FORMAT_MISMATCH'
  | 'ENUM_MISMATCH'
  | 'PATTERN_MISMATCH'
  | 'VALUE_INVALID'
  | 'NAME_INVALID'
  | 'CONNECTOR_UNKNOWN'
  | 'SETTING_NOT_FOR_KIND'
  | 'CRON_INVALID'
  | 'ENV_MISSING'
  | 'ENV_REFERENCE_INVALID'
  // Flow files (src/flows/flow-compiler.ts) and what their steps report while compiling.
  | 'STEP_UNKNOWN'
  | 'STEP_INVALID'
  | 'EXPRESSION_INVALID'
  | 'FIELD_UNKNOWN'
  | 'SCHEMA_UNKNOWN'
  | 'TOPIC_UNKNOWN'
  | 'NAME_DUPLICATE'
  // The customer view's segment rules (src/domain/customer-view/segments/segment-rules.ts).
  | 'SEGMENT_UNKNOWN';

/** A location inside parsed data: object keys and array indexes. */
export type ConfigPath = readonly (string | number)[];

/** `connectors.erp-main.topics[0]`; keys that are not plain words are quoted: `headers["x.y"]`. */
export function formatConfigPath(path: ConfigPath): string {
  return formatDataPath(path);
}

/** `flows/x.yaml:12:7 connectors.erp-main.config.url: must match format "uri"`. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.path === '' ? `${where} ${issue.message}` : `${where} ${issue.path}: ${issue.message}`;
}

/** File order, so that a long list reads top to bottom like the file. */
export function compareConfigIssues(a: ConfigIssue, b: ConfigIssue): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.path.localeCompare(b.path) ||
    a.message.localeCompare(b.message)
  );
}
