import type { ConfigIssue } from '../config/config-issue.js';
import { validateHubConfig } from '../config/hub-config-validation.js';
import type { ConnectorCatalog } from '../connectors/connector-catalog.js';
import { flowFileKind } from './flow-file-kind.js';

/** What a kind of file needs to be checked; the catalog is loaded only if some file asks for it. */
export interface FileValidationContext {
  catalog(): Promise<ConnectorCatalog>;
  env: NodeJS.ProcessEnv;
}

export interface FileValidation {
  issues: ConfigIssue[];
  /** One line describing a valid file. */
  summary: string;
}

/**
 * A kind of file `crm-hub validate` understands. The first kind that claims a file validates it;
 * flow files will join as another entry of FILE_KINDS, claiming files by their top-level keys.
 */
export interface ValidatedFileKind {
  name: string;
  claims(text: string): boolean;
  validate(file: string, text: string, context: FileValidationContext): Promise<FileValidation>;
}

export const hubConfigFileKind: ValidatedFileKind = {
  name: 'hub config',
  claims: (text) => /^connectors\s*:/m.test(text),
  async validate(file, text, context) {
    const { issues, config } = validateHubConfig({ file, text }, await context.catalog(), context.env);
    if (!config) return { issues, summary: '' };
    const byConnector = new Map<string, string[]>();
    for (const instance of config.connectors) {
      const names = byConnector.get(instance.connector) ?? [];
      names.push(instance.enabled ? instance.name : `${instance.name} (disabled)`);
      byConnector.set(instance.connector, names);
    }
    const count = config.connectors.length;
    const detail = [...byConnector].sort(([a], [b]) => a.localeCompare(b)).map(([connector, names]) => `${connector}: ${names.join(', ')}`);
    return { issues, summary: `${file}: valid hub config, ${count} connector instance${count === 1 ? '' : 's'}${detail.length > 0 ? ` (${detail.join('; ')})` : ''}` };
  },
};

/** In order of preference; the last one is also used for files nobody claims, so its messages say what is wrong. */
export const FILE_KINDS: readonly ValidatedFileKind[] = [flowFileKind, hubConfigFileKind];

export function fileKindFor(text: string): ValidatedFileKind {
  return FILE_KINDS.find((kind) => kind.claims(text)) ?? FILE_KINDS[FILE_KINDS.length - 1]!;
}
