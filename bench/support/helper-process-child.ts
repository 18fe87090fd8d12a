import { describeError } from '../../src/core/hub-error.js';
import type { HelperMessage, HelperRequest } from './helper-process-protocol.js';

/**
 * The helper's side of HelperProcess: sets up with `start` (its result is sent as `ready`), then
 * answers each command with `handle`, one at a time in the order they came. When the benchmark
 * closes the channel (or dies), `close` runs and the process exits.
 */
export async function serveHelperCommands<Command>(
  start: () => Promise<unknown>,
  handle: (command: Command) => Promise<unknown>,
  close: () => Promise<void>,
): Promise<void> {
  const send = (message: HelperMessage) => process.send?.(message);
  let queue = Promise.resolve();
  process.on('disconnect', () => {
    void queue
      .then(close)
      .catch(() => undefined)
      .finally(() => process.exit(0));
  });
  try {
    send({ kind: 'ready', info: await start() });
  } catch (error) {
    const { code, message } = describeError(error);
    send({ kind: 'failed', code, message });
    process.disconnect?.();
    return;
  }
  process.on('message', (request: HelperRequest<Command>) => {
    queue = queue.then(async () => {
      try {
        send({ kind: 'reply', id: request.id, ok: true, result: await handle(request.command) });
      } catch (error) {
        const { code, message } = describeError(error);
        send({ kind: 'reply', id: request.id, ok: false, code, message });
      }
    });
  });
}

/** News the helper sends unasked, e.g. the instant it took its first record. */
export function sendHelperEvent(event: unknown): void {
  process.send?.({ kind: 'event', event } satisfies HelperMessage);
}
