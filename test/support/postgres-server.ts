import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../src/platform/infra/free-port.js';
import { InfrastructureError } from '../../src/platform/infra/infrastructure-error.js';
import { SupervisedProcess } from '../../src/platform/infra/supervised-process.js';

const run = promisify(execFile);

/**
 * A real PostgreSQL for integration tests: `DATABASE_URL` when set (nothing is started), else a
 * throwaway server from the machine's PostgreSQL binaries (Debian's `postgresql` package; .ci/run
 * installs it), in a temp dir on a free loopback port, stopped and deleted by `stop()`. PostgreSQL
 * refuses to run as root, so as root it runs as the `postgres` user (setpriv execs, so the
 * supervised child is the postmaster itself and its guard can stop it even if the tests are killed).
 */
export interface PostgresServer {
  connectionString: string;
  origin: 'env' | 'embedded';
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  if (process.env.DATABASE_URL) return { connectionString: process.env.DATABASE_URL, origin: 'env', stop: async () => undefined };
  const bin = await postgresBinDir();
  const asUser = process.getuid?.() === 0 ? await unprivilegedUser() : undefined;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crm-hub-pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'sock');
  await fs.mkdir(socketDir);
  if (asUser) await run('chown', ['-R', `${asUser.uid}:${asUser.gid}`, dir]);
  const wrap = (command: string, args: string[]): [string, string[]] =>
    asUser ? ['setpriv', [`--reuid=${asUser.uid}`, `--regid=${asUser.gid}`, '--clear-groups', '--', command, ...args]] : [command, args];

  let server: SupervisedProcess | undefined;
  try {
    await run(...wrap(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'hub', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']), {
      cwd: dir,
    });
    const port = await freePort();
    const [command, args] = wrap(path.join(bin, 'postgres'), [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      socketDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ]);
    server = SupervisedProcess.start({
      name: 'PostgreSQL',
      command,
      args,
      cwd: dir,
      logFile: path.join(dir, 'postgres.log'),
      stopGraceSeconds: 10,
    });
    const connectionString = `postgresql://hub@127.0.0.1:${port}/postgres`;
    await waitUntilAccepting(connectionString, server);
    const started = server;
    return {
      connectionString,
      origin: 'embedded',
      async stop() {
        // Fast shutdown: open sessions are ended instead of waited for (SIGTERM alone would wait).
        await run(...wrap(path.join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '20']), { cwd: dir }).catch(
          () => undefined,
        );
        await started.stop();
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.stop();
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function waitUntilAccepting(connectionString: string, server: SupervisedProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!server.running) throw server.failedToStart('exited during start');
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        await server.stop();
        throw server.failedToStart('did not accept connections within 30 s');
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** The newest PostgreSQL under /usr/lib/postgresql/<ver>/bin, else the one on PATH. */
async function postgresBinDir(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? (await fs.readdir(root)).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions[0]) return path.join(root, versions[0], 'bin');
  const found = await run('sh', ['-c', 'command -v initdb']).catch(() => undefined);
  if (found?.stdout.trim()) return path.dirname(await fs.realpath(found.stdout.trim()));
  throw new InfrastructureError(
    'POSTGRES_NOT_INSTALLED',
    "PostgreSQL binaries (initdb, postgres, pg_ctl) not found: install Debian's postgresql package (as .ci/run does) or set DATABASE_URL",
  );
}

async function unprivilegedUser(): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch (error) {
    throw new InfrastructureError(
      'POSTGRES_USER_MISSING',
      'running as root, PostgreSQL needs the non-root user "postgres" (created by Debian\'s postgresql package)',
      { cause: error },
    );
  }
}
