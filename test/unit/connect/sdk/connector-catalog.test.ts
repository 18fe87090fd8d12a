import { expect } from 'chai';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ConnectorCatalog,
  ConnectorDefinitionError,
  connectorModuleLayout,
  UnknownConnectorError,
} from '../../../../src/connect/sdk/connector-catalog.js';
import type { ConnectorDefinition } from '../../../../src/connect/sdk/connector-definition.js';
import { PROJECT_ROOT } from '../../../support/cli-process.js';
import exampleEcho from '../../../../connectors/example-echo/index.js';

const definitionText = (name: string, extra = '') => `export default {
  name: '${name}', version: '1.0.0', kind: 'sink', description: 'test sink', consumes: ['crm.customer.v1'],
  spec: { type: 'object', properties: { url: { type: 'string' } } },
  create: () => ({ deliver: async () => [] }),
  ${extra}
};
`;

async function writeConnector(dir: string, folder: string, file: string, text: string): Promise<void> {
  await fs.mkdir(path.join(dir, folder), { recursive: true });
  await fs.writeFile(path.join(dir, folder, file), text);
}

describe('connector catalog', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-connectors-'));
  });

  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('discovers every folder with an index.ts, by its default export, without a manifest', async () => {
    await writeConnector(dir, 'orders-sink', 'index.ts', definitionText('orders-sink'));
    await writeConnector(dir, 'claims-sink', 'index.ts', definitionText('claims-sink'));
    await fs.symlink(path.join(PROJECT_ROOT, 'connectors/example-echo'), path.join(dir, 'example-echo'));
    await fs.mkdir(path.join(dir, 'shared-helpers'));
    await fs.writeFile(path.join(dir, 'shared-helpers', 'util.ts'), 'export const x = 1;\n');
    await writeConnector(dir, '.scratch', 'index.ts', 'throw new Error("never imported");\n');
    const catalog = await ConnectorCatalog.discover(dir);
    expect(catalog.names()).to.deep.equal(['claims-sink', 'example-echo', 'orders-sink']);
    expect(catalog.get('example-echo')).to.deep.include({ name: 'example-echo', version: exampleEcho.version, spec: exampleEcho.spec });
    expect(catalog.list().map((definition) => definition.kind)).to.deep.equal(['sink', 'sink', 'sink']);
  });

  it('reads dist/connectors/<name>/index.js when running compiled', async () => {
    await writeConnector(dir, 'orders-sink', 'index.js', definitionText('orders-sink'));
    await writeConnector(dir, 'orders-sink', 'README.md', '# orders-sink\n');
    // A folder without the compiled entry (tests only, say) is not a connector.
    await writeConnector(dir, 'tests-only', 'index.test.js', '');
    await fs.writeFile(path.join(dir, 'package.json'), '{"type": "module"}\n');
    const catalog = await ConnectorCatalog.discover(dir, { entryFile: 'index.js' });
    expect(catalog.names()).to.deep.equal(['orders-sink']);
  });

  it('works out from its own module URL whether it runs from source or from dist/', () => {
    const root = path.resolve('/opt/crm-hub');
    expect(connectorModuleLayout(pathToFileURL(path.join(root, 'src/connect/sdk/connector-catalog.ts')).href)).to.deep.equal({
      dir: path.join(root, 'connectors'),
      entryFile: 'index.ts',
    });
    expect(connectorModuleLayout(pathToFileURL(path.join(root, 'dist/src/connect/sdk/connector-catalog.js')).href)).to.deep.equal({
      dir: path.join(root, 'dist/connectors'),
      entryFile: 'index.js',
    });
    expect(connectorModuleLayout()).to.deep.equal({ dir: path.join(PROJECT_ROOT, 'connectors'), entryFile: 'index.ts' });
  });

  it('names every broken folder and everything wrong with it', async () => {
    await writeConnector(dir, 'good-sink', 'index.ts', definitionText('good-sink'));
    await writeConnector(dir, 'misnamed', 'index.ts', definitionText('mis-named'));
    await writeConnector(
      dir,
      'half-done',
      'index.ts',
      "export default { name: 'half-done', version: '1.0.0', kind: 'pipe', description: 'x', spec: [] };\n",
    );
    await writeConnector(
      dir,
      'typo-spec',
      'index.ts',
      definitionText('typo-spec').replace('properties: {', "requierd: ['url'], properties: {"),
    );
    await writeConnector(dir, 'no-default', 'index.ts', 'export const definition = {};\n');
    await writeConnector(dir, 'throws', 'index.ts', "throw new Error('cannot reach the vault');\n");
    const error = await ConnectorCatalog.discover(dir).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(ConnectorDefinitionError).and.include({ code: 'CONNECTOR_INVALID', retriable: false });
    const problems = (error as ConnectorDefinitionError).problems.map((problem) => ({
      folder: path.basename(problem.source),
      reasons: problem.reasons,
    }));
    expect(problems).to.deep.equal([
      {
        folder: 'half-done',
        reasons: ['kind must be "source" or "sink"', 'spec must be a JSON Schema object', 'create must be a function'],
      },
      { folder: 'misnamed', reasons: ['name is "mis-named" but the folder is "misnamed": they must be the same'] },
      { folder: 'no-default', reasons: ['has no default export (export default defineConnector({...}))'] },
      { folder: 'throws', reasons: ['index.ts cannot be imported: cannot reach the vault'] },
      { folder: 'typo-spec', reasons: ['spec is not a usable JSON Schema: strict mode: unknown keyword: "requierd"'] },
    ]);
    expect((error as Error).message).to.include(`connector folder ${path.join(dir, 'misnamed')}: name is "mis-named"`);
  });

  it('refuses a connectors folder that does not exist', async () => {
    const error = await ConnectorCatalog.discover(path.join(dir, 'absent')).catch((caught: unknown) => caught);
    expect(error).to.include({ code: 'CONNECTORS_DIR_UNREADABLE' });
  });

  it('suggests the closest names for an unknown connector', () => {
    const catalog = ConnectorCatalog.of([exampleEcho]);
    const error = (() => {
      try {
        return catalog.get('exmple-echo');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).to.be.instanceOf(UnknownConnectorError).and.include({
      code: 'CONNECTOR_UNKNOWN',
      message: 'unknown connector "exmple-echo"; did you mean "example-echo"? (known: example-echo)',
    });
    expect((error as UnknownConnectorError).suggestions).to.deep.equal(['example-echo']);
    expect(catalog.find('exmple-echo')).to.equal(undefined);
  });

  it('builds a catalog from definitions for tests, refusing duplicates and invalid ones', () => {
    expect(ConnectorCatalog.of([exampleEcho]).list()).to.deep.equal([exampleEcho]);
    expect(() => ConnectorCatalog.of([exampleEcho, exampleEcho])).to.throw(
      ConnectorDefinitionError,
      'the name "example-echo" is already taken',
    );
    expect(() => ConnectorCatalog.of([{ ...exampleEcho, create: undefined } as unknown as ConnectorDefinition])).to.throw(
      ConnectorDefinitionError,
      'create must be a function',
    );
  });
});
