import { nameBasedUuid } from '../../src/core/name-based-uuid.js';
import { fieldReader } from '../../src/connect/sdk/field-reader.js';
import { HubError } from '../../src/core/hub-error.js';

/**
 * The core policy system's event, as it sends it (webhook) and lists it (GET /api/policy-events),
 * and its mapping to the canonical crmhub.policy.Policy. Everything specific to that system's JSON
 * lives here: its field names, its codes, money in fen, dates as yyyyMMdd and local Beijing times.
 */

export const PRODUCT_LINES = ['MOTOR', 'HEALTH', 'LIFE', 'PROPERTY', 'ACCIDENT', 'LIABILITY', 'TRAVEL', 'OTHER'] as const;
export type ProductLine = (typeof PRODUCT_LINES)[number];

export interface PolicyMappingOptions {
  /** meta.sourceSystem of every record, e.g. core-policy. */
  sourceSystem: string;
  /** How the system states sumPremium and sumAmount. */
  amountUnit: 'fen' | 'yuan';
  /** Offset of the system's local times (eventTime, signTime), e.g. +08:00. */
  utcOffset: string;
  /** riskCode, or its first letter (the insurance class), to line of business; anything else is OTHER. */
  productLines: Record<string, ProductLine>;
}

/** An event the system sent that cannot become a canonical Policy: never retried, the path says what to fix. */
export class PolicyEventError extends HubError {
  constructor(path: string, problem: string) {
    super('POLICY_EVENT_INVALID', `${path}: ${problem}`, { retriable: false });
  }
}

const EVENT_TYPES: Record<string, string> = {
  NEW: 'PolicyIssued',
  ENDORSE: 'PolicyEndorsed',
  RENEW: 'PolicyRenewed',
  LAPSE: 'PolicyLapsed',
  CANCEL: 'PolicyCancelled',
};
/** polStatus: 0 未生效, 1 有效, 2 失效(中止), 3 注销/退保, 4 满期. */
const STATUSES: Record<string, string> = { '0': 'PENDING', '1': 'IN_FORCE', '2': 'LAPSED', '3': 'CANCELLED', '4': 'EXPIRED' };
/** certType: the system's identity document codes. */
const ID_TYPES: Record<string, string> = {
  '01': 'RESIDENT_ID',
  '03': 'PASSPORT',
  '05': 'HK_MACAO_PERMIT',
  '06': 'TAIWAN_PERMIT',
  '07': 'FOREIGN_PERMANENT_RESIDENT',
  '31': 'UNIFIED_SOCIAL_CREDIT_CODE',
  '99': 'OTHER',
};
/** useNature: A 家庭自用, B 非营业(企业/机关), C 营业(出租、网约车、货运). */
const VEHICLE_USAGES: Record<string, string> = { A: 'PRIVATE', B: 'COMMERCIAL', C: 'OPERATING' };
/** channelCode: 渠道. Unknown codes pass through as they are: channel is free text in the canonical model. */
const CHANNELS: Record<string, string> = {
  '01': 'DIRECT',
  '02': 'AGENT',
  '03': 'BROKER',
  '04': 'BANCASSURANCE',
  '05': 'ONLINE',
  '06': 'TELESALES',
};

// Ordinary plates (粤B12345) have 5 characters after the city letter, new-energy plates (沪AD12345) 6.
const PLATE =
  /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳]|[A-HJ-NP-Z0-9]{6})$/;

/** The event's own number: the webhook's idempotency key and the feed's record id. */
export function policyEventNo(event: unknown): string {
  return text(asObject(event, 'event'), 'eventNo');
}

/** The policy number of an event, or '' when it has none (such an event is dead-lettered). */
export function policyNumberOf(event: unknown): string {
  const policy = typeof event === 'object' && event !== null ? (event as Record<string, unknown>).policy : undefined;
  const polNo = typeof policy === 'object' && policy !== null ? (policy as Record<string, unknown>).polNo : undefined;
  return typeof polNo === 'string' ? polNo : '';
}

