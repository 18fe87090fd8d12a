import type { ConfigIssue } from '../../platform/config/config-issue.js';
import type { EnvResolutionOptions } from '../../platform/config/env-references.js';
import type { ConnectorCatalog } from '../../connect/sdk/connector-catalog.js';

/** What a kind of file needs to be checked; the catalog is loaded only if some file asks for it. */
export interface FileValidationContext {
  catalog(): Promise<ConnectorCatalog>;
  env: NodeJS.ProcessEnv;
  /** How `${NAME}` references are resolved; validate defers `${NAME:?why}` to the hub's start. */
  envOptions?: EnvResolutionOptions;
}

export interface FileValidation {
  issues: ConfigIssue[];
  /** One line describing a valid file. */
  summary: string;
}

/**
 * A kind of file `crm-hub validate` understands. A file is validated as the kind it most resembles
 * by its top-level keys, so that one misspelt key (`stepz:`) still has it checked as what it is
 * and told "did you mean", rather than as another kind with every key unknown.
 */
export interface ValidatedFileKind {
  name: string;
  /** The top-level keys a file of this kind may have. */
  knownKeys: readonly string[];
  /** Keys that, all present, identify the kind whatever else the file has (a flow has `name` and `from`). */
  identifyingKeys: readonly string[];
  validate(file: string, text: string, context: FileValidationContext): Promise<FileValidation>;
}
