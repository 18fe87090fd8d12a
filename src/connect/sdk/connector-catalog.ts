import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { closestNames } from '../../core/closest-names.js';
import { ConfigError } from '../../core/hub-error.js';
import { connectorDefinitionProblems } from './connector-definition-check.js';
import type { ConnectorDefinition } from './connector-definition.js';

/** A connector name nobody defined; the closest known names are offered because it is usually a typo. */
export class UnknownConnectorError extends ConfigError {
  readonly suggestions: readonly string[];

  constructor(name: string, known: readonly string[]) {
    const suggestions = closestNames(name, known);
    super('CONNECTOR_UNKNOWN', unknownConnectorMessage(name, known, suggestions));
    this.suggestions = suggestions;
  }
}

export function unknownConnectorMessage(name: string, known: readonly string[], suggestions = closestNames(name, known)): string {
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((suggestion) => `"${suggestion}"`).join(' or ')}?` : '';
  return `unknown connector "${name}"${hint} (known: ${known.length > 0 ? known.join(', ') : 'none'})`;
}

/** Connector folders or definitions that cannot be used, each with every reason. */
export class ConnectorDefinitionError extends ConfigError {
  readonly problems: readonly { source: string; reasons: readonly string[] }[];

  constructor(problems: readonly { source: string; reasons: readonly string[] }[]) {
    super('CONNECTOR_INVALID', problems.map((problem) => `${problem.source}: ${problem.reasons.join('; ')}`).join('\n'));
    this.problems = problems;
  }
}

export type ConnectorEntryFile = 'index.ts' | 'index.js';

/**
 * Where connectors live for code loaded from `moduleUrl`. From source (tsx) that is `connectors/`
 * with `index.ts` files; from the compiled tree it is `dist/connectors/` with `index.js`. tsc keeps
 * the layout (rootDir is the project), so both are `../../../connectors` from this module's folder.
 */
export function connectorModuleLayout(moduleUrl: string = import.meta.url): { dir: string; entryFile: ConnectorEntryFile } {
  const modulePath = fileURLToPath(moduleUrl);
  return {
    dir: path.resolve(path.dirname(modulePath), '../../../connectors'),
    entryFile: modulePath.endsWith('.ts') ? 'index.ts' : 'index.js',
  };
}

/**
 * The connectors this hub knows, by name. Found by looking at folders, not by a hand-kept list or
 * by modules registering themselves on import: a connector is a folder with an entry file whose
 * default export is its definition.
 */
export class ConnectorCatalog {
  private readonly byName: ReadonlyMap<string, ConnectorDefinition>;

  private constructor(definitions: ReadonlyMap<string, ConnectorDefinition>) {
    this.byName = definitions;
  }

  /** Every folder of `dir` holding the entry file; one error lists every broken folder. */
  static async discover(dir?: string, options: { entryFile?: ConnectorEntryFile } = {}): Promise<ConnectorCatalog> {
    const layout = connectorModuleLayout();
    const root = path.resolve(dir ?? layout.dir);
    const entryFile = options.entryFile ?? layout.entryFile;
    let entries: string[];
    try {
      entries = (await fs.readdir(root)).filter((entry) => !entry.startsWith('.')).sort();
    } catch (error) {
      throw new ConfigError(
        'CONNECTORS_DIR_UNREADABLE',
        `cannot read the connectors folder ${root}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        { cause: error },
      );
    }
    const definitions = new Map<string, ConnectorDefinition>();
    const problems: { source: string; reasons: string[] }[] = [];
    for (const folder of entries) {
      const entry = path.join(root, folder, entryFile);
      if (!(await isFile(entry))) continue;
      const source = `connector folder ${path.join(root, folder)}`;
      let exported: unknown;
      try {
        exported = ((await import(pathToFileURL(entry).href)) as { default?: unknown }).default;
      } catch (error) {
        problems.push({ source, reasons: [`${entryFile} cannot be imported: ${firstLine(error)}`] });
        continue;
      }
      const reasons = connectorDefinitionProblems(exported, folder);
      if (reasons.length > 0) problems.push({ source, reasons });
      else definitions.set(folder, exported as ConnectorDefinition);
    }
    if (problems.length > 0) throw new ConnectorDefinitionError(problems);
    return new ConnectorCatalog(definitions);
  }

  /** A catalog of exactly these definitions (tests, embedding). */
  static of(definitions: readonly ConnectorDefinition[]): ConnectorCatalog {
    const byName = new Map<string, ConnectorDefinition>();
    const problems: { source: string; reasons: string[] }[] = [];
    definitions.forEach((definition, index) => {
      const source = `definition #${index}${typeof definition?.name === 'string' ? ` ("${definition.name}")` : ''}`;
      const reasons = connectorDefinitionProblems(definition);
      if (reasons.length === 0 && byName.has(definition.name)) reasons.push(`the name "${definition.name}" is already taken`);
      if (reasons.length > 0) problems.push({ source, reasons });
      else byName.set(definition.name, definition);
    });
    if (problems.length > 0) throw new ConnectorDefinitionError(problems);
    return new ConnectorCatalog(new Map([...byName].sort(([a], [b]) => a.localeCompare(b))));
  }

  /** Throws UnknownConnectorError (CONNECTOR_UNKNOWN) naming the closest known names. */
  get(name: string): ConnectorDefinition {
    const definition = this.byName.get(name);
    if (!definition) throw new UnknownConnectorError(name, this.names());
    return definition;
  }

  find(name: string): ConnectorDefinition | undefined {
    return this.byName.get(name);
  }

  /** By name. */
  list(): ConnectorDefinition[] {
    return [...this.byName.values()];
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
