import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { assetContentType, servedAssets } from '../../../../src/interfaces/dashboard/dashboard-assets.js';

describe('dashboard assets', () => {
  it('serves modules as JavaScript and the style sheet as CSS', () => {
    expect(assetContentType('dashboard.js')).to.equal('text/javascript; charset=utf-8');
    expect(assetContentType('dead-letter-detail.js')).to.equal('text/javascript; charset=utf-8');
    expect(assetContentType('dashboard.css')).to.equal('text/css; charset=utf-8');
  });

  it('serves nothing else of the folder: not the page by name, TypeScript, config, maps or hidden files', () => {
    for (const name of [
      'dashboard.html',
      'dashboard-routes.ts',
      'tsconfig.json',
      'dom.js.map',
      '.dom.js',
      'dom.mjs',
      'dom.JS',
      'Dom.js',
      'dom',
      '.js',
      '-dom.js',
      'dom-.js',
      'a--b.js',
    ])
      expect(assetContentType(name), name).to.equal(undefined);
  });

  it('refuses every name that could leave the folder', () => {
    const segment = fc.stringMatching(/^[a-z0-9.-]{0,12}$/);
    const escaping = fc
      .tuple(segment, fc.constantFrom('/', '\\', '..', '\0', '%2F', ':'), segment, fc.constantFrom('.js', '.css'))
      .map(([before, escape, after, extension]) => `${before}${escape}${after}${extension}`);
    fc.assert(
      fc.property(escaping, (name) => {
        expect(assetContentType(name), name).to.equal(undefined);
      }),
      { seed: 20261207, numRuns: 500 },
    );
  });

  it('lists only the regular .js and .css files of a folder, sorted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-dashboard-assets-'));
    try {
      for (const name of ['zeta.js', 'alpha.css', 'page.html', 'routes.ts', 'tsconfig.json', '.hidden.js'])
        fs.writeFileSync(path.join(dir, name), '');
      fs.mkdirSync(path.join(dir, 'folder.js'));
      fs.symlinkSync('/etc/hostname', path.join(dir, 'linked.js'));
      expect(await servedAssets(dir)).to.deep.equal(['alpha.css', 'zeta.js']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with the file system error when the folder cannot be read', async () => {
    const missing = path.join(os.tmpdir(), 'crm-hub-no-such-dashboard-folder', 'dashboard');
    const failure = await servedAssets(missing).then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error,
    );
    expect(failure?.code).to.equal('ENOENT');
  });
});
