import fs from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../../src/platform/infra/free-port.js';
import { projectRoot } from '../../src/platform/infra/project-root.js';
import { SupervisedProcess } from '../../src/platform/infra/supervised-process.js';
import { BenchError } from '../runner/bench-error.js';
import { childProcessNamed, processRssBytes } from './process-rss.js';

export interface HubProcessSettings {
  label: string;
  brokers: string[];
  registryUrl: string;
  /** Hub config file; none means a hub without connector instances. */
  configFile?: string;
  flowsDir: string;
  dataDir: string;
  /** Further environment, e.g. values the hub config references. */
  env?: Record<string, string>;
}

/** Variables of the benchmark's own environment that would steer the hub elsewhere. */
const STEERING = [
  'KAFKA_BROKERS',
  'SCHEMA_REGISTRY_URL',
  'CRM_HUB_CONFIG',
  'CRM_HUB_FLOWS_DIR',
  'CRM_HUB_PORT',
  'CRM_HUB_HOST',
  'CRM_HUB_DATA_DIR',
  'CRM_HUB_WATCH',
  'CRM_HUB_BENCH_CONTEXT',
];

/**
 * `crm-hub run` from source as a process of its own on the benchmark's broker and registry: the hub
 * as deployed, whose memory is measured from outside. It runs under the shell guard the hub uses
 * for its embedded services, so it goes with the benchmark process even when that is SIGKILLed.
 */
export class HubProcess {
  private nodePid: number | undefined;

  private constructor(
    readonly label: string,
    readonly url: string,
    private readonly process: SupervisedProcess,
  ) {}

  static async start(settings: HubProcessSettings): Promise<HubProcess> {
    await fs.mkdir(settings.dataDir, { recursive: true });
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of STEERING) delete env[name];
    const supervised = SupervisedProcess.start({
      name: settings.label,
      command: process.execPath,
      args: ['--import', 'tsx', path.join(projectRoot(), 'src', 'interfaces', 'cli', 'main.ts'), 'run'],
      cwd: projectRoot(),
      env: {
        ...env,
        KAFKA_BROKERS: settings.brokers.join(','),
        SCHEMA_REGISTRY_URL: settings.registryUrl,
        CRM_HUB_PORT: String(port),
        CRM_HUB_HOST: '127.0.0.1',
        CRM_HUB_DATA_DIR: settings.dataDir,
        CRM_HUB_FLOWS_DIR: settings.flowsDir,
        ...(settings.configFile ? { CRM_HUB_CONFIG: settings.configFile } : {}),
        // Per-batch info lines would cost the hub CPU; warnings and errors still reach the log.
        LOG_LEVEL: 'warn',
        ...settings.env,
      },
      logFile: path.join(settings.dataDir, 'hub.log'),
      stopGraceSeconds: 20,
    });
    return new HubProcess(settings.label, `http://127.0.0.1:${port}`, supervised);
  }

  /** Waits until /health answers 200, which the hub does once every part of it has started. */
  async ready(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (!this.process.running)
        throw new BenchError('BENCH_HUB_EXITED', `${this.label} exited while starting:\n${this.process.logTail(30)}`);
      const status = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2000) }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      if (performance.now() > deadline)
        throw new BenchError(
          'BENCH_HUB_TIMEOUT',
          `${this.label} was not healthy within ${Math.round(timeoutMs / 1000)} s:\n${this.process.logTail(30)}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** RSS of the hub's Node process (not of the guard shell above it). */
  async rssBytes(): Promise<number> {
    const guard = this.process.pid;
    this.nodePid ??= guard === undefined ? undefined : await childProcessNamed(guard, 'node');
    if (this.nodePid === undefined || !this.process.running)
      throw new BenchError('BENCH_HUB_EXITED', `${this.label} has no running node process:\n${this.process.logTail(30)}`);
    return processRssBytes(this.nodePid);
  }

  get running(): boolean {
    return this.process.running;
  }

  logTail(lines: number): string {
    return this.process.logTail(lines);
  }

  /** SIGTERM through the guard (the hub stops its parts in order), SIGKILL after the grace period. */
  async stop(): Promise<void> {
    await this.process.stop();
  }
}
