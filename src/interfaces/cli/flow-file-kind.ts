import { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import type { CompiledFlow } from '../../flows/compiled-flow.js';
import { compileFlowFile } from '../../flows/flow-compiler.js';
import { flowFileSchema } from '../../flows/flow-file-schema.js';
import type { FlowDestination } from '../../flows/flow-message.js';
import { createStepRegistry } from '../../flows/step-registry.js';
import type { ValidatedFileKind } from './validated-file-kind.js';

let schemas: Promise<SchemaCatalog> | undefined;

/**
 * Flow files (flows/*.yaml), known by their top-level `name:` and `from:`. Checked exactly as the hub
 * compiles them at start, against the schemas of schemas/ and the built-in step types; state and
 * lookup tables are stand-ins, since only compiling is wanted.
 */
export const flowFileKind: ValidatedFileKind = {
  name: 'flow',
  knownKeys: Object.keys(flowFileSchema.properties),
  identifyingKeys: ['name', 'from'],
  async validate(file, text, context) {
    schemas ??= SchemaCatalog.load();
    const { flow, issues } = compileFlowFile(
      { file, text, env: context.env, envOptions: context.envOptions },
      {
        schemas: await schemas,
        steps: createStepRegistry(),

        table: () => ({ get: () => undefined }),
      },
    );
    if (!flow) return { issues, summary: '' };
    await flow.close();
    return { issues, summary: `${file}: valid flow ${flow.name}, ${describeFlow(flow)}` };
  },
};

function describeFlow(flow: CompiledFlow): string {
  const to = flow.to.length > 0 ? flow.to.map(describeDestination).join(', ') : 'routes';
  return `${flow.from.join(', ')} → ${to}`;
}

function describeDestination(destination: FlowDestination): string {
  return 'topic' in destination ? destination.topic : `connector:${destination.connector}`;
}
