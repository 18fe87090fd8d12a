import type { ConfigIssueCode } from '../platform/config/config-issue.js';

// Every code an issue may carry: a Record over the union, so the compiler notices when one is added.
const KNOWN_CODES: Readonly<Record<ConfigIssueCode, true>> = {
  YAML_SYNTAX: true,
  CONFIG_EMPTY: true,
  KEY_UNKNOWN: true,
  REQUIRED_MISSING: true,
  TYPE_MISMATCH: true,
  FORMAT_MISMATCH: true,
  ENUM_MISMATCH: true,
  PATTERN_MISMATCH: true,
  VALUE_INVALID: true,
  NAME_INVALID: true,
  CONNECTOR_UNKNOWN: true,
  SETTING_NOT_FOR_KIND: true,
  CRON_INVALID: true,
  ENV_MISSING: true,
  ENV_REFERENCE_INVALID: true,
  STEP_UNKNOWN: true,
  STEP_INVALID: true,
  EXPRESSION_INVALID: true,
  FIELD_UNKNOWN: true,
  SCHEMA_UNKNOWN: true,
  TOPIC_UNKNOWN: true,
  NAME_DUPLICATE: true,
  SEGMENT_UNKNOWN: true,
};

function isConfigIssueCode(code: string): code is ConfigIssueCode {
  return Object.hasOwn(KNOWN_CODES, code);
}

/**
 * The issue code for a code a step reported (steps report plain strings, see flow-step.ts) or an
 * error a step threw while compiling: kept when it is one of the issue codes, else STEP_INVALID,
 * so that issue codes stay one closed set for the CLI and the API.
 */
export function flowIssueCode(code: string): ConfigIssueCode {
  return isConfigIssueCode(code) ? code : 'STEP_INVALID';
}
