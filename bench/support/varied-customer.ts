import { DIVISIONS } from '../../src/demo/synthetic/administrative-divisions.js';
import { FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, SURNAMES } from '../../src/demo/synthetic/chinese-names.js';
import { residentIdNumber } from '../../src/demo/synthetic/resident-id-number.js';
import { sampleCustomer } from '../../test/fixtures/sample-records.js';

const SEGMENTS = ['PLATINUM', 'GOLD', 'SILVER', 'BRONZE', 'UNCLASSIFIED'] as const;

/**
 * Customer number `index`, a valid crm.customer.v1 record (JSON form) that differs from its
 * neighbours in every field a flow looks at, so no cache or branch predictor sees one record
 * again and again. Deterministic: the same index gives the same record. Every tenth is INACTIVE.
 */
export function variedCustomer(index: number): Record<string, unknown> {
  const base = sampleCustomer();
  const division = DIVISIONS[index % DIVISIONS.length]!;
  const female = index % 2 === 1;
  const given = female ? FEMALE_GIVEN_NAMES[index % FEMALE_GIVEN_NAMES.length]! : MALE_GIVEN_NAMES[index % MALE_GIVEN_NAMES.length]!;
  const birthDate = dateOf(1950 + (index % 50), 1 + (index % 12), 1 + (index % 28));
  const id = `C${String(index).padStart(10, '0')}`;
  const at = new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString();
  return {
    ...base,
    meta: {
      eventId: eventIdOf(index),
      eventType: 'CustomerUpdated',
      sourceSystem: 'crm',
      occurredAt: at,
      correlationId: `corr-bench-${index}`,
    },
    customerId: id,
    fullName: `${SURNAMES[index % SURNAMES.length]}${given}`,
    idNumber: residentIdNumber(division.code, birthDate, (index % 499) * 2 + (female ? 2 : 1)),
    birthDate,
    gender: female ? 'FEMALE' : 'MALE',
    phones: [
      { type: 'MOBILE', number: `13${String(index % 1_000_000_000).padStart(9, '0')}`, primary: true },
      { type: 'WORK', number: `${division.areaCode}-${String(80_000_000 + (index % 10_000_000))}`, primary: false },
    ],
    email: index % 3 === 0 ? null : `customer${index}@example.com.cn`,
    addresses: [
      {
        type: 'HOME',
        province: division.province,
        city: division.city,
        district: division.district,
        street: division.streets[index % division.streets.length],
        postalCode: division.postalCode,
        countryCode: 'CN',
      },
    ],
    valueSegment: SEGMENTS[index % SEGMENTS.length],
    status: index % 10 === 9 ? 'INACTIVE' : 'ACTIVE',
    updatedAt: at,
  };
}

function dateOf(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A UUID-shaped id that is a function of the index. */
function eventIdOf(index: number): string {
  const hex = index.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}
