import type { Command } from 'commander';
import type { CompatibilityLevel } from '../../platform/avro/schema-compatibility.js';
import { projectRoot } from '../../platform/infra/project-root.js';
import { redactUrl } from '../../platform/observability/redact-url.js';
import { alignColumns } from './text-columns.js';
import path from 'node:path';

interface SchemaOptions {
  schemas?: string;
  registry?: string;
  json?: boolean;
}

/** The Avro and registry modules, loaded when a subcommand runs rather than for `--help`. */
async function schemaTools() {
  const [catalog, registration, compatibility, client, registryUrl] = await Promise.all([
    import('../../platform/avro/schema-catalog.js'),
    import('../../platform/avro/canonical-schema-registration.js'),
    import('../../platform/avro/schema-compatibility.js'),
    import('../../platform/avro/schema-registry-client.js'),
    import('./registry-url-resolution.js'),
  ]);
  return { ...catalog, ...registration, ...compatibility, ...client, ...registryUrl };
}

function schemasDir(options: SchemaOptions): string {
  return path.resolve(options.schemas ?? process.env.CRM_HUB_SCHEMAS_DIR ?? path.join(projectRoot(), 'schemas'));
}

export function addSchemasCommand(program: Command): void {
  const schemas = program.command('schemas').description('Avro schemas of the canonical topics: list, register, check compatibility');
  const common = (command: Command) => command.option('--schemas <dir>', 'schema folder (default: the project schemas/)');
  const withRegistry = (command: Command) =>
    command.option('--registry <url>', "Confluent-compatible registry URL (default: SCHEMA_REGISTRY_URL, else the running hub's)");

  common(schemas.command('list'))
    .description('list canonical topics with their record, key, file and personal fields')
    .option('--json', 'print JSON')
    .action(async (options: SchemaOptions) => {
      const { SchemaCatalog } = await schemaTools();
      const catalog = await SchemaCatalog.load(schemasDir(options));
      const rows = catalog.topics().map((info) => ({
        ...info,
        file: path.relative(process.cwd(), catalog.sourceFile(info.record)),
        pii: catalog.piiPaths(info.record),
      }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const line of alignColumns(
        rows.map((row) => [
          row.topic,
          row.record,
          `key=${row.key}`,
          row.file,
          `(${row.pii.length} personal field${row.pii.length === 1 ? '' : 's'})`,
        ]),
      ))
        process.stdout.write(`${line}\n`);
    });

  withRegistry(common(schemas.command('register')))
    .description('create the canonical subjects (<topic>-value) and register every schema')
    .action(async (options: SchemaOptions) => {
      const { SchemaCatalog, SchemaRegistryClient, resolveRegistryUrl, registerCanonicalSchemas } = await schemaTools();
      const catalog = await SchemaCatalog.load(schemasDir(options));
      const registry = new SchemaRegistryClient(await resolveRegistryUrl(options.registry, process.env));
      const registered = await registerCanonicalSchemas(catalog, undefined, registry);
      for (const line of alignColumns(registered.map((entry) => [entry.subject, entry.record, `id ${entry.id}`])))
        process.stdout.write(`${line}\n`);
      process.stdout.write(`registered ${registered.length} schemas at ${redactUrl(registry.url)}\n`);
    });

  withRegistry(common(schemas.command('check')))
    .description("check every schema against what the registry holds, at each subject's compatibility level; exit 1 on a breaking change")
    .action(async (options: SchemaOptions) => {
      const { SchemaCatalog, SchemaRegistryClient, resolveRegistryUrl, valueSubject, checkCompatibility } = await schemaTools();
      const catalog = await SchemaCatalog.load(schemasDir(options));
      const registry = new SchemaRegistryClient(await resolveRegistryUrl(options.registry, process.env));
      let broken = 0;
      for (const info of catalog.topics()) {
        const subject = valueSubject(info.topic);
        const candidate = catalog.registrySchema(info.record);
        const versions = await registry.versions(subject);
        if (versions.length === 0) {
          process.stdout.write(`${subject}: new subject, nothing to be compatible with\n`);
          continue;
        }
        const level: CompatibilityLevel = await registry.compatibility(subject);
        const existing = await Promise.all(
          versions.map(async (version) => ({ version, schema: (await registry.version(subject, version)).schema })),
        );
        const issues = checkCompatibility(candidate, existing, level);
        // The registry's own verdict too: it is the one that will accept or refuse the schema.
        const registrySays = level === 'NONE' ? true : await registry.isCompatible(subject, candidate);
        if (issues.length === 0 && registrySays) {
          process.stdout.write(`${subject}: compatible (${level}, ${versions.length} version${versions.length === 1 ? '' : 's'})\n`);
          continue;
        }
        broken++;
        process.stdout.write(
          `${subject}: INCOMPATIBLE under ${level} (${path.relative(process.cwd(), catalog.sourceFile(info.record))})\n`,
        );
        for (const issue of issues) process.stdout.write(`  [${issue.rule}] ${issue.message}\n`);
        if (issues.length === 0)
          process.stdout.write("  the registry refuses it, though no field-level rule was found here; see the registry's log\n");
      }
      if (broken > 0) {
        process.stdout.write(`${broken} subject${broken === 1 ? '' : 's'} would break existing consumers or producers\n`);
        process.exitCode = 1;
      }
    });
}