/** Maps one policy system event to a canonical Policy value (the JSON form of its Avro schema). */
export function toCanonicalPolicy(event: unknown, options: PolicyMappingOptions): Record<string, unknown> {
  const e = asObject(event, 'event');
  const eventNo = text(e, 'eventNo');
  const eventType = code(e, 'bizType', EVENT_TYPES);
  const occurredAt = localTime(e, 'eventTime', options.utcOffset);
  const p = asObject(e.policy, 'policy');
  const policyNumber = text(p, 'polNo', 'policy.');
  const riskCode = text(p, 'riskCode', 'policy.');
  const productLine = options.productLines[riskCode] ?? options.productLines[riskCode.charAt(0)] ?? 'OTHER';
  const car = p.car === undefined || p.car === null ? null : asObject(p.car, 'policy.car');
  if (productLine === 'MOTOR' && !car) throw new PolicyEventError('policy.car', `is required for the motor product ${riskCode}`);
  const insured = p.insured;
  if (!Array.isArray(insured) || insured.length === 0) throw new PolicyEventError('policy.insured', 'must list at least one insured party');
  return {
    meta: {
      eventId: nameBasedUuid(`${options.sourceSystem}/${eventNo}`),
      eventType,
      sourceSystem: options.sourceSystem,
      occurredAt,
      // The proposal (投保单) number is what the CRM quote and the policy share.
      correlationId: optionalText(p, 'proposalNo', 'policy.') ?? policyNumber,
    },
    policyNumber,
    productLine,
    productCode: riskCode,
    productName: text(p, 'riskName', 'policy.'),
    holder: party(p.appli, 'policy.appli'),
    insured: insured.map((item, index) => party(item, `policy.insured[${index}]`)),
    vehicle: car && productLine === 'MOTOR' ? vehicle(car) : null,
    premium: { amount: amount(p, 'sumPremium', options.amountUnit), currency: optionalText(p, 'currency', 'policy.') ?? 'CNY' },
    sumInsured: { amount: amount(p, 'sumAmount', options.amountUnit), currency: optionalText(p, 'currency', 'policy.') ?? 'CNY' },
    effectiveDate: compactDate(p, 'startDate'),
    expiryDate: compactDate(p, 'endDate'),
    issuedAt: localTime(p, 'signTime', options.utcOffset, 'policy.'),
    status: code(p, 'polStatus', STATUSES, 'policy.'),
    channel:
      p.channelCode === undefined || p.channelCode === null
        ? null
        : (CHANNELS[text(p, 'channelCode', 'policy.')] ?? text(p, 'channelCode', 'policy.')),
    agentCode: optionalText(p, 'agentCode', 'policy.'),
  };
}

function party(value: unknown, path: string): Record<string, unknown> {
  const o = asObject(value, path);
  return {
    customerId: optionalText(o, 'custNo', `${path}.`),
    name: text(o, 'name', `${path}.`),
    idType: code(o, 'certType', ID_TYPES, `${path}.`),
    idNumber: text(o, 'certNo', `${path}.`),
  };
}

function vehicle(car: Record<string, unknown>): Record<string, unknown> {
  const plate = text(car, 'licenseNo', 'policy.car.')
    .replace(/[\s·•.-]/g, '')
    .toUpperCase();
  if (!PLATE.test(plate)) throw new PolicyEventError('policy.car.licenseNo', `${JSON.stringify(car.licenseNo)} is not a licence plate`);
  return {
    plate,
    vin: optionalText(car, 'frameNo', 'policy.car.'),
    make: text(car, 'brandName', 'policy.car.'),
    model: text(car, 'modelName', 'policy.car.'),
    usage: code(car, 'useNature', VEHICLE_USAGES, 'policy.car.'),
  };
}

/** Fen (an integer, 386050) or yuan (at most two decimals, 3860.5 or "3860.50") to the canonical "3860.50". */
export function amount(o: Record<string, unknown>, field: string, unit: 'fen' | 'yuan', prefix = 'policy.'): string {
  const raw = o[field];
  const path = prefix + field;
  const given = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
  if (typeof given !== 'string') throw new PolicyEventError(path, `must be an amount in ${unit}, got ${JSON.stringify(raw)}`);
  if (unit === 'fen') {
    if (!/^-?\d{1,18}$/.test(given)) throw new PolicyEventError(path, `must be a whole number of fen, got ${JSON.stringify(raw)}`);
    const fen = BigInt(given);
    const abs = fen < 0n ? -fen : fen;
    return `${fen < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  }
  return yuan(o, field, prefix);
}

const reader = fieldReader((path, problem) => new PolicyEventError(path, problem));
const { text, optionalText, code, localTime, yuan, object: asObject } = reader;

/** yyyyMMdd to YYYY-MM-DD, under `policy.` unless told otherwise. */
function compactDate(o: Record<string, unknown>, field: string, prefix = 'policy.'): string {
  return reader.compactDate(o, field, prefix);
}
