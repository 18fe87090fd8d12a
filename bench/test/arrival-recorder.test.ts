import { expect } from 'chai';
import { ArrivalRecorder } from '../support/arrival-recorder.js';

async function deliver(url: string, body: unknown): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await response.text();
  return response.status;
}

describe('arrival recorder', () => {
  let recorder: ArrivalRecorder;
  beforeEach(async () => {
    recorder = await ArrivalRecorder.start();
  });
  afterEach(() => recorder.close());

  it('times each event from the send time in its body, per run, and counts redeliveries apart', async () => {
    const sentAt = Date.now() - 5_000;
    const meta = (eventId: string) => ({ meta: { eventId, occurredAt: new Date(sentAt).toISOString() }, customerId: 'C1' });
    expect(await deliver(recorder.url, meta('run-a.0'))).to.equal(200);
    expect(await deliver(recorder.url, meta('run-a.1'))).to.equal(200);
    expect(await deliver(recorder.url, meta('run-a.1'))).to.equal(200);
    expect(await deliver(recorder.url, meta('run-b.0'))).to.equal(200);
    const summary = await recorder.waitFor('run-a', 2, 1_000);
    expect(summary).to.deep.include({ runId: 'run-a', arrived: 2, duplicates: 1 });
    // Sent five seconds ago: each latency is at least that, and not much more.
    expect(summary.latency.p50).to.be.within(5_000, 10_000);
    expect(recorder.summary('run-b').arrived).to.equal(1);
  });

  it('refuses a body without meta.eventId and meta.occurredAt (the sink dead-letters it) and counts it', async () => {
    expect(await deliver(recorder.url, { customerId: 'C1' })).to.equal(400);
    expect(recorder.unreadableBodies).to.equal(1);
  });

  it('gives up waiting after the timeout with what arrived', async () => {
    const summary = await recorder.waitFor('nobody', 1, 50);
    expect(summary.arrived).to.equal(0);
  });
});
