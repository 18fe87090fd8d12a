import type { AxiosResponse } from 'axios';
import { expect } from 'chai';
import type { BackOfficeRecord } from '../../../src/demo/back-office-simulator-options.js';
import { clientOf, simulatorsUnderTest } from './simulators-under-test.js';

interface ChangePage {
  items: BackOfficeRecord[];
  nextCursor: string | null;
}

/** Deterministic pseudo-random numbers in [0, 1), so that a failing case can be run again. */
function randomFrom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

// Six policies share one timestamp so that paging must also order by key inside one millisecond.
const seedPolicies: BackOfficeRecord[] = Array.from({ length: 20 }, (_, i) => ({
  policyNumber: `P-${String(i).padStart(3, '0')}`,
  premium: i,
  updatedAt: new Date(Date.UTC(2024, 0, 1, 0, Math.max(0, i - 5))).toISOString(),
}));

describe('back-office simulator change paging', () => {
  const start = simulatorsUnderTest();

  for (const pageSize of [1, 2, 3, 5, 8, 13, 40]) {
    it(`never skips a record while records change between pages of ${pageSize}`, async () => {
      const policyAdmin = await start({
        name: 'PAS',
        maxPageSize: 50,
        collections: { policies: { keyField: 'policyNumber', records: seedPolicies } },
      });
      const api = clientOf(policyAdmin);
      const random = randomFrom(pageSize);
      const pick = (keys: string[]): string => keys[Math.floor(random() * keys.length)] ?? 'P-000';
      const seen: BackOfficeRecord[] = [];
      let cursor: string | null = null;
      for (let page = 0; ; page++) {
        const response: AxiosResponse<ChangePage> = await api.get('/policies', {
          params: { limit: pageSize, cursor: cursor ?? undefined },
        });
        expect(response.status).to.equal(200);
        seen.push(...response.data.items);
        cursor = response.data.nextCursor;
        if (cursor === null) break;
        expect(response.data.items, 'a page before the last is full').to.have.length(pageSize);
        if (page >= 10) continue;
        const keys = policyAdmin.records('policies').map((record) => String(record.policyNumber));
        for (let change = 0; change < 3; change++) {
          const key = random() < 0.3 ? `N-${page}-${change}` : pick(keys);
          if (random() < 0.5) expect((await api.put(`/policies/${key}`, { premium: 1000 + page })).status).to.equal(200);
          else policyAdmin.upsert('policies', { policyNumber: key, premium: 2000 + page });
        }
      }

      const positions = seen.map((record) => `${record.updatedAt as string} ${record.policyNumber as string}`);
      for (let i = 1; i < positions.length; i++)
        expect(positions[i]! > positions[i - 1]!, `${positions[i]} after ${positions[i - 1]}`).to.equal(true);
      const lastSeen = new Map(seen.map((record) => [record.policyNumber, record]));
      for (const record of policyAdmin.records('policies'))
        expect(lastSeen.get(record.policyNumber), `latest ${String(record.policyNumber)}`).to.deep.equal(record);
    });
  }

  it('returns only records changed strictly after updatedSince', async () => {
    const at = (hour: number): string => `2024-03-01T${String(hour).padStart(2, '0')}:00:00.000Z`;
    const erp = await start({
      name: 'ERP',
      collections: {
        parts: {
          keyField: 'partNumber',
          updatedAtField: 'modified',
          records: [
            { partNumber: 'A', modified: at(7) },
            { partNumber: 'C', modified: at(8) },
            { partNumber: 'B', modified: at(8) },
            { partNumber: 'D', modified: at(9) },
          ],
        },
      },
    });
    const changedSince = async (since: string): Promise<unknown[]> =>
      (await clientOf(erp).get('/parts', { params: { updatedSince: since } })).data.items.map((part: BackOfficeRecord) => part.partNumber);
    expect(await changedSince(at(8))).to.deep.equal(['D']);
    expect(await changedSince('2024-03-01T09:00:00+01:00')).to.deep.equal(['D']);
    expect(await changedSince('2024-03-01T07:59:59.999Z')).to.deep.equal(['B', 'C', 'D']);
    expect(await changedSince(at(9))).to.deep.equal([]);
  });

  it('caps the page size at maxPageSize', async () => {
    const pas = await start({
      name: 'PAS',
      maxPageSize: 5,
      collections: { policies: { keyField: 'policyNumber', records: seedPolicies } },
    });
    for (const params of [{ limit: 500 }, {}]) {
      const response = await clientOf(pas).get('/policies', { params });
      expect(response.data.items).to.have.length(5);
      expect(response.data.nextCursor).to.be.a('string');
    }
  });

  it('answers 400 naming the query parameter that cannot be used', async () => {
    const pas = await start({ name: 'PAS', collections: { policies: { keyField: 'policyNumber' } } });
    for (const [query, parameter] of [
      ['limit=0', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['updatedSince=yesterday', 'updatedSince'],
      ['updatedSince=2024-03-01T08:00:00', 'updatedSince'],
      ['updatedSince=2024-02-31T08:00:00Z', 'updatedSince'],
      ['cursor=not-a-cursor', 'cursor'],
    ]) {
      const response = await clientOf(pas).get(`/policies?${query}`);
      expect(response.status, query).to.equal(400);
      expect(response.data.error.code).to.equal('INVALID_PARAMETER');
      expect(response.data.error.message, query).to.contain(`query parameter ${parameter}:`);
      expect(response.data.error.details[0], query).to.match(new RegExp(`^${parameter}: `));
    }
  });
});
