import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** How an answer quotes what it was sent; each path's requests go through them in turn. */
export const ECHO_FORMS = ['json', 'text', 'json-ascii', 'base64', 'base64url', 'url-encoded'] as const;
export type EchoForm = (typeof ECHO_FORMS)[number];

/**
 * A careless back-office endpoint: it refuses every request with 401 and quotes back the
 * credentials it was sent — the Authorization header, the base64 of a Basic header alone and
 * decoded (`user:password`), an X-Api-Key header, the signature header, the request's path and
 * query — as some real systems do. Requests to one path (the first segment) take the forms of
 * ECHO_FORMS in turn, so that each form comes first in some answer (a hub keeps only the start of
 * an error body): JSON (the values JSON-escaped), plain text, JSON with everything outside ASCII
 * as \u escapes, base64 and base64url of each value, and each value URL-encoded. Whatever the hub
 * does with these answers (log them, dead-letter them, show them as lastError) would leak the
 * credentials unless redacted.
 */
export class CredentialEchoServer {
  /** The Authorization headers received, in arrival order. */
  readonly received: string[] = [];
  /** The forms answered, by path (first segment). */
  readonly answered = new Map<string, EchoForm[]>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<CredentialEchoServer> {
    const server = http.createServer();
    const echo = new CredentialEchoServer(server);
    server.on('request', (req, res) => {
      const given = req.headers.authorization ?? '';
      echo.received.push(given);
      const segment = (req.url ?? '/').split(/[/?]/)[1] ?? '';
      const forms = echo.answered.get(segment) ?? [];
      const form = ECHO_FORMS[forms.length % ECHO_FORMS.length]!;
      forms.push(form);
      echo.answered.set(segment, forms);
      const basic = /^Basic (\S+)$/i.exec(given)?.[1];
      const quoted: Record<string, string> = {
        youSent: given,
        ...(basic ? { credentials: basic, decoded: Buffer.from(basic, 'base64').toString('utf8') } : {}),
        ...(typeof req.headers['x-api-key'] === 'string' ? { apiKey: req.headers['x-api-key'] } : {}),
        ...(typeof req.headers['x-crm-hub-signature'] === 'string' ? { signature: req.headers['x-crm-hub-signature'] } : {}),
        path: req.url ?? '',
      };
      // Drain the body first: answering before reading it can reset the connection under load.
      req.resume();
      req.on('end', () => {
        const { type, body } = answer(form, quoted);
        res.writeHead(401, { 'content-type': type, 'www-authenticate': 'Bearer realm="echo"' });
        res.end(body);
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

function answer(form: EchoForm, quoted: Record<string, string>): { type: string; body: string } {
  const each = (encode: (value: string) => string) =>
    Object.fromEntries(Object.entries(quoted).map(([name, value]) => [name, encode(value)]));
  switch (form) {
    case 'json':
      return { type: 'application/json', body: JSON.stringify({ error: 'invalid credentials', ...quoted }) };
    case 'text':
      return {
        type: 'text/plain',
        body: `invalid credentials: ${Object.entries(quoted)
          .map(([name, value]) => `${name} ${value}`)
          .join('; ')}`,
      };
    case 'json-ascii':
      return {
        type: 'application/json',
        body: JSON.stringify({ error: 'invalid credentials', ...quoted }).replace(
          /[\u007f-\uffff]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        ),
      };
    case 'base64':
      return {
        type: 'application/json',
        body: JSON.stringify({ error: 'invalid credentials', ...each((value) => Buffer.from(value).toString('base64')) }),
      };
    case 'base64url':
      return {
        type: 'application/json',
        body: JSON.stringify({ error: 'invalid credentials', ...each((value) => Buffer.from(value).toString('base64url')) }),
      };
    case 'url-encoded':
      return {
        type: 'text/plain',
        body: `error=invalid+credentials&${Object.entries(quoted)
          .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
          .join('&')}`,
      };
  }
}
