import fs from 'node:fs/promises';
import path from 'node:path';
import type { Response } from 'express';
import { apiError, errorResponse, type ApiRoute } from '../api/api-route.js';
import { projectRoot } from '../../platform/infra/project-root.js';
import { assetContentType, PAGE_CONTENT_TYPE, servedAssets } from './dashboard-assets.js';

const PAGE = 'dashboard.html';

/**
 * The page runs only its own modules and style and talks only to this hub: the API token it keeps
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
 * GET /dashboard and its modules and style. The routes are open: the page holds no data, it asks
 * for an API token and sends it with every API call, so the API's own roles apply to what it shows.
 * Files are read on each request (they are small), so an edited page shows on reload.
 */
export function dashboardRoutes(options: { dir?: string } = {}): ApiRoute[] {
  const dir = options.dir ?? dashboardAssetsDir();
  const missing = (res: Response, name: string, error: unknown) => {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return apiError(
      res,
      500,
      'DASHBOARD_ASSET_MISSING',
      `the dashboard file ${name} is not in ${dir} (${reason}): this installation lacks src/interfaces/dashboard`,
    );
  };
  const send = async (res: Response, name: string, contentType: string) => {
    let body: Buffer;
    try {
      body = await fs.readFile(path.join(dir, name));
    } catch (error) {
      return missing(res, name, error);
    }
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (name === PAGE) {
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      res.setHeader('X-Frame-Options', 'DENY');
    }
    return res.send(body);
  };
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
      handle: (_request, res) => send(res, PAGE, PAGE_CONTENT_TYPE),
    },
    {
      method: 'get',
      path: '/dashboard/{asset}',
      operationId: 'dashboardAsset',
      summary: "The dashboard's modules and style",
      description: 'Every .js (an ES module of the page) and .css file of the dashboard folder, by its name; nothing else there.',
      tag: 'dashboard',
      access: 'open',
      parameters: [
        {
          name: 'asset',
          in: 'path',
          description: "The file, e.g. dashboard.js (the page's entry module) or dashboard.css",
          schema: { type: 'string', minLength: 1, maxLength: 100 },
        },
      ],
      responses: {
        200: { description: 'The file', contentType: 'text/javascript' },
        404: errorResponse('No such file of the dashboard'),
        500: errorResponse("The page's files are missing from this installation"),
      },
      handle: async ({ params }, res) => {
        const asset = String(params.asset);
        // The name is checked before the folder is read: a name that could leave the folder never reaches the file system.
        const contentType = assetContentType(asset);
        let served: string[] = [];
        if (contentType !== undefined) {
          try {
            served = await servedAssets(dir);
          } catch (error) {
            return missing(res, asset, error);
          }
        }
        if (contentType === undefined || !served.includes(asset))
          return apiError(
            res,
            404,
            'DASHBOARD_ASSET_UNKNOWN',
            `the dashboard has no file ${asset}: it serves the .js and .css files of its folder${served.length ? ` (${served.join(', ')})` : ''}`,
          );
        return send(res, asset, contentType);
      },
    },
  ];
}
