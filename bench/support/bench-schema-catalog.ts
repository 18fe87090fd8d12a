import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaCatalog } from '../../src/avro/schema-catalog.js';
import { projectRoot } from '../../src/infra/project-root.js';

const BENCH_SCHEMAS = fileURLToPath(new URL('../schemas/', import.meta.url));

/**
 * The project's schemas plus the benchmarks' own records (bench/schemas, namespace crmhub.bench),
 * loaded from a copy in `workDir`: the benchmarks' records never enter schemas/, so the hub, its
 * docs and its compatibility checks do not see them.
 */
export async function benchSchemaCatalog(workDir: string): Promise<SchemaCatalog> {
  const dir = path.join(workDir, 'schemas');
  await fs.cp(path.join(projectRoot(), 'schemas'), dir, { recursive: true });
  await fs.cp(BENCH_SCHEMAS, path.join(dir, 'bench'), { recursive: true });
  return SchemaCatalog.load(dir);
}
