import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A careless back-office endpoint: it refuses every request with 401 and quotes the Authorization
 * header it was sent in its error body, as some real systems do. Whatever the hub does with that
 * body (log it, dead-letter it, show it as lastError) would leak the credential unless redacted.
 */
export class CredentialEchoServer {
  /** The Authorization headers received, in arrival order. */
  readonly received: string[] = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<CredentialEchoServer> {
    const server = http.createServer();
    const echo = new CredentialEchoServer(server);
    server.on('request', (req, res) => {
      const given = req.headers.authorization ?? '';
      echo.received.push(given);
      // Drain the body first: answering before reading it can reset the connection under load.
      req.resume();
      req.on('end', () => {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="echo"' });
        res.end(JSON.stringify({ error: 'invalid credentials', youSent: given, path: req.url }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return echo;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
