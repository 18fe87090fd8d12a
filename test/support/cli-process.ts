import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** Runs `crm-hub <args>` from source, as a user would run the built command. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): CliRun {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/interfaces/cli/main.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - started })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const run = startCli(args, env);
  const { code, ms } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr(), ms };
}

/** The environment of the test process without the variables that would steer the hub elsewhere. */
export function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'CRM_HUB_PORT', 'CRM_HUB_URL', 'CRM_HUB_DATA_DIR', 'DOCKER_HOST'])
    delete env[name];
  return { ...env, LOG_LEVEL: 'info', ...extra };
}
