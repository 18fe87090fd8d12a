import { expect } from 'chai';
import fc from 'fast-check';
import { HubError } from '../../../../src/core/hub-error.js';
import { CoalescingProducer } from '../../../../src/platform/kafka/coalescing-producer.js';
import type { HubProducer, OutgoingRecord, ProducedPosition } from '../../../../src/platform/kafka/kafka-client.js';

/** A producer whose requests stay open until the test answers them, refusing keys it is told to. */
class HeldProducer implements HubProducer {
  readonly requests: { topic: string; keys: string[]; answer(): void; fail(error: unknown): void }[] = [];
  refuseKey: string | undefined;
  refusal: () => unknown = () =>
    Object.assign(new Error('The request included a message larger than the max message size the server will accept'), {
      name: 'KafkaJSProtocolError',
      retriable: false,
      type: 'MESSAGE_TOO_LARGE',
    });

  send(topic: string, records: OutgoingRecord[]): Promise<ProducedPosition[]> {
    const keys = records.map((record) => String(record.key));
    return new Promise((resolve, reject) => {
      this.requests.push({
        topic,
        keys,
        answer: () =>
          this.refuseKey !== undefined && keys.includes(this.refuseKey)
            ? reject(this.refusal())
            : resolve([{ topic, partition: 0, offset: String(this.requests.length) }]),
        fail: reject,
      });
    });
  }

  async disconnect(): Promise<void> {}
}

const records = (...keys: string[]): OutgoingRecord[] => keys.map((key) => ({ key, value: Buffer.from(key) }));
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Sends x and y merged into one request behind a first send, which is answered; their outcomes ('ok' or the error). */
async function twoMergedSends(): Promise<{ inner: HeldProducer; outcomes: Promise<unknown>[] }> {
  const inner = new HeldProducer();
  const producer = new CoalescingProducer(inner);
  void producer.send('t', records('first'));
  const outcomes = [producer.send('t', records('x')), producer.send('t', records('y'))].map((p) =>
    p.then(
      () => 'ok',
      (e: unknown) => e,
    ),
  );
  inner.requests[0]!.answer();
  await settle();
  expect(inner.requests[1]!.keys).to.deep.equal(['x', 'y']);
  return { inner, outcomes };
}

describe('coalescing producer', () => {
  it('sends at once when nothing is on its way, and merges what arrives meanwhile into one request, in order', async () => {
    const inner = new HeldProducer();
    const producer = new CoalescingProducer(inner);
    const first = producer.send('t', records('a'));
    expect(inner.requests.map((r) => r.keys)).to.deep.equal([['a']]);
    const waiting = [producer.send('t', records('b', 'c')), producer.send('t', records('d'))];
    await settle();
    expect(inner.requests).to.have.length(1);
    inner.requests[0]!.answer();
    expect(await first).to.deep.equal([{ topic: 't', partition: 0, offset: '1' }]);
    await settle();
    expect(inner.requests.map((r) => r.keys)).to.deep.equal([['a'], ['b', 'c', 'd']]);
    inner.requests[1]!.answer();
    expect(await Promise.all(waiting)).to.deep.equal([
      [{ topic: 't', partition: 0, offset: '2' }],
      [{ topic: 't', partition: 0, offset: '2' }],
    ]);
  });

  it('keeps topics apart: one topic waiting does not hold another', async () => {
    const inner = new HeldProducer();
    const producer = new CoalescingProducer(inner);
    void producer.send('records', records('a'));
    void producer.send('marks', records('m'));
    expect(inner.requests.map((r) => [r.topic, r.keys])).to.deep.equal([
      ['records', ['a']],
      ['marks', ['m']],
    ]);
  });

  it('sends a merged request the broker refused for its contents again send by send: only the offending send fails', async () => {
    const inner = new HeldProducer();
    const producer = new CoalescingProducer(inner);
    void producer.send('t', records('first')).catch(() => undefined);
    const good = producer.send('t', records('g1'));
    // Its refusal is taken as it happens: a handler attached after the rejection is what Node warns about.
    const refused = producer.send('t', records('too-large')).then(
      () => undefined,
      (error: unknown) => error,
    );
    const alsoGood = producer.send('t', records('g2'));
    inner.refuseKey = 'too-large';
    inner.requests[0]!.answer();
    await settle();
    expect(inner.requests[1]!.keys).to.deep.equal(['g1', 'too-large', 'g2']);
    inner.requests[1]!.answer();
    for (let i = 2; i < 5; i++) {
      await settle();
      inner.requests[i]!.answer();
    }
    expect(inner.requests.slice(2).map((r) => r.keys)).to.deep.equal([['g1'], ['too-large'], ['g2']]);
    expect(await good).to.have.length(1);
    expect(await alsoGood).to.have.length(1);
    expect(await refused).to.have.property('type', 'MESSAGE_TOO_LARGE');
  });

  it('splits on the hub’s own non-retriable refusals too, but not on its retriable ones', async () => {
    for (const [error, split] of [
      [new HubError('RECORD_TOO_LARGE', 'too large'), true],
      [new HubError('BROKER_AWAY', 'away', { retriable: true }), false],
    ] as const) {
      const { inner, outcomes: merged } = await twoMergedSends();
      inner.requests[1]!.fail(error);
      await settle();
      expect(inner.requests.length, error.code).to.equal(split ? 3 : 2);
      if (!split) expect(await Promise.all(merged)).to.deep.equal([error, error]);
    }
  });

  it('fails every merged send with the broker’s error when the broker is away, without sending each again', async () => {
    const { inner, outcomes: merged } = await twoMergedSends();
    const away = Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
      name: 'KafkaJSNumberOfRetriesExceeded',
      retriable: false,
    });
    inner.requests[1]!.fail(away);
    expect(await Promise.all(merged)).to.deep.equal([away, away]);
    expect(inner.requests).to.have.length(2);
  });

  it('puts at most 500 sends in one request', async () => {
    const inner = new HeldProducer();
    const producer = new CoalescingProducer(inner);
    void producer.send('t', records('first'));
    const all = Array.from({ length: 700 }, (_, i) => producer.send('t', records(String(i))));
    inner.requests[0]!.answer();
    await settle();
    expect(inner.requests[1]!.keys).to.have.length(500);
    inner.requests[1]!.answer();
    await settle();
    expect(inner.requests[2]!.keys).to.deep.equal(Array.from({ length: 200 }, (_, i) => String(500 + i)));
    inner.requests[2]!.answer();
    await Promise.all(all);
  });

  it('sends every record once, the records of each topic in send order, however sends and answers interleave', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 1, max: 3 }), fc.boolean()), { minLength: 1, maxLength: 40 }),
        async (plan) => {
          const inner = new HeldProducer();
          const producer = new CoalescingProducer(inner);
          const sent = new Map<string, string[]>();
          const pending: Promise<unknown>[] = [];
          let next = 0;
          let answered = 0;
          const answerAll = async () => {
            while (answered < inner.requests.length) {
              inner.requests[answered++]!.answer();
              await settle();
            }
          };
          for (const [topic, count, answerNow] of plan) {
            const keys = Array.from({ length: count }, () => String(next++));
            sent.set(topic, [...(sent.get(topic) ?? []), ...keys]);
            pending.push(producer.send(topic, records(...keys)));
            if (answerNow) await answerAll();
          }
          await answerAll();
          await Promise.all(pending);
          for (const [topic, keys] of sent)
            expect(inner.requests.filter((r) => r.topic === topic).flatMap((r) => r.keys)).to.deep.equal(keys);
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });
});
