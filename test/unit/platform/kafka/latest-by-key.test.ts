import { expect } from 'chai';
import type { IncomingRecord } from '../../../../src/platform/kafka/kafka-client.js';
import fc from 'fast-check';
import { jsonValue, latestByKey, readLatestByKey } from '../../../../src/platform/kafka/latest-by-key.js';

let offset = 0;
const record = (key: string | null, value: unknown): IncomingRecord => ({
  topic: 'state',
  partition: 0,
  offset: String(offset++),
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers: {},
  timestamp: '0',
});

// What readToEnd gives for each topic; asking for another topic is a mistake of the code under test.
const topics = (contents: Record<string, IncomingRecord[]>) => ({
  readToEnd: async (topic: string) => {
    const records = contents[topic];
    if (!records) throw new RangeError(`no topic ${topic}`);
    return records;
  },
});

describe('latest value per key of a compacted topic', () => {
  it('keeps the last write of each key in the order of last writes, drops tombstoned keys and records without a key', async () => {
    const client = topics({
      state: [record('a', 1), record('b', 2), record(null, 3), record('a', 4), record('c', 5), record('b', null)],
      other: [record('a', 9)],
    });
    const latest = await readLatestByKey<number>(client, 'state');
    expect([...latest]).to.deep.equal([
      ['a', 4],
      ['c', 5],
    ]);
  });

  it('drops a key whose latest value cannot be read, rather than keeping an older one', async () => {
    const latest = await readLatestByKey(topics({ state: [record('a', 1), record('a', 'not json {')] }), 'state', async (r) => {
      try {
        return jsonValue<number>(r);
      } catch {
        return undefined;
      }
    });
    expect(latest.size).to.equal(0);
  });

  it('folds any sequence of writes and tombstones into the last value of each key, in the order of last writes, into the map given', async () => {
    const write = fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), value: fc.option(fc.integer(), { nil: null }) });
    await fc.assert(
      fc.asyncProperty(fc.array(write, { maxLength: 40 }), async (writes) => {
        // The model: replay the writes one by one, a tombstone forgetting its key.
        const expected: [string, number][] = [];
        for (const { key, value } of writes) {
          const at = expected.findIndex(([held]) => held === key);
          if (at >= 0) expected.splice(at, 1);
          if (value !== null) expected.push([key, value]);
        }
        const into = new Map<string, number>();
        const result = await latestByKey(
          writes.map(({ key, value }) => record(key, value)),
          (r) => jsonValue<number>(r),
          into,
        );
        expect(result).to.equal(into);
        expect([...into]).to.deep.equal(expected);
      }),
    );
  });
});
