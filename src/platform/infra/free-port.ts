import net from 'node:net';
import { InfrastructureError } from './infrastructure-error.js';

/** Asks the kernel for an unused loopback port; `preferred` is taken when it is free (0 means any). */
export async function freePort(preferred?: number): Promise<number> {
  if (preferred && (await isPortFree(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new InfrastructureError('PORT_UNAVAILABLE', 'the kernel gave no free loopback port')),
      );
    });
  });
}

export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return (await portBindError(port, host)) === undefined;
}

/** Why `host:port` cannot be listened on now (EADDRINUSE, EACCES, EADDRNOTAVAIL), or undefined when it can. */
export function portBindError(port: number, host: string): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    server.listen(port, host, () => server.close(() => resolve(undefined)));
  });
}
