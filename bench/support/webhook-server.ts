import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';

/**
 * The HTTP side of a hub in a benchmark: an express app with the connector runtime's webhook router
 * (POST /webhooks/<instance>, as the hub mounts it), and beside it the HTTP ceiling, POST
 * /ceiling/webhooks/<instance>, which reads the body as the webhook does (raw, same size limit) and
 * answers 200 without checking or producing anything. Same process, server and app, so the ratio of
 * the two is what validation, Avro and the broker's acknowledgement cost.
 */
export class WebhookServer {
  private constructor(
    private readonly server: http.Server,
    private readonly base: string,
  ) {}

  static async start(webhookRouter: Router, maxBodyBytes: number): Promise<WebhookServer> {
    const app = express();
    app.disable('x-powered-by');
    app.post('/ceiling/webhooks/:instance', express.raw({ type: () => true, limit: maxBodyBytes }), (req, res) => {
      res.status(200).json({ status: 'accepted', bytes: Buffer.isBuffer(req.body) ? req.body.length : 0 });
    });
    app.use(webhookRouter);
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new WebhookServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  webhookUrl(instance: string): string {
    return `${this.base}/webhooks/${instance}`;
  }

  ceilingUrl(instance: string): string {
    return `${this.base}/ceiling/webhooks/${instance}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
