import { HubError } from '../../core/hub-error.js';
import type { HubProducer, OutgoingRecord, ProducedPosition } from './kafka-client.js';

interface PendingSend {
  records: OutgoingRecord[];
  resolve(positions: ProducedPosition[]): void;
  reject(error: unknown): void;
}

/** What one merged request may carry: well under the broker's 1 MiB default, and the producer chunks by size anyway. */
const MAX_SENDS_PER_REQUEST = 500;

/**
 * Merges sends to the same topic that arrive while an earlier one is on its way into one produce
 * request. A webhook answers only once its record (and then its idempotency mark) is acknowledged,
 * so under load many small sends wait at once; each its own request costs the client and the
 * broker far more than the records do (kafkajs encodes and round-trips every request), and the
 * webhook's throughput was bound by that.
 *
 * Per topic one request is in flight at a time, so the records of successive sends reach the
 * broker in the order they were sent (concurrent plain sends did not promise that). Nothing waits
 * for company: an idle topic's send goes out at once, as before.
 *
 * A merged request the broker refuses for its contents (a record too large, say) is sent again one
 * send at a time, so that the offending send fails alone and the others still get their answer; a
 * broker that is away fails them all at once (one at a time would make the last wait for every
 * other's retries).
 */
export class CoalescingProducer implements HubProducer {
  private readonly queues = new Map<string, PendingSend[]>();
  private readonly sending = new Set<string>();

  constructor(private readonly inner: HubProducer) {}

  /**
   * Resolves once the broker acknowledged the records. The positions are those of the request that
   * carried them, which may hold other sends' records too.
   */
  send(topic: string, records: OutgoingRecord[]): Promise<ProducedPosition[]> {
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(topic);
      if (queue) queue.push({ records, resolve, reject });
      else this.queues.set(topic, [{ records, resolve, reject }]);
      if (!this.sending.has(topic)) void this.drain(topic);
    });
  }

  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }

  private async drain(topic: string): Promise<void> {
    this.sending.add(topic);
    try {
      for (let queue = this.queues.get(topic); queue && queue.length > 0; queue = this.queues.get(topic)) {
        const sends = queue.splice(0, MAX_SENDS_PER_REQUEST);
        await this.sendTogether(topic, sends);
      }
    } finally {
      this.sending.delete(topic);
      this.queues.delete(topic);
    }
  }

  private async sendTogether(topic: string, sends: PendingSend[]): Promise<void> {
    if (sends.length === 1) return this.sendAlone(topic, sends[0]!);
    let positions: ProducedPosition[];
    try {
      positions = await this.inner.send(
        topic,
        sends.flatMap((send) => send.records),
      );
    } catch (error) {
      if (mayBeOneSendsFault(error)) for (const send of sends) await this.sendAlone(topic, send);
      else for (const send of sends) send.reject(error);
      return;
    }
    for (const send of sends) send.resolve(positions);
  }

  private async sendAlone(topic: string, send: PendingSend): Promise<void> {
    try {
      send.resolve(await this.inner.send(topic, send.records));
    } catch (error) {
      send.reject(error);
    }
  }
}

/**
 * A refusal of what was sent rather than of sending: the broker's non-retriable protocol errors
 * (MESSAGE_TOO_LARGE, INVALID_RECORD, …) and the hub's own non-retriable errors. Connection
 * failures and exhausted retries are the broker's state, the same for every send.
 */
function mayBeOneSendsFault(error: unknown): boolean {
  if (error instanceof HubError) return !error.retriable;
  return error instanceof Error && error.name === 'KafkaJSProtocolError' && (error as { retriable?: unknown }).retriable === false;
}
