import { expect } from 'chai';
import fc from 'fast-check';
import { applySessionAssignment, assignSession } from '../../../../src/flows/time/session-windows.js';
import { windowIdentity, type TimeWindow } from '../../../../src/flows/time/time-window.js';

const GAP = 30;

/** Feeds records one by one as a step would, keeping a count per session and merging counts as assignments say. */
function feed(instants: readonly number[], gap: number): { sessions: TimeWindow[]; counts: Map<string, number> } {
  let sessions: TimeWindow[] = [];
  const counts = new Map<string, number>();
  for (const instant of instants) {
    const assignment = assignSession(sessions, instant, gap);
    const id = windowIdentity(assignment.window, 'g');
    let count = (counts.get(id) ?? 0) + 1;
    for (const merged of assignment.merged) {
      const mergedId = windowIdentity(merged, 'g');
      count += counts.get(mergedId) ?? 0;
      counts.delete(mergedId);
    }
    counts.set(id, count);
    sessions = applySessionAssignment(sessions, assignment);
  }
  return { sessions, counts };
}

/** Sessions computed from all the records at once: sorted, cut wherever two neighbours are a gap or more apart. */
function sessionsOf(instants: readonly number[], gap: number): { window: TimeWindow; count: number }[] {
  const sorted = [...instants].sort((a, b) => a - b);
  const sessions: { window: TimeWindow; count: number }[] = [];
  for (const instant of sorted) {
    const last = sessions.at(-1);
    if (last && instant < last.window.end) {
      last.window = { start: last.window.start, end: instant + gap };
      last.count += 1;
    } else sessions.push({ window: { start: instant, end: instant + gap }, count: 1 });
  }
  return sessions;
}

describe('session windows', () => {
  it('starts a session at a record and extends it by each record less than a gap after', () => {
    const first = assignSession([], 100, GAP);
    expect(first).to.deep.equal({ window: { start: 100, end: 130 }, merged: [] });
    const sessions = applySessionAssignment([], first);
    expect(assignSession(sessions, 110, GAP)).to.deep.equal({ window: { start: 100, end: 140 }, merged: [{ start: 100, end: 130 }] });
    // Inside the session without growing it: nothing replaced.
    expect(assignSession([{ start: 100, end: 140 }], 105, GAP)).to.deep.equal({ window: { start: 100, end: 140 }, merged: [] });
    // Exactly a gap after the last record: a new session.
    expect(assignSession(sessions, 130, GAP)).to.deep.equal({ window: { start: 130, end: 160 }, merged: [] });
    // Before the first record, less than a gap: the session starts earlier.
    expect(assignSession(sessions, 80, GAP)).to.deep.equal({ window: { start: 80, end: 130 }, merged: [{ start: 100, end: 130 }] });
  });

  it('merges the two sessions a record bridges and names both', () => {
    const sessions = [
      { start: 0, end: 30 },
      { start: 50, end: 80 },
    ];
    const bridge = assignSession(sessions, 25, GAP);
    expect(bridge).to.deep.equal({ window: { start: 0, end: 80 }, merged: sessions });
    expect(applySessionAssignment(sessions, bridge)).to.deep.equal([{ start: 0, end: 80 }]);
    expect(applySessionAssignment([...sessions, { start: 200, end: 230 }], bridge)).to.deep.equal([
      { start: 0, end: 80 },
      { start: 200, end: 230 },
    ]);
  });

  it('ends with the same sessions and the same counts in them whatever order the records arrive in', () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 60 })
          .chain((instants) => fc.tuple(fc.constant(instants), fc.shuffledSubarray(instants, { minLength: instants.length }))),
        fc.integer({ min: 1, max: 100 }),
        ([instants, arrival], gap) => {
          const expected = sessionsOf(instants, gap);
          const { sessions, counts } = feed(arrival, gap);
          expect(sessions).to.deep.equal(expected.map(({ window }) => window));
          expect([...counts.entries()].sort()).to.deep.equal(
            expected.map(({ window, count }) => [windowIdentity(window, 'g'), count]).sort(),
          );
        },
      ),
      { seed: 20261207 },
    );
  });
});
