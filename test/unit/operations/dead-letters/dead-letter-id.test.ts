import { expect } from 'chai';
import fc from 'fast-check';
import { formatDeadLetterId, parseDeadLetterId } from '../../../../src/operations/dead-letters/dead-letter-id.js';

describe('dead-letter ids', () => {
  it('reads <topic>:<partition>:<offset>, topics with dots, dashes and underscores included', () => {
    expect(parseDeadLetterId('dlq.flow.renewals_v2-eu:3:1234567890123')).to.deep.equal({
      topic: 'dlq.flow.renewals_v2-eu',
      partition: 3,
      offset: '1234567890123',
    });
    expect(parseDeadLetterId('dlq.crm-main:0:007'), 'leading zeros are the same offset').to.deep.equal({
      topic: 'dlq.crm-main',
      partition: 0,
      offset: '7',
    });
  });

  it('refuses what is not an id, naming the expected shape', () => {
    for (const bad of [
      'dlq.crm-main',
      'dlq.crm-main:0',
      'dlq.crm-main:x:1',
      'dlq.crm-main:0:-1',
      'dlq/crm:0:1',
      ':0:1',
      'dlq.a:0:1:2',
      '',
    ]) {
      expect(() => parseDeadLetterId(bad), bad)
        .to.throw('expected <topic>:<partition>:<offset>')
        .with.property('code', 'DEAD_LETTER_ID_INVALID');
    }
  });

  it('formats and parses back any position', () => {
    const topic = fc.stringMatching(/^[A-Za-z0-9._-]{1,60}$/);
    const offset = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String);
    fc.assert(
      fc.property(topic, fc.integer({ min: 0, max: 100_000 }), offset, (name, partition, at) => {
        const position = { topic: name, partition, offset: at };
        expect(parseDeadLetterId(formatDeadLetterId(position))).to.deep.equal(position);
      }),
      { seed: 20260301, numRuns: 300 },
    );
  });
});
