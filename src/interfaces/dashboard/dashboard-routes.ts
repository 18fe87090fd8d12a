import fs from 'node:fs/promises';
import path from 'node:path';
import type { Response } from 'express';
import { apiError, errorResponse, type ApiRoute } from '../api/api-route.js';
import { projectRoot } from '../../platform/infra/project-root.js';

/** The page's files and how they are served; nothing else in the folder is reachable. */
const ASSETS = {
  'dashboard.html': 'text/html; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
} as const;

type AssetName = keyof typeof ASSETS;

/**
 * The page runs only its own script and style and talks only to this hub: the API token it keeps
 * in sessionStorage must not be readable by anything injected, and a form that submits before the
 * script runs must not put the token into a URL.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The folder of the page's static files. They are read from the project root rather than next to
 * this module, because tsc copies only .ts into dist/: the same folder serves `tsx src/...` and
 * `node dist/src/...` (and the Docker image, which keeps src/).
 */
export function dashboardAssetsDir(): string {
  return path.join(projectRoot(), 'src', 'interfaces', 'dashboard');
}

/**
 * GET /dashboard and its script and style. The routes are open: the page holds no data, it asks
 * for an API token and sends it with every API call, so the API's own roles apply to what it shows.
 * Files are read on each request (they are small), so an edited page shows on reload.
 */
export function dashboardRoutes(options: { dir?: string } = {}): ApiRoute[] {
  const dir = options.dir ?? dashboardAssetsDir();
  const send = async (res: Response, name: AssetName) => {
    let body: Buffer;
    try {
      body = await fs.readFile(path.join(dir, name));
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return apiError(
        res,
        500,
        'DASHBOARD_ASSET_MISSING',
        `the dashboard file ${name} is not in ${dir} (${reason}): this installation lacks src/interfaces/dashboard`,
      );
    }
    res.setHeader('Content-Type', ASSETS[name]);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (name === 'dashboard.html') {
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      res.setHeader('X-Frame-Options', 'DENY');
    }
    return res.send(body);
  };
  const scripts = (Object.keys(ASSETS) as AssetName[]).filter((name) => name !== 'dashboard.html');
  return [
    {
      method: 'get',
      path: '/dashboard',
      operationId: 'dashboardPage',
      summary: 'The web dashboard: the hub as a live graph, customer and trace search, dead letters with replay',
      description:
        "A static page; it asks for an API token and calls the admin API with it, so what it shows and allows follows the token's role.",
      tag: 'dashboard',
      access: 'open',
      responses: {
        200: { description: 'The page', contentType: 'text/html' },
        500: errorResponse("The page's files are missing from this installation"),
      },
      handle: (_request, res) => send(res, 'dashboard.html'),
    },
    {
      method: 'get',
      path: '/dashboard/{asset}',
      operationId: 'dashboardAsset',
      summary: "The dashboard's script and style",
      tag: 'dashboard',
      access: 'open',
      parameters: [
        {
          name: 'asset',
          in: 'path',
          description: `The file: ${scripts.join(' or ')}`,
          schema: { type: 'string', minLength: 1, maxLength: 100 },
        },
      ],
      responses: {
        200: { description: 'The file', contentType: 'text/javascript' },
        404: errorResponse('No such file of the dashboard'),
        500: errorResponse("The page's files are missing from this installation"),
      },
      handle: ({ params }, res) => {
        const asset = String(params.asset);
        if (!(scripts as string[]).includes(asset))
          return apiError(res, 404, 'DASHBOARD_ASSET_UNKNOWN', `the dashboard has no file ${asset}: it serves ${scripts.join(' and ')}`);
        return send(res, asset as AssetName);
      },
    },
  ];
}
