import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import axios from 'axios';
import { expect } from 'chai';
import express from 'express';
import fc from 'fast-check';
import { apiRouter } from '../../../../src/interfaces/api/api-router.js';
import { ApiTokens, sha256Hex } from '../../../../src/interfaces/api/api-tokens.js';
import { dashboardAssetsDir, dashboardRoutes } from '../../../../src/interfaces/dashboard/dashboard-routes.js';
import { createLogger } from '../../../../src/platform/observability/logger.js';

interface GraphNode {
  id: string;
  kind: 'source' | 'sink' | 'flow' | 'processor' | 'topic';
  name: string;
}
interface Placed {
  x: number;
  y: number;
  width: number;
  height: number;
  layer: number;
}
type LayoutGraph = (
  nodes: GraphNode[],
  edges: { from: string; to: string }[],
) => { positions: Map<string, Placed>; width: number; height: number };

async function serve(app: express.Express): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function mount(options: { dir?: string } = {}): express.Express {
  const app = express();
  const tokens = new ApiTokens([{ name: 'viewer-one', role: 'viewer', sha256: sha256Hex('viewer-token') }]);
  app.use(apiRouter(dashboardRoutes(options), { tokens, openPaths: new Set() }, createLogger({ level: 'error' })));
  return app;
}

describe('dashboard routes', () => {
  let server: { base: string; close(): Promise<void> };
  before(async () => {
    server = await serve(mount());
  });
  after(() => server.close());

  it('serves the page without a token, locked to its own script, style and API', async () => {
    const page = await axios.get(`${server.base}/dashboard`);
    expect(page.headers['content-type']).to.match(/^text\/html/);
    const policy = String(page.headers['content-security-policy']);
    expect(policy).to.contain("script-src 'self'").and.to.contain("connect-src 'self'").and.to.contain("form-action 'none'");
    expect(page.headers['x-frame-options']).to.equal('DENY');
    expect(page.data).to.contain('id="token-dialog"');
    // Everything the page loads is served here: no CDN, no other origin.
    const references = [...String(page.data).matchAll(/(?:src|href)="([^"#]+)"/g)]
      .map((match) => match[1]!)
      .filter((reference) => !reference.startsWith('data:'));
    expect(references).to.have.members(['/dashboard/dashboard.css', '/dashboard/dashboard.js']);
    for (const reference of references) expect((await axios.get(`${server.base}${reference}`)).status, reference).to.equal(200);
  });

  it('serves the modules and style with their types, and nothing else from the folder', async () => {
    const script = await axios.get(`${server.base}/dashboard/dashboard.js`);
    expect(script.headers['content-type']).to.match(/^text\/javascript/);
    expect(script.headers['x-content-type-options']).to.equal('nosniff');
    expect((await axios.get(`${server.base}/dashboard/dashboard.css`)).headers['content-type']).to.match(/^text\/css/);
    const refused = [
      'dashboard-routes.ts',
      'dashboard-assets.ts',
      'tsconfig.json',
      'dashboard.html',
      'nope.js',
      'Dashboard.js',
      'dom.js.map',
      '.dom.js',
      '..%2Fpackage.json',
      '..%2F..%2F..%2F..%2Fpackage.json',
      '%2E%2E%2F..%2F..%2F..%2Fpackage.json',
      '..%5C..%5C..%5C..%5Cpackage.json',
      '%2Fetc%2Fpasswd',
      '.%2Fdashboard.js',
      'dashboard.js%00.css',
    ];
    for (const name of refused) {
      const answer = await axios.get(`${server.base}/dashboard/${name}`, { validateStatus: () => true });
      expect(answer.status, name).to.equal(404);
      expect(answer.headers['content-type'], name).to.match(/^application\/json/);
      expect(answer.data.error.code, name).to.equal('DASHBOARD_ASSET_UNKNOWN');
    }
  });

  it('serves every module the page imports, from the entry module on, as JavaScript', async () => {
    const seen = new Set<string>();
    const pending = ['dashboard.js'];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      if (seen.has(name)) continue;
      seen.add(name);
      const answer = await axios.get(`${server.base}/dashboard/${name}`, { responseType: 'text', validateStatus: () => true });
      expect(answer.status, name).to.equal(200);
      expect(answer.headers['content-type'], name).to.match(/^text\/javascript/);
      const text = String(answer.data);
      expect(text.startsWith('// @ts-check\n'), `${name} is type-checked`).to.equal(true);
      // Every import of a module is a sibling module named with its extension, as a browser needs it.
      for (const [, specifier] of text.matchAll(/^import [^;]*? from '([^']+)';$/gm)) {
        expect(specifier, `${name} imports ${specifier}`).to.match(/^\.\/[a-z0-9-]+\.js$/);
        pending.push(specifier!.slice(2));
      }
    }
    // No module of the folder is left out of the page, and none is missing from it.
    expect([...seen].sort()).to.deep.equal(
      fs
        .readdirSync(dashboardAssetsDir())
        .filter((name) => name.endsWith('.js'))
        .sort(),
    );
  });

  it('names the missing folder when an installation lacks the page', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-no-dashboard-'));
    const broken = await serve(mount({ dir: empty }));
    const gone = await serve(mount({ dir: path.join(empty, 'gone') }));
    try {
      const answer = await axios.get(`${broken.base}/dashboard`, { validateStatus: () => true });
      expect(answer.status).to.equal(500);
      expect(answer.data.error.code).to.equal('DASHBOARD_ASSET_MISSING');
      expect(answer.data.error.message).to.contain(empty);
      // A folder without the module: the name is not served. No folder at all: the installation lacks it.
      const module = await axios.get(`${broken.base}/dashboard/dashboard.js`, { validateStatus: () => true });
      expect([module.status, module.data.error.code]).to.deep.equal([404, 'DASHBOARD_ASSET_UNKNOWN']);
      const folder = await axios.get(`${gone.base}/dashboard/dashboard.js`, { validateStatus: () => true });
      expect([folder.status, folder.data.error.code]).to.deep.equal([500, 'DASHBOARD_ASSET_MISSING']);
      expect(folder.data.error.message).to.contain(path.join(empty, 'gone'));
    } finally {
      await broken.close();
      await gone.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('finds its files from the project root, so that src/ and dist/ serve the same page', () => {
    const files = fs.readdirSync(dashboardAssetsDir());
    expect(files).to.include.members(['dashboard.html', 'dashboard.js', 'dashboard.css', 'tsconfig.json']);
    // Besides the page, its modules and style, the folder holds only the hub's own TypeScript and the modules' tsconfig.
    expect(files.filter((name) => !/\.(ts|js|css)$/.test(name)).sort()).to.deep.equal(['dashboard.html', 'tsconfig.json']);
  });

  it('loads no third-party code: the modules and style name no other origin', () => {
    const names = fs.readdirSync(dashboardAssetsDir()).filter((name) => /\.(js|css|html)$/.test(name));
    expect(names.length).to.be.above(3);
    for (const name of names) {
      const text = fs.readFileSync(path.join(dashboardAssetsDir(), name), 'utf8');
      expect(text.match(/https?:\/\/(?!www\.w3\.org\/2000\/svg)[^\s'"`)]+/g), name).to.equal(null);
      expect(text, name).not.to.match(/\binnerHTML\b|\bouterHTML\b|insertAdjacentHTML|document\.write/);
    }
  });
});

describe('dashboard graph layout', () => {
  let layoutGraph: LayoutGraph;
  before(async () => {
    // The page's own module, which touches no DOM.
    ({ layoutGraph } = (await import(pathToFileURL(path.join(dashboardAssetsDir(), 'graph-layout.js')).href)) as {
      layoutGraph: LayoutGraph;
    });
  });

  const overlapping = (positions: Map<string, Placed>) => {
    const placed = [...positions.entries()];
    return placed.flatMap(([a, p], i) =>
      placed
        .slice(i + 1)
        .filter(([, q]) => p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height)
        .map(([b]) => `${a} / ${b}`),
    );
  };

  it('draws sources on the left, sinks in the last column, every part right of what feeds it', () => {
    const nodes: GraphNode[] = [
      { id: 'connector:crm', kind: 'source', name: 'crm' },
      { id: 'topic:crm.customer.v1', kind: 'topic', name: 'crm.customer.v1' },
      { id: 'flow:to-erp', kind: 'flow', name: 'to-erp' },
      { id: 'topic:erp.customer.v1', kind: 'topic', name: 'erp.customer.v1' },
      { id: 'connector:erp', kind: 'sink', name: 'erp' },
      { id: 'connector:crm-golden', kind: 'sink', name: 'crm-golden' },
      { id: 'processor:identity', kind: 'processor', name: 'identity' },
      { id: 'topic:customer.golden.v1', kind: 'topic', name: 'customer.golden.v1' },
    ];
    const edges = [
      { from: 'connector:crm', to: 'topic:crm.customer.v1' },
      { from: 'topic:crm.customer.v1', to: 'flow:to-erp' },
      { from: 'flow:to-erp', to: 'topic:erp.customer.v1' },
      { from: 'topic:erp.customer.v1', to: 'connector:erp' },
      { from: 'topic:crm.customer.v1', to: 'processor:identity' },
      { from: 'processor:identity', to: 'topic:customer.golden.v1' },
      { from: 'topic:customer.golden.v1', to: 'connector:crm-golden' },
      { from: 'topic:nowhere', to: 'connector:erp' },
    ];
    const { positions, width } = layoutGraph(nodes, edges);
    const layer = (id: string) => positions.get(id)!.layer;
    expect(layer('connector:crm')).to.equal(0);
    expect(layer('topic:crm.customer.v1')).to.equal(1);
    expect([layer('flow:to-erp'), layer('processor:identity')]).to.deep.equal([2, 2]);
    expect([layer('connector:erp'), layer('connector:crm-golden')]).to.deep.equal([4, 4]);
    expect(width).to.be.at.least(positions.get('connector:erp')!.x + positions.get('connector:erp')!.width);
    expect(overlapping(positions)).to.deep.equal([]);
  });

  it('places every node of any graph without overlaps, edges of an acyclic graph going left to right', () => {
    const kinds = ['source', 'topic', 'flow', 'processor', 'sink'] as const;
    const graph = fc.integer({ min: 1, max: 14 }).chain((size) =>
      fc.record({
        kinds: fc.array(fc.constantFrom(...kinds), { minLength: size, maxLength: size }),
        edges: fc.array(fc.tuple(fc.nat(size - 1), fc.nat(size - 1)), { maxLength: size * 2 }),
        acyclic: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(graph, ({ kinds: nodeKinds, edges: pairs, acyclic }) => {
        const nodes = nodeKinds.map((kind, index) => ({ id: `n${index}`, kind, name: `node ${index}` }));
        // Acyclic: edges only from a lower to a higher index. Otherwise anything, cycles and self-loops included.
        const edges = pairs.filter(([from, to]) => !acyclic || from < to).map(([from, to]) => ({ from: `n${from}`, to: `n${to}` }));
        const { positions } = layoutGraph(nodes, edges);
        expect([...positions.keys()].sort()).to.deep.equal(nodes.map((node) => node.id).sort());
        expect(overlapping(positions)).to.deep.equal([]);
        if (acyclic)
          for (const edge of edges)
            if (edge.from !== edge.to)
              expect(positions.get(edge.from)!.layer, `${edge.from}→${edge.to}`).to.be.below(positions.get(edge.to)!.layer);
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });
});
