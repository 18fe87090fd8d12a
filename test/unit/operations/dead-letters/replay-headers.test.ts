import { expect } from 'chai';
import { replayHeaders } from '../../../../src/operations/dead-letters/replay-headers.js';

describe('headers of a replayed record', () => {
  it('keeps the original headers, drops every dlq-* one and says where it came from', () => {
    const headers = {
      'correlation-id': 'corr-20261123-000001',
      'event-id': 'e-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'dlq-stage': 'flow:renewals',
      'dlq-error-code': 'FLOW_STEP_FAILED',
      'dlq-error-message': 'boom',
      'dlq-original-topic': 'policy.policy.v1',
      'dlq-failed-at': '2026-03-01T08:00:00.000Z',
      'dlq-flow-step': 'enrich',
      'DLQ-Odd-Case': 'x',
      // From an earlier replay of the same record: replaced, not doubled.
      'dlq-replayed-from': 'dlq.flow.renewals:0:1',
      'dlq-replay-id': 'old-replay',
    };
    const replayed = replayHeaders(
      headers,
      { id: 'dlq.flow.renewals:0:9', identity: 'dlq.flow.renewals:0:1', attempt: 2 },
      'replay-2',
      'policy.policy.v1',
    );
    // The same trace goes on in a new span, as a replay.
    expect(replayed.traceparent)
      .to.match(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/)
      .and.not.to.equal(headers.traceparent);
    expect({ ...replayed, traceparent: undefined }).to.deep.equal({
      'correlation-id': 'corr-20261123-000001',
      'event-id': 'e-1',
      traceparent: undefined,
      'hub-stage': 'replay:replay-2',
      'dlq-replayed-from': 'dlq.flow.renewals:0:9',
      'dlq-replay-id': 'replay-2',
      'dlq-dead-letter-id': 'dlq.flow.renewals:0:1',
      'dlq-dead-letter-attempt': '2',
      'dlq-replayed-to': 'policy.policy.v1',
    });
    expect(headers, "the dead letter's own headers are left as they are").to.have.property('dlq-stage', 'flow:renewals');
  });
});
