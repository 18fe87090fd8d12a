import { expect } from 'chai';
import { IdentityResolver } from '../../../../src/domain/identity/identity-resolver.js';
import { evaluateResolution, pairwiseMatchQuality } from '../../../../src/domain/identity/match-quality.js';
import type { SyntheticEvent } from '../../../../src/demo/synthetic/synthetic-event.js';
import { generateSyntheticEvents, INVALIDATING_NOISE } from '../../../../src/demo/synthetic/synthetic-events.js';

describe('match quality', () => {
  it('counts pairs: precision over pairs put together, recall over pairs of one person', () => {
    // Person p has members a, b, c; person q has d. Golden g1 holds a, b, d; g2 holds c.
    const quality = pairwiseMatchQuality(
      [
        { memberKey: 'a', goldenId: 'g1', personId: 'p' },
        { memberKey: 'b', goldenId: 'g1', personId: 'p' },
        { memberKey: 'd', goldenId: 'g1', personId: 'q' },
        { memberKey: 'c', goldenId: 'g2', personId: 'p' },
      ],
      { events: 2, onlyMembers: 1 },
    );
    expect(quality).to.deep.include({
      truePairs: 3,
      predictedPairs: 3,
      correctPairs: 1,
      members: 4,
      goldens: 2,
      persons: 2,
      quarantinedEvents: 2,
      quarantinedOnlyMembers: 1,
    });
    expect(quality.precision).to.be.closeTo(1 / 3, 1e-12);
    expect(quality.recall).to.be.closeTo(1 / 3, 1e-12);
    expect(pairwiseMatchQuality([{ memberKey: 'a', goldenId: 'g', personId: 'p' }])).to.deep.include({ precision: 1, recall: 1 });
  });

  describe('on 5,000 synthetic persons', () => {
    let events: SyntheticEvent[];
    let run: ReturnType<typeof evaluateResolution>;
    before(function () {
      // About three seconds: generating, extracting and resolving some 39,000 events.
      this.timeout(20_000);
      events = [...generateSyntheticEvents({ seed: 42, persons: 5000 })];
      run = evaluateResolution(events, new IdentityResolver());
    });

    it('reaches precision >= 0.98 and recall >= 0.95', () => {
      const { quality } = run;
      console.log(
        `      ${run.events} events, ${quality.members} members of ${quality.persons} persons in ${quality.goldens} golden records: ` +
          `precision ${quality.precision.toFixed(4)}, recall ${quality.recall.toFixed(4)}, F1 ${quality.f1.toFixed(4)}; ` +
          `${quality.quarantinedEvents} events quarantined (${quality.quarantinedOnlyMembers} members only ever invalid)`,
      );
      expect(quality.persons).to.be.greaterThan(4900);
      expect(quality.precision).to.be.at.least(0.98);
      expect(quality.recall).to.be.at.least(0.95);
    });

    it('quarantines exactly the records made invalid on purpose', () => {
      const invalid = events.filter((event) => event.noise.some((noise) => (INVALIDATING_NOISE as readonly string[]).includes(noise)));
      expect(invalid.length).to.be.greaterThan(50);
      expect(run.quarantinedEvents).to.have.members(invalid);
    });
  });
});
