import type { FlowMessage } from '../../src/flows/flow-message.js';
import type { SchemaCatalog } from '../../src/platform/avro/schema-catalog.js';
import { BenchError } from '../runner/bench-error.js';
import { compileBenchFlow } from './in-process-stages.js';
import type { BenchTopicDeclaration } from './bench-schema-catalog.js';

/** The topics the stateful benchmarks' flows read and write, declared in the benchmark's copy of topics.json. */
export const SERVICE_EVENTS = 'bench.service-events';
export const RESERVATIONS = 'bench.parts-reservations';
export const STATEFUL_OUTPUT = 'bench.stateful-out';

export const STATEFUL_BENCH_TOPICS: Readonly<Record<string, BenchTopicDeclaration>> = {
  [SERVICE_EVENTS]: { record: 'crmhub.bench.ServiceEvent', key: 'ticketNumber' },
  [RESERVATIONS]: { record: 'crmhub.bench.PartsReservation', key: 'reference' },
  // Nothing is encoded in process: the record only lets the flows compile (they declare no output schema of their own).
  [STATEFUL_OUTPUT]: { record: 'crmhub.bench.ServiceEvent', key: 'ticketNumber', format: 'json' },
};

/** The baseline of every stateful benchmark: the same records through a flow of a filter and a map only (no state). */
export function plainServiceFlow(name: string): string {
  return `name: ${name}
from: ${SERVICE_EVENTS}
steps:
  - filter: status != "CANCELLED"
  - map:
      dealerCode: dealerCode
      ticketNumber: ticketNumber
      waitMinutes: waitMinutes
      occurredAt: occurredAt
to: { topic: ${STATEFUL_OUTPUT} }
`;
}

/** A service event as the flow's first stage receives it. */
export function serviceMessage(value: Record<string, unknown>, topic = SERVICE_EVENTS): FlowMessage {
  return { key: String(value.ticketNumber ?? value.reference), value, headers: {}, topic };
}

/**
 * Milliseconds the plain flow took over `count` messages made by `make` (made a chunk at a time, the
 * making timed apart and taken off), every message checked to give one output.
 */
export async function timePlainFlow(
  schemas: SchemaCatalog,
  count: number,
  make: (index: number) => FlowMessage,
  chunk = 10_000,
): Promise<number> {
  const flow = compileBenchFlow(plainServiceFlow('bench-plain'), schemas);
  let outputs = 0;
  let ms = 0;
  for (let from = 0; from < count; from += chunk) {
    const messages: FlowMessage[] = [];
    for (let index = from; index < Math.min(count, from + chunk); index++) messages.push(make(index));
    const started = performance.now();
    for (const message of messages) {
      const out = flow.processNow ? flow.processNow(message) : flow.process(message);
      outputs += (out instanceof Promise ? await out : out).length;
    }
    ms += performance.now() - started;
  }
  await flow.close();
  if (outputs !== count) throw new BenchError('BENCH_WRONG_OUTPUT', `the plain flow gave ${outputs} outputs for ${count} messages`);
  return ms;
}
