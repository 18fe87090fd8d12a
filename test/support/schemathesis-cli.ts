import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from '../../src/platform/infra/cache-dir.js';

/** The schemathesis release the API is checked with; a new one may add checks, so it moves on purpose. */
export const SCHEMATHESIS_VERSION = '4.32.5';

const run = promisify(execFile);

/**
 * The `st` command of schemathesis, installed from PyPI into a virtual environment under the cache
 * directory the first time (python3 -m venv; about a minute), reused after.
 */
export async function schemathesisCommand(): Promise<string> {
  const venv = cacheDir(`schemathesis-${SCHEMATHESIS_VERSION}`);
  const st = path.join(venv, 'bin', 'st');
  // Written last: an install that was interrupted is started over rather than half used.
  const installed = path.join(venv, 'installed');
  if (fs.existsSync(installed)) return st;
  fs.rmSync(venv, { recursive: true, force: true });
  await run(process.env.PYTHON ?? 'python3', ['-m', 'venv', venv]);
  await run(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`], {
    maxBuffer: 16 * 1024 * 1024,
  });
  fs.writeFileSync(installed, `schemathesis==${SCHEMATHESIS_VERSION}\n`);
  return st;
}

export interface SchemathesisRun {
  code: number | null;
  output: string;
}

/** Runs `st --config-file <configFile> run <args>` and collects what it printed; resolves when it exits. */
export function runSchemathesis(st: string, configFile: string, args: string[]): Promise<SchemathesisRun> {
  // schemathesis keeps a cache of the failures it found (.schemathesis/) in its working directory, and
  // replays them first next time: a directory of its own per run keeps runs alike and the project clean.
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-schemathesis-run-'));
  return new Promise<SchemathesisRun>((resolve, reject) => {
    const child = spawn(st, ['--config-file', configFile, 'run', ...args], {
      cwd: workDir,
      env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  }).finally(() => fs.rmSync(workDir, { recursive: true, force: true }));
}
