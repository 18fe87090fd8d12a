import http from 'node:http';
import express, { type Express } from 'express';
import type { Logger } from '../observability/logger.js';
import type { HealthProbe } from './health-probe.js';

/**
 * The hub's one HTTP server: health now; the admin API, webhooks and dashboard mount here later.
 * It listens before the broker and registry are up, so that /health can say "starting" instead of
 * refusing connections.
 */
export class HubHttpServer {
  readonly app: Express;
  private healthProbe: HealthProbe | undefined;
  private startupError: string | undefined;
  private server: http.Server | undefined;

  constructor(private readonly logger: Logger) {
    this.app = express();
    this.app.disable('x-powered-by');
    this.app.get('/health', async (_req, res) => {
      if (!this.healthProbe) {
        res.status(503).json({ status: this.startupError ? 'failed' : 'starting', error: this.startupError });
        return;
      }
      const report = await this.healthProbe.report();
      res.status(report.status === 'ok' ? 200 : 503).json(report);
    });
  }

  setHealthProbe(probe: HealthProbe): void {
    this.healthProbe = probe;
  }

  setStartupError(message: string): void {
    this.startupError = message;
  }

  async listen(port: number, host: string): Promise<number> {
    const server = http.createServer(this.app);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    this.logger.info(`HTTP server listening on ${host}:${bound}`);
    return bound;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }
}
