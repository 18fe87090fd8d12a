import fs from 'node:fs/promises';
import path from 'node:path';
import { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { projectRoot } from '../../src/platform/infra/project-root.js';

/** A topic as topics.json declares it: the record its values hold and its key field. */
export interface BenchTopic {
  record: string;
  key: string;
}

/**
 * The project's schemas with further canonical topics, loaded from a copy in `dir`. A source
 * writes only to canonical topics (their record and key come from topics.json); benchmark topics
 * with unique names keep a benchmark's records off the hub's real topics and away from the next
 * benchmark, while schemas/ itself is left as it is.
 */
export async function catalogWithTopics(dir: string, topics: Readonly<Record<string, BenchTopic>>): Promise<SchemaCatalog> {
  await fs.cp(path.join(projectRoot(), 'schemas'), dir, { recursive: true });
  const file = path.join(dir, 'topics.json');
  const declared = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  await fs.writeFile(file, JSON.stringify({ ...declared, ...topics }, null, 2));
  return SchemaCatalog.load(dir);
}
