import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { freePort } from '../../src/platform/infra/free-port.js';
import { cleanEnv, startCli, type CliRun } from './cli-process.js';
import { waitOrFail } from './wait-until.js';

export interface RunningHubOptions {
  /** Shown in failure messages, e.g. `hub A`. */
  label: string;
  brokers: string[];
  registryUrl: string;
  configFile: string;
  flowsDir: string;
  /** Further environment, e.g. secrets the hub config references. */
  env?: NodeJS.ProcessEnv;
  /** The data directory of a hub that ran before (a restart of it); default a new one. */
  dataDir?: string;
}

/**
 * `crm-hub run` as a separate process on the suite's broker and registry, with its own HTTP port
 * and data directory, so that a test can SIGKILL it as an orchestrator would and ask its admin API
 * what it did.
 */
export class RunningHub {
  private constructor(
    readonly label: string,
    readonly url: string,
    readonly dataDir: string,
    readonly cli: CliRun,
  ) {}

  static async start(options: RunningHubOptions): Promise<RunningHub> {
    const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hub-process-'));
    const port = await freePort();
    const cli = startCli(
      ['run'],
      cleanEnv({
        KAFKA_BROKERS: options.brokers.join(','),
        SCHEMA_REGISTRY_URL: options.registryUrl,
        CRM_HUB_PORT: String(port),
        CRM_HUB_HOST: '127.0.0.1',
        CRM_HUB_CONFIG: options.configFile,
        CRM_HUB_FLOWS_DIR: options.flowsDir,
        CRM_HUB_DATA_DIR: dataDir,
        // Warnings and errors are what a failure report needs; info lines would only cost the hub CPU.
        LOG_LEVEL: 'warn',
        ...options.env,
      }),
    );
    return new RunningHub(options.label, `http://127.0.0.1:${port}`, dataDir, cli);
  }

  get pid(): number | undefined {
    return this.cli.child.pid;
  }

  /** Whether the process is still there (it has not exited and was not killed). */
  get alive(): boolean {
    return this.cli.child.exitCode === null && this.cli.child.signalCode === null;
  }

  /** Waits until /health answers 200, which the hub does only once every part of it has started. */
  async ready(timeoutMs: number): Promise<void> {
    await waitOrFail(
      async () => {
        if (!this.alive) throw new Error(`${this.label} exited while starting: ${this.cli.stderr().slice(-3000)}`);
        const health = await axios.get(`${this.url}/health`, { timeout: 5000, validateStatus: () => true }).catch(() => undefined);
        return health?.status === 200;
      },
      timeoutMs,
      () => `${this.label} healthy (it said: ${this.cli.stderr().slice(-2000)})`,
      250,
    );
  }

  /** GET on the admin API with the bootstrap admin token the hub keeps in its data directory. */
  async get<T>(apiPath: string, params?: Record<string, string>): Promise<{ status: number; data: T }> {
    const token = fs.readFileSync(path.join(this.dataDir, 'admin-token'), 'utf8').trim();
    const response = await axios.get<T>(`${this.url}${apiPath}`, {
      params,
      headers: { Authorization: `Bearer ${token}` },
      timeout: 15_000,
      validateStatus: () => true,
    });
    return { status: response.status, data: response.data };
  }

  /** SIGKILL: no shutdown hook runs, nothing is committed or left cleanly; resolves once the process is gone. */
  async kill(): Promise<void> {
    this.cli.child.kill('SIGKILL');
    await this.cli.exited;
  }

  /** Stops the process if it still runs (SIGTERM, then SIGKILL after `graceMs`) and removes its data directory. */
  async dispose(graceMs = 15_000): Promise<void> {
    if (this.alive) {
      this.cli.child.kill('SIGTERM');
      const stopped = await Promise.race([
        this.cli.exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
      ]);
      if (!stopped) await this.kill();
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
