import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { projectRoot } from '../../src/platform/infra/project-root.js';

const BENCH_SCHEMAS = fileURLToPath(new URL('../schemas/', import.meta.url));

/** A topic as topics.json declares it. */
export interface BenchTopicDeclaration {
  record: string;
  key: string;
  format?: 'avro' | 'json';
}

/**
 * The project's schemas plus the benchmarks' own records (bench/schemas, namespace crmhub.bench)
 * and any topics a benchmark declares, loaded from a copy in `workDir`: the benchmarks' records
 * and topics never enter schemas/, so the hub, its docs and its compatibility checks do not see them.
 */
export async function benchSchemaCatalog(
  workDir: string,
  topics: Readonly<Record<string, BenchTopicDeclaration>> = {},
): Promise<SchemaCatalog> {
  const dir = path.join(workDir, 'schemas');
  await fs.cp(path.join(projectRoot(), 'schemas'), dir, { recursive: true });
  await fs.cp(BENCH_SCHEMAS, path.join(dir, 'bench'), { recursive: true });
  const file = path.join(dir, 'topics.json');
  const declared = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
  await fs.writeFile(file, JSON.stringify({ ...declared, ...topics }, null, 2));
  return SchemaCatalog.load(dir);
}
