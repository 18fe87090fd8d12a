import type { FromSchema } from 'json-schema-to-ts';
import type { IdentifierKind } from './identity-observation.js';
import { survivorshipPolicy, survivorshipPolicySchema, type SurvivorshipPolicy } from './survivorship-policy.js';

const confidence = { type: 'number', minimum: 0, maximum: 1 } as const;

/**
 * Options of identity resolution as they appear in the hub config; each default is declared here
 * and only here. Rule confidences are how sure a link by that identifier alone makes us: a resident
 * ID number or a system's own reference is the person, a shared mobile or plate may be a household.
 */
export const identityResolutionSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    survivorship: survivorshipPolicySchema,
    weakMatch: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Linking by exact normalized full name and birth date when no identifier matches.',
      properties: {
        enabled: { type: 'boolean', default: true },
        confidence: { ...confidence, default: 0.7, description: 'Confidence given to a link by name and birth date.' },
        minConfidence: {
          ...confidence,
          default: 0.6,
          description: 'Links by name and birth date are made only at or above this confidence.',
        },
      },
    },
    nameCheckedIdentifiers: {
      type: 'array',
      items: { type: 'string', enum: ['residentId', 'systemRef', 'policyNumber', 'mobile', 'plate', 'email'] },
      uniqueItems: true,
      default: ['mobile', 'plate', 'email'],
      description:
        "Identifiers a household may share: a link by them alone is refused when the names on both sides are clearly different people's.",
    },
    maxRecordsPerSharedIdentifier: {
      type: 'integer',
      minimum: 2,
      default: 50,
      description:
        "A mobile, plate or e-mail already held by this many other records links no further record: such a value is a placeholder (a shop's phone, 13800138000, a fleet's plate), not a household. Each record it is refused for gets a CONFLICT event; records linked through it before stay linked.",
    },
    ruleConfidence: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Confidence of a link by each kind of identifier.',
      properties: {
        residentId: { ...confidence, default: 1 },
        systemRef: { ...confidence, default: 1 },
        policyNumber: { ...confidence, default: 0.95 },
        mobile: { ...confidence, default: 0.9 },
        plate: { ...confidence, default: 0.85 },
        email: { ...confidence, default: 0.85 },
      },
    },
  },
} as const;

export type IdentityResolutionConfig = FromSchema<typeof identityResolutionSchema>;

export interface WeakMatchOptions {
  enabled: boolean;
  confidence: number;
  minConfidence: number;
}

export interface ResolverOptions {
  survivorship: SurvivorshipPolicy;
  weakMatch: WeakMatchOptions;
  ruleConfidence?: Partial<Record<IdentifierKind, number>>;
  nameCheckedIdentifiers?: IdentifierKind[];
  maxRecordsPerSharedIdentifier?: number;
}

/** What a caller may leave out: every part, and any field of each part. */
export interface ResolverOptionsInput {
  survivorship?: Partial<SurvivorshipPolicy>;
  weakMatch?: Partial<WeakMatchOptions>;
  ruleConfidence?: Partial<Record<IdentifierKind, number>>;
  nameCheckedIdentifiers?: readonly IdentifierKind[];
  maxRecordsPerSharedIdentifier?: number;
}

/** Options with every default applied, rule confidences complete. */
export interface EffectiveResolverOptions {
  survivorship: SurvivorshipPolicy;
  weakMatch: WeakMatchOptions;
  ruleConfidence: Record<IdentifierKind, number>;
  nameCheckedIdentifiers: ReadonlySet<IdentifierKind>;
  maxRecordsPerSharedIdentifier: number;
}

const WEAK = identityResolutionSchema.properties.weakMatch.properties;
const RULES = identityResolutionSchema.properties.ruleConfidence.properties;

export function effectiveResolverOptions(input: ResolverOptionsInput = {}): EffectiveResolverOptions {
  const rules = input.ruleConfidence ?? {};
  return {
    survivorship: survivorshipPolicy(input.survivorship),
    weakMatch: {
      enabled: input.weakMatch?.enabled ?? WEAK.enabled.default,
      confidence: input.weakMatch?.confidence ?? WEAK.confidence.default,
      minConfidence: input.weakMatch?.minConfidence ?? WEAK.minConfidence.default,
    },
    ruleConfidence: {
      residentId: rules.residentId ?? RULES.residentId.default,
      systemRef: rules.systemRef ?? RULES.systemRef.default,
      policyNumber: rules.policyNumber ?? RULES.policyNumber.default,
      mobile: rules.mobile ?? RULES.mobile.default,
      plate: rules.plate ?? RULES.plate.default,
      email: rules.email ?? RULES.email.default,
    },
    nameCheckedIdentifiers: new Set(input.nameCheckedIdentifiers ?? identityResolutionSchema.properties.nameCheckedIdentifiers.default),
    maxRecordsPerSharedIdentifier:
      input.maxRecordsPerSharedIdentifier ?? identityResolutionSchema.properties.maxRecordsPerSharedIdentifier.default,
  };
}

/** Whether the weak rule links at all: enabled, and its confidence not below the minimum it must reach. */
export function linksByNameAndBirthDate(options: EffectiveResolverOptions): boolean {
  const { enabled, confidence, minConfidence } = options.weakMatch;
  return enabled && confidence >= minConfidence;
}
