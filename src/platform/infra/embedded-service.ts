import { isPortFree } from './free-port.js';
import { InfrastructureError } from './infrastructure-error.js';
import type { RestartableService } from './service-supervisor.js';
import type { ProcessExit, SupervisedProcess } from './supervised-process.js';

/**
 * A server the hub runs as a child process on a fixed port (the embedded broker and registry): the
 * supervisor restarts it on that same port, since clients know it only by its address.
 */
export abstract class EmbeddedService implements RestartableService {
  private stopped = false;

  protected constructor(
    private process: SupervisedProcess,
    private readonly launch: () => Promise<SupervisedProcess>,
    private readonly servicePort: number,
    /** The error code of a restart refused because another process took the port. */
    private readonly portTakenCode: string,
  ) {}

  abstract get name(): string;

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Whether its process is up (it may be dead and waiting for the supervisor's restart). */
  get running(): boolean {
    return this.process.running;
  }

  get exited(): Promise<ProcessExit> {
    return this.process.exited;
  }

  get logFile(): string {
    return this.process.options.logFile;
  }

  /** Starts it again after its process died, on the same port and data. Fails while the port is taken. */
  async restart(): Promise<void> {
    if (this.process.running) return;
    if (!(await isPortFree(this.servicePort))) {
      throw new InfrastructureError(
        this.portTakenCode,
        `port ${this.servicePort} of ${this.name} is taken by another process; clients would not find it elsewhere`,
        { retriable: true },
      );
    }
    const started = await this.launch();
    this.process = started;
    // The hub began to stop while this restart was under way: the new process must not outlive it.
    if (this.stopped) await started.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.process.stop();
  }

  /** The shutdown deadline passed: no more waiting for a clean stop. */
  kill(): Promise<ProcessExit> {
    this.stopped = true;
    return this.process.kill();
  }
}
