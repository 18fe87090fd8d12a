import { expect } from 'chai';
import { deadLetterEntry } from '../../../../src/operations/dead-letters/dead-letter-entry.js';
import { matchesFilter, resolveFilter, stageMatches } from '../../../../src/operations/dead-letters/dead-letter-filter.js';
import { parsePointInTime } from '../../../../src/operations/dead-letters/point-in-time.js';
import { letter } from './dead-letter-fixtures.js';

const NOW = new Date('2026-03-10T12:00:00.000Z');

describe('dead-letter filters', () => {
  it('reads times as ISO date-times with zone, dates (midnight UTC) and ages', () => {
    expect(parsePointInTime('2026-03-01T08:00:00+08:00', 'since', NOW).toISOString()).to.equal('2026-03-01T00:00:00.000Z');
    expect(parsePointInTime('2026-03-01', 'since', NOW).toISOString()).to.equal('2026-03-01T00:00:00.000Z');
    expect(parsePointInTime('90m', 'since', NOW).toISOString()).to.equal('2026-03-10T10:30:00.000Z');
    expect(parsePointInTime('7d', 'since', NOW).toISOString()).to.equal('2026-03-03T12:00:00.000Z');
    for (const bad of ['yesterday', '2026-03-01T08:00:00', '2026-13-01', '5w', '']) {
      expect(() => parsePointInTime(bad, 'until', NOW), bad)
        .to.throw(/until .* is not a time/)
        .with.property('code', 'DEAD_LETTER_FILTER_INVALID');
    }
  });

  it('fixes relative times when resolved, so that a re-run selects the same window', () => {
    expect(resolveFilter({ since: '2h', until: '1h', code: 'X' }, NOW)).to.deep.equal({
      since: '2026-03-10T10:00:00.000Z',
      until: '2026-03-10T11:00:00.000Z',
      code: 'X',
    });
    expect(resolveFilter({}, NOW)).to.deep.equal({});
  });

  it("a time fixed from an age reaching before year 0 resolves again (a replay's filter is run again as stored)", () => {
    const fixed = resolveFilter({ until: '999999d' }, NOW);
    expect(fixed).to.deep.equal({ until: '0000-01-01T00:00:00.000Z' });
    expect(resolveFilter(fixed, NOW)).to.deep.equal(fixed);
  });

  it('refuses a topic that is not a dead-letter topic and an empty time range', () => {
    expect(() => resolveFilter({ topic: 'crm.customer.v1' }))
      .to.throw('not a dead-letter topic')
      .with.property('code', 'DEAD_LETTER_TOPIC_INVALID');
    expect(() => resolveFilter({ topic: 'dlq.' }))
      .to.throw()
      .with.property('code', 'DEAD_LETTER_TOPIC_INVALID');
    expect(() => resolveFilter({ since: '2026-03-02', until: '2026-03-01' }))
      .to.throw('is not before')
      .with.property('code', 'DEAD_LETTER_FILTER_INVALID');
  });

  it('selects by topic, error code, original topic and source', () => {
    const entry = letter({
      topic: 'dlq.flow.renewals',
      stage: 'flow:renewals',
      code: 'FLOW_STEP_FAILED',
      originalTopic: 'policy.policy.v1',
    });
    expect(matchesFilter(entry, {})).to.equal(true);
    expect(
      matchesFilter(entry, { topic: 'dlq.flow.renewals', code: 'FLOW_STEP_FAILED', originalTopic: 'policy.policy.v1', source: 'renewals' }),
    ).to.equal(true);
    expect(matchesFilter(entry, { topic: 'dlq.crm-main' })).to.equal(false);
    expect(matchesFilter(entry, { code: 'AVRO_DECODE_FAILED' })).to.equal(false);
    expect(matchesFilter(entry, { originalTopic: 'crm.customer.v1' })).to.equal(false);
    expect(matchesFilter(entry, { source: 'crm-main' })).to.equal(false);
  });

  it('selects by failure time: since inclusive, until exclusive', () => {
    const entry = letter({ failedAt: '2026-03-01T08:00:00.000Z' });
    expect(matchesFilter(entry, { since: '2026-03-01T08:00:00.000Z' })).to.equal(true);
    expect(matchesFilter(entry, { since: '2026-03-01T08:00:00.001Z' })).to.equal(false);
    expect(matchesFilter(entry, { until: '2026-03-01T08:00:00.000Z' })).to.equal(false);
    expect(matchesFilter(entry, { until: '2026-03-01T08:00:00.001Z' })).to.equal(true);
  });

  it('takes the Kafka time when a dead letter has no failed-at header', () => {
    const entry = deadLetterEntry({
      topic: 'dlq.x',
      partition: 0,
      offset: '0',
      key: null,
      value: null,
      headers: {},
      timestamp: String(Date.parse('2026-02-01T00:00:00.000Z')),
    });
    expect(entry.reason).to.include({
      failedAt: '2026-02-01T00:00:00.000Z',
      errorCode: 'UNKNOWN',
      stage: null,
      originalTopic: null,
      attempts: null,
      retriable: null,
    });
    expect(matchesFilter(entry, { until: '2026-02-01T00:00:01.000Z' })).to.equal(true);
    expect(matchesFilter(entry, { source: 'crm-main' })).to.equal(false);
  });

  it('matches a source by stage, kind, name or name without its detail', () => {
    expect(stageMatches('connector:crm-main', 'crm-main')).to.equal(true);
    expect(stageMatches('connector:crm-main', 'connector:crm-main')).to.equal(true);
    expect(stageMatches('connector:crm-main', 'connector')).to.equal(true);
    expect(stageMatches('connector:crm-main', 'crm')).to.equal(false);
    expect(stageMatches('flow:renewals/enrich', 'renewals')).to.equal(true);
    expect(stageMatches('flow:renewals/enrich', 'flow:renewals')).to.equal(true);
    expect(stageMatches('cli:import/customers.csv', 'import')).to.equal(true);
    expect(stageMatches('customer-view:identity', 'customer-view')).to.equal(true);
    expect(stageMatches('customer-view:identity', 'analytics')).to.equal(false);
    expect(stageMatches(null, 'crm-main')).to.equal(false);
  });
});
