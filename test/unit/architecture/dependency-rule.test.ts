import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cruise, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const CONFIG = path.resolve('.dependency-cruiser.mjs');

/** The violations the project's rule finds in a tree of `files` (path → source). */
async function violationsIn(files: Record<string, string>): Promise<IViolation[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dependency-rule-'));
  const home = process.cwd();
  try {
    fs.writeFileSync(
      path.join(root, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true },
        include: ['src/**/*.ts', 'connectors/**/*.ts'],
      }),
    );
    for (const [file, source] of Object.entries(files)) {
      fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), source);
    }
    // The rule's paths are relative to the project root, as when `npm run lint:deps` runs.
    process.chdir(root);
    const options = await extractDepcruiseOptions(CONFIG);
    const roots = ['src', 'connectors'].filter((root) => fs.existsSync(root));
    const result = await cruise(roots, { ...options, validate: true }, {}, { tsConfig: extractTSConfig('tsconfig.json') });
    if (typeof result.output === 'string') throw new Error(result.output);
    return result.output.summary.violations;
  } finally {
    process.chdir(home);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

describe('the dependency rule (.dependency-cruiser.mjs)', function () {
  this.timeout(20_000);

  it('reports an upward import and a folder cycle, naming the files, and passes a tree that keeps the layers', async () => {
    const violations = await violationsIn({
      // core importing the platform: upward.
      'src/core/retry.ts': "import { client } from '../platform/kafka/client.js';\nexport const retry = client;\n",
      // kafka → avro → kafka as folders, though no module imports itself back.
      'src/platform/kafka/client.ts': "import { serde } from '../avro/serde.js';\nexport const client = serde;\n",
      'src/platform/avro/serde.ts': "import { topic } from '../kafka/topic.js';\nexport const serde = topic;\n",
      'src/platform/kafka/topic.ts': "export const topic = 'crm.customer.v1';\n",
      // Allowed: the SDK on the platform.
      'src/connect/sdk/connector.ts': "import { topic } from '../../platform/kafka/topic.js';\nexport const connector = topic;\n",
    });
    const found = violations.map((violation) => ({ rule: violation.rule.name, from: violation.from, to: violation.to }));
    expect(found).to.deep.include({ rule: 'core-imports-nothing-of-ours', from: 'src/core/retry.ts', to: 'src/platform/kafka/client.ts' });
    const folderCycles = found.filter((violation) => violation.rule === 'no-folder-cycle');
    expect(folderCycles.map((cycle) => [cycle.from, cycle.to].sort())).to.deep.include(['src/platform/avro', 'src/platform/kafka']);
    expect(found.filter((violation) => !['core-imports-nothing-of-ours', 'no-folder-cycle'].includes(violation.rule))).to.deep.equal([]);
  });

  it('reports a module cycle and the SDK importing the connector runtime', async () => {
    const violations = await violationsIn({
      'src/connect/sdk/delivery.ts': "import { host } from '../runtime/host.js';\nexport const delivery = host;\n",
      'src/connect/runtime/host.ts': "export const host = 'runtime';\n",
      'src/flows/runner.ts': "import { step } from './step.js';\nexport const runner = () => step;\n",
      'src/flows/step.ts': "import { runner } from './runner.js';\nexport const step = () => runner;\n",
    });
    const rules = violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`);
    expect(rules).to.include('sdk-not-host: src/connect/sdk/delivery.ts → src/connect/runtime/host.ts');
    expect(rules.filter((rule) => rule.startsWith('no-module-cycle:'))).to.have.length.greaterThan(0);
  });

  it('holds a connector plugin to the SDK, core and platform, but not its tests', async () => {
    const violations = await violationsIn({
      'src/connect/runtime/host.ts': "export const host = 'runtime';\n",
      'src/connect/sdk/definition.ts': "export const definition = 'sdk';\n",
      'connectors/crm/index.ts':
        "import { definition } from '../../src/connect/sdk/definition.js';\nimport { host } from '../../src/connect/runtime/host.js';\nexport default [definition, host];\n",
      'connectors/crm/test/crm.test.ts': "import { host } from '../../../src/connect/runtime/host.js';\nexport const probe = host;\n",
    });
    const rules = violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`);
    expect(rules).to.deep.equal(['plugins-on-the-sdk: connectors/crm/index.ts → src/connect/runtime/host.ts']);
  });
});
