/**
 * Polls `condition` until it holds; false at the deadline rather than a throw, so that a test can
 * still report what it measured before it fails. A throwing condition ends the wait with its error.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** As waitUntil, failing at the deadline with `what()`, read then, so that it can tell how far things got. */
export async function waitOrFail(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: () => string,
  intervalMs = 100,
): Promise<void> {
  if (!(await waitUntil(condition, timeoutMs, intervalMs))) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
}

export type ProgressOutcome = 'done' | 'stalled' | 'timed out';

/**
 * Waits for `done` as long as `progress` (a count that grows while work gets done) keeps moving:
 * gives up after `stallMs` without progress, or after `capMs` in all. On a busy machine a slow but
 * steady run is then told apart from one that stopped for good, without one long fixed timeout.
 */
export async function waitWhileProgressing(
  done: () => boolean | Promise<boolean>,
  progress: () => number,
  options: { stallMs: number; capMs: number; intervalMs?: number },
): Promise<ProgressOutcome> {
  const deadline = Date.now() + options.capMs;
  let last = progress();
  let movedAt = Date.now();
  for (;;) {
    if (await done()) return 'done';
    const now = Date.now();
    const current = progress();
    if (current !== last) {
      last = current;
      movedAt = now;
    }
    if (now - movedAt >= options.stallMs) return 'stalled';
    if (now >= deadline) return 'timed out';
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}
