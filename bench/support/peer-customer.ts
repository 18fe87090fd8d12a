import { DIVISIONS } from '../../src/demo/synthetic/administrative-divisions.js';
import { residentIdNumber } from '../../src/demo/synthetic/resident-id-number.js';

const SURNAMES = [
  'wang',
  'li',
  'zhang',
  'liu',
  'chen',
  'yang',
  'huang',
  'zhao',
  'wu',
  'zhou',
  'xu',
  'sun',
  'ma',
  'zhu',
  'hu',
  'guo',
  'ouyang',
];
const GIVEN_NAMES = [
  'wei',
  'fang',
  'na',
  'min',
  'jing',
  'qiang',
  'lei',
  'jun',
  'yang',
  'jie',
  'xiuying',
  'guiying',
  'haibo',
  'junjie',
  'haoran',
  'xinyi',
];
/** A quarter of the customers are bronze, which the job drops. */
export const PEER_SEGMENTS = ['platinum', 'gold', 'silver', 'bronze'] as const;

/** Customer `index` of the peer job's input as the JSON record it is on the topic (premium a number with cents); deterministic. */
export function peerCustomer(index: number): Record<string, unknown> {
  const division = DIVISIONS[index % DIVISIONS.length]!;
  const birthDate = `${1950 + (index % 55)}-${String(1 + (index % 12)).padStart(2, '0')}-${String(1 + (index % 28)).padStart(2, '0')}`;
  return {
    customerId: `P${String(index).padStart(9, '0')}`,
    name: `${SURNAMES[index % SURNAMES.length]} ${GIVEN_NAMES[Math.floor(index / SURNAMES.length) % GIVEN_NAMES.length]}`,
    idNumber: residentIdNumber(division.code, birthDate, 1 + (index % 998)),
    phone: `139${String(index % 100_000_000).padStart(8, '0')}`,
    segment: PEER_SEGMENTS[index % PEER_SEGMENTS.length],
    // Parsed from its decimal text, so that it is the double nearest to the cents written.
    premium: Number(`${800 + (index % 9_000)}.${String(index % 100).padStart(2, '0')}`),
  };
}

/** The peer job as a crm-hub flow: drop bronze, rename, upper-case, premium × 1.06 to cents, birth date from the ID. */
export function peerJobFlow(name: string, input: string, output: string, concurrency: number): string {
  return `name: ${name}
description: benchmark - the peer-comparable customer job
from: ${input}
steps:
  - filter: segment != "bronze"
  - map:
      schema: crmhub.bench.PeerPolicyholder
      fields:
        id: customerId
        fullName: $uppercase(name)
        nationalId: idNumber
        mobile: phone
        tier: segment
        grossPremium: $round2($number(premium) * 1.06)
        birthDate: $birthDateFromId(idNumber)
  - set-key: id
to: { topic: ${output}, schema: crmhub.bench.PeerPolicyholder }
concurrency: ${concurrency}
topics:
  ${input}: { schema: crmhub.bench.PeerCustomer, format: json }
  ${output}: { schema: crmhub.bench.PeerPolicyholder }
`;
}
