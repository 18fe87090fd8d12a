import { expect } from 'chai';
import { explainInvalidValue } from '../../../../src/platform/avro/invalid-value-explanation.js';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { validateResidentIdNumber } from '../../../../src/domain/identifiers/resident-id-number.js';
import { IDENTITY_SOURCE_TOPICS } from '../../../../src/domain/identity/identity-observation.js';
import type { SyntheticEvent } from '../../../../src/demo/synthetic/synthetic-event.js';
import { generateSyntheticEvents } from '../../../../src/demo/synthetic/synthetic-events.js';

describe('synthetic identity events', () => {
  const events = [...generateSyntheticEvents({ seed: 7, persons: 400 })];

  it('are the same for the same seed and differ for another', () => {
    const again = [...generateSyntheticEvents({ seed: 7, persons: 400 })];
    expect(again).to.deep.equal(events);
    const other = [...generateSyntheticEvents({ seed: 8, persons: 400 })];
    expect(other.map((event) => (event.value.meta as { eventId: string }).eventId)).not.to.deep.equal(
      events.map((event) => (event.value.meta as { eventId: string }).eventId),
    );
  });

  it('are valid canonical records of the five identity topics', async () => {
    const catalog = await SchemaCatalog.load();
    for (const event of events) {
      expect(IDENTITY_SOURCE_TOPICS).to.include(event.topic);
      const problems: string[] = [];
      catalog.type(catalog.topicInfo(event.topic).record).isValid(event.value, {
        errorHook: (path, value, type) => problems.push(`${path.join('.')}: ${explainInvalidValue(type, value)}`),
      });
      expect(problems, `${event.topic} ${JSON.stringify(event.value).slice(0, 200)}`).to.deep.equal([]);
    }
  });

  it('spread people over one to five systems with several events each, and carry the promised noise', () => {
    const systemsOf = new Map<string, Set<string>>();
    for (const event of events) systemsOf.set(event.personId, (systemsOf.get(event.personId) ?? new Set()).add(event.topic));
    expect(systemsOf.size).to.equal(400);
    const spread = new Set([...systemsOf.values()].map((topics) => topics.size));
    expect([...spread].sort()).to.include.members([1, 2, 3, 4, 5]);
    expect(events.length / 400).to.be.within(5, 12);
    const noise = new Set(events.flatMap((event) => event.noise));
    expect([...noise]).to.include.members([
      'nameVariant',
      'oldIdForm',
      'phoneChanged',
      'missingField',
      'sharedPhone',
      'sharedPlate',
      'invalidResidentId',
      'invalidMobile',
      'phoneFormat',
      'plateFormat',
    ]);
  });

  it('give every person a valid resident ID of their own; households share phones and plates but never an ID', () => {
    const idsOf = new Map<string, string>();
    for (const event of events.filter((event) => event.topic === 'crm.customer.v1' && event.noise.length === 0)) {
      const id = event.value.idNumber as string;
      expect(validateResidentIdNumber(id, '2026-12-31').ok).to.equal(true);
      const known = idsOf.get(id);
      if (known !== undefined) expect(known, id).to.equal(event.personId);
      idsOf.set(id, event.personId);
    }
    const sharedPhone = events.filter((event: SyntheticEvent) => event.noise.includes('sharedPhone') && event.topic === 'crm.customer.v1');
    const owners = new Map<string, Set<string>>();
    for (const event of sharedPhone) {
      const number = (event.value.phones as { number: string }[])[0]?.number as string;
      owners.set(number, (owners.get(number) ?? new Set()).add(event.personId));
    }
    expect([...owners.values()].some((persons) => persons.size === 2)).to.equal(true);
  });
});
