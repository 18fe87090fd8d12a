import type { HubProducer, OutgoingRecord } from '../../src/platform/kafka/kafka-client.js';
import { sleep } from '../../src/core/sleep.js';

export interface SteadyProduction {
  produced(): number;
  done: Promise<void>;
  /** Sends no further slice; `done` then settles. */
  stop(): void;
}

/**
 * Sends `values` in slices at about `perSecond`, and with `backlog` no more than `ahead` records beyond
 * those delivered; a slice the broker does not take (it may be down on purpose) is sent again until
 * it does, for at most `retryForMs`.
 */
export function produceSteadily(
  producer: HubProducer,
  topic: string,
  values: OutgoingRecord[],
  perSecond: number,
  options: { backlog?: { delivered: () => number; ahead: number }; retryForMs?: number } = {},
): SteadyProduction {
  const slice = Math.max(1, Math.round(perSecond / 10));
  const { backlog, retryForMs = 300_000 } = options;
  let produced = 0;
  let stopped = false;
  const done = (async () => {
    const started = Date.now();
    for (let start = 0; start < values.length && !stopped; start += slice) {
      while (backlog && produced - backlog.delivered() > backlog.ahead && !stopped) await sleep(100);
      const records = values.slice(start, start + slice);
      const deadline = Date.now() + retryForMs;
      for (;;) {
        try {
          await producer.send(topic, records);
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await sleep(500);
        }
      }
      produced += records.length;
      const due = started + (produced / perSecond) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  })();
  return { produced: () => produced, done, stop: () => (stopped = true) };
}
