import type { FromSchema } from 'json-schema-to-ts';

/** The golden-record fields survivorship decides; idType always follows idNumber, so that a number never gets another document's type. */
export const SURVIVORSHIP_FIELDS = ['fullName', 'idNumber', 'birthDate', 'gender', 'mobile', 'email', 'address', 'customerType'] as const;
export type SurvivorshipField = (typeof SURVIVORSHIP_FIELDS)[number];

export const SURVIVORSHIP_STRATEGIES = ['mostRecent', 'mostTrusted'] as const;
export type SurvivorshipStrategy = (typeof SURVIVORSHIP_STRATEGIES)[number];

const strategy = { type: 'string', enum: SURVIVORSHIP_STRATEGIES } as const;

/**
 * Which member's value a golden record shows, per field. Each default is declared here and only
 * here. Contact details move (people change phones and flats), so the newest value wins for them;
 * who a person is — name, document, birth date — is best known by the system that checks papers.
 */
export const survivorshipPolicySchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    defaultStrategy: { ...strategy, default: 'mostTrusted', description: 'Strategy of every field without its own entry in `fields`.' },
    trustOrder: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
      default: ['crm', 'policy-admin', 'erp', 'claims', 'service-desk'],
      description: 'Member systems, most trusted first; systems not listed rank after all listed ones.',
    },
    fields: {
      type: 'object',
      additionalProperties: false,
      properties: {
        fullName: strategy,
        idNumber: strategy,
        birthDate: strategy,
        gender: strategy,
        mobile: strategy,
        email: strategy,
        address: strategy,
        customerType: strategy,
      },
      default: { mobile: 'mostRecent', email: 'mostRecent', address: 'mostRecent' },
      description: 'Strategy per golden-record field, overriding defaultStrategy.',
    },
  },
} as const;

export type SurvivorshipPolicyInput = FromSchema<typeof survivorshipPolicySchema>;

export interface SurvivorshipPolicy {
  defaultStrategy: SurvivorshipStrategy;
  trustOrder: readonly string[];
  fields: Partial<Record<SurvivorshipField, SurvivorshipStrategy>>;
}

const DEFAULTS = survivorshipPolicySchema.properties;

/** The policy with the schema's defaults filled in for whatever `input` leaves out. */
export function survivorshipPolicy(input: Partial<SurvivorshipPolicy> = {}): SurvivorshipPolicy {
  return {
    defaultStrategy: input.defaultStrategy ?? DEFAULTS.defaultStrategy.default,
    trustOrder: input.trustOrder ?? DEFAULTS.trustOrder.default,
    fields: input.fields ?? DEFAULTS.fields.default,
  };
}

/** One member's value of a field, with what survivorship weighs. */
export interface FieldCandidate<T> {
  system: string;
  memberKey: string;
  observedAt: string;
  value: T;
}

/** Picks, for one field, the candidate whose value the golden record shows, or undefined when no member has one. */
export type SurvivorshipChooser = <T>(field: SurvivorshipField, candidates: readonly FieldCandidate<T>[]) => FieldCandidate<T> | undefined;

/**
 * Compiles a policy once into the function golden records are built with. Empty values never
 * compete; ties fall to the other criterion, then to the member key, so that the same members
 * always give the same answer whatever order they are given in.
 */
export function survivorshipChooser(policy: SurvivorshipPolicy): SurvivorshipChooser {
  const ranks = new Map(policy.trustOrder.map((system, index) => [system, index]));
  const unranked = policy.trustOrder.length;
  const recentFirst = new Set(SURVIVORSHIP_FIELDS.filter((field) => (policy.fields[field] ?? policy.defaultStrategy) === 'mostRecent'));
  return <T>(field: SurvivorshipField, candidates: readonly FieldCandidate<T>[]): FieldCandidate<T> | undefined => {
    const mostRecent = recentFirst.has(field);
    let best: FieldCandidate<T> | undefined;
    for (const candidate of candidates) {
      if (isEmpty(candidate.value)) continue;
      if (best === undefined) {
        best = candidate;
        continue;
      }
      const recency = compareText(best.observedAt, candidate.observedAt);
      const trust = (ranks.get(candidate.system) ?? unranked) - (ranks.get(best.system) ?? unranked);
      const order = (mostRecent ? recency || trust : trust || recency) || compareText(candidate.memberKey, best.memberKey);
      if (order < 0) best = candidate;
    }
    return best;
  };
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
