import { describeError } from '../../core/hub-error.js';
import { withoutSecrets } from '../../platform/observability/secret-scrubbing.js';

export type InstanceState = 'starting' | 'running' | 'paused' | 'failed' | 'stopped';

export interface InstanceStatusReport {
  name: string;
  connector: string;
  kind: 'source' | 'sink';
  state: InstanceState;
  lastError?: { code: string; message: string; at: string };
  counters: { recordsIn: number; recordsOut: number; failures: number; deadLettered: number };
}

/** The state an operator sees for one connector instance; what the ops API and dashboard report. */
export class InstanceStatus {
  state: InstanceState = 'starting';
  lastError: InstanceStatusReport['lastError'];
  readonly counters = { recordsIn: 0, recordsOut: 0, failures: 0, deadLettered: 0 };

  constructor(
    readonly name: string,
    readonly connector: string,
    readonly kind: 'source' | 'sink',
  ) {}

  recordError(error: unknown, options: { fail?: boolean } = {}): void {
    const { code, message } = describeError(error);
    // Shown to every viewer and in /ready: a failing request's URL may hold user info or a token.
    this.lastError = { code, message: withoutSecrets(message), at: new Date().toISOString() };
    this.counters.failures++;
    if (options.fail) this.state = 'failed';
  }

  report(): InstanceStatusReport {
    return {
      name: this.name,
      connector: this.connector,
      kind: this.kind,
      state: this.state,
      lastError: this.lastError,
      counters: { ...this.counters },
    };
  }
}
