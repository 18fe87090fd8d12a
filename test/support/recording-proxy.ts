import http from 'node:http';
import { HubError } from '../../src/core/hub-error.js';

/** One request that went through the proxy, with the answer it got. */
export interface LoggedRequest {
  /** Epoch ms when the request arrived. */
  at: number;
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  /** The upstream's status, or 502 when the upstream could not be reached. */
  status: number;
}

// Hop-by-hop headers belong to one connection and are not forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

/**
 * An HTTP proxy on 127.0.0.1 in front of a simulator that logs every request and its answer,
 * refused ones included: the simulators log only the writes they accepted, and a test of retries
 * needs to see each attempt and when it came.
 */
export class RecordingProxy {
  private readonly log: LoggedRequest[] = [];
  private readonly server: http.Server;

  private constructor(
    private readonly upstream: URL,
    private readonly onAnswer: (request: Readonly<LoggedRequest>) => void,
  ) {
    this.server = http.createServer((req, res) => this.forward(req, res));
  }

  /**
   * `target`: the origin to forward to, e.g. a simulator's `url`. `onAnswer` sees each request as it
   * is answered: cheaper than copying a long log to follow progress.
   */
  static async start(target: string, options: { onAnswer?: (request: Readonly<LoggedRequest>) => void } = {}): Promise<RecordingProxy> {
    const proxy = new RecordingProxy(new URL(target), options.onAnswer ?? (() => undefined));
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', (error) =>
        reject(new HubError('PROXY_LISTEN_FAILED', 'the recording proxy cannot listen on 127.0.0.1', { cause: error })),
      );
      proxy.server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Every answered request so far, in the order the answers came. */
  requests(): LoggedRequest[] {
    return structuredClone(this.log);
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return closed;
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const idempotencyKey = req.headers['idempotency-key'];
    const entry: LoggedRequest = {
      at: Date.now(),
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : undefined,
      status: 0,
    };
    const forwarded = http.request(
      { host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: withoutHopByHop(req.headers) },
      (answer) => {
        entry.status = answer.statusCode ?? 502;
        this.log.push(entry);
        this.onAnswer(entry);
        res.writeHead(entry.status, withoutHopByHop(answer.headers));
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => {
      entry.status = 502;
      this.log.push(entry);
      this.onAnswer(entry);
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end('{"error":"upstream unreachable"}');
    });
    req.pipe(forwarded);
  }
}

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())));
}
