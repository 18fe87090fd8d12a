import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/platform/infra/project-root.js';

/**
 * A copy of the project's schemas/ in a temporary folder with further topics declared in its
 * topics.json, as a user adds them (e.g. `"format": "json"` topics); the caller removes the folder.
 */
export async function schemasWithTopics(
  topics: Record<string, { record: string; key: string; format?: 'avro' | 'json' }>,
): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-schemas-'));
  await fs.cp(path.join(projectRoot(), 'schemas'), dir, { recursive: true });
  const declared = JSON.parse(await fs.readFile(path.join(dir, 'topics.json'), 'utf8')) as Record<string, unknown>;
  await fs.writeFile(path.join(dir, 'topics.json'), JSON.stringify({ ...declared, ...topics }));
  return dir;
}
