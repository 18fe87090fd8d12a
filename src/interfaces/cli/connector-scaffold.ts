import fs from 'node:fs/promises';
import path from 'node:path';
import { CONNECTOR_NAME_PATTERN } from '../../connect/sdk/connector-definition-check.js';
import { ConfigError } from '../../core/hub-error.js';
import { projectRoot } from '../../platform/infra/project-root.js';
import { connectorReadme, sinkIndex, sinkTest, sourceIndex, sourceTest, type ScaffoldNames } from './connector-scaffold-templates.js';

export interface ScaffoldRequest {
  name: string;
  kind: 'source' | 'sink';
  /** Folder holding connector folders; default the project's connectors/. */
  connectorsDir?: string;
}

/**
 * Writes `<connectorsDir>/<name>/` with index.ts, README.md and test/unit/<name>.test.ts, a
 * connector that type-checks and whose test passes as generated. Returns the files written.
 * Refuses a bad name or an existing folder: nothing is ever overwritten.
 */
export async function scaffoldConnector(request: ScaffoldRequest): Promise<string[]> {
  const { name, kind } = request;
  if (!CONNECTOR_NAME_PATTERN.test(name) || name.length > 63) {
    throw new ConfigError(
      'CONNECTOR_NAME_INVALID',
      `"${name}" is not a valid connector name: use lower-case letters and digits in words joined by "-", starting with a letter (e.g. erp-orders), at most 63 characters`,
    );
  }
  const connectorsDir = path.resolve(request.connectorsDir ?? path.join(projectRoot(), 'connectors'));
  const folder = path.join(connectorsDir, name);
  const testDir = path.join(folder, 'test', 'unit');
  const src = path.join(projectRoot(), 'src');
  const names: ScaffoldNames = { name, srcFromConnector: importPath(folder, src), srcFromTest: importPath(testDir, src) };
  await fs.mkdir(connectorsDir, { recursive: true });
  try {
    // Not recursive: fails when the folder exists, so a connector is never overwritten.
    await fs.mkdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new ConfigError('CONNECTOR_EXISTS', `${folder} already exists; choose another name or remove it first`, { cause: error });
    throw new ConfigError(
      'CONNECTOR_FOLDER_UNWRITABLE',
      `cannot create ${folder}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { cause: error },
    );
  }
  await fs.mkdir(testDir, { recursive: true });
  const files: [string, string][] = [
    [path.join(folder, 'index.ts'), kind === 'sink' ? sinkIndex(names) : sourceIndex(names)],
    [path.join(folder, 'README.md'), connectorReadme(names, kind)],
    [path.join(testDir, `${name}.test.ts`), kind === 'sink' ? sinkTest(names) : sourceTest(names)],
  ];
  for (const [file, text] of files) await fs.writeFile(file, text, { flag: 'wx' });
  return files.map(([file]) => file);
}

/** A relative ESM import path with forward slashes, always starting with `.`. */
function importPath(from: string, to: string): string {
  const relative = path.relative(from, to).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}
