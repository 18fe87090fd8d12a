import { expect } from 'chai';
import fs from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { PROJECT_ROOT } from '../../../support/cli-process.js';

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
}

/** The Node versions a package accepts, from its engines field (an array of "node >=x" strings in old packages). */
function nodeRange(engines: LockedPackage['engines']): string | undefined {
  if (Array.isArray(engines)) return engines.find((entry) => entry.startsWith('node'))?.replace(/^node\s*/, '');
  return engines?.node;
}

describe('Node requirement: package.json and every locked dependency agree', () => {
  it('every Node version crm-hub declares is one every dependency in package-lock.json accepts', async () => {
    const manifest = JSON.parse(await fs.readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    const lock = JSON.parse(await fs.readFile(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, LockedPackage>;
    };
    const ours = manifest.engines.node;
    expect(semver.validRange(ours), `package.json engines.node ${ours}`).to.be.a('string');
    const dependencies = Object.entries(lock.packages).filter(([location]) => location !== '');
    const declaring = dependencies.filter(([, locked]) => nodeRange(locked.engines) !== undefined);
    // The lock file records engines: were it to stop doing so, this test would check nothing.
    expect(declaring.length).to.be.greaterThan(50);
    const disagreeing = declaring
      .filter(([, locked]) => !semver.subset(ours, nodeRange(locked.engines)!, { includePrerelease: false }))
      .map(([location, locked]) => `${location.replace(/^node_modules\//, '')}@${locked.version}: node ${nodeRange(locked.engines)}`);
    expect(disagreeing, `dependencies that refuse some Node version allowed by ${ours}`).to.deep.equal([]);
  });

  it('the README states the same Node requirement', async () => {
    const readme = await fs.readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(readme).to.include('Node 20.19+, 22.13+ or 24+');
  });
});
