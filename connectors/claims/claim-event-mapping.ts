import { createHash } from 'node:crypto';
import { HubError } from '../../src/errors/hub-error.js';

/**
 * The claims system's event, as it pushes it and lists it (GET /api/claim-events): one flat object
 * per step of handling (报案, 立案, 定损, 核赔, 支付, 结案…), amounts in yuan, dates as yyyyMMdd,
 * Beijing local times. Its mapping to the canonical crmhub.claim.Claim lives here.
 */

export interface ClaimMappingOptions {
  /** meta.sourceSystem of every record, e.g. claims. */
  sourceSystem: string;
  /** Offset of the system's local times (nodeTime, reportTime), e.g. +08:00. */
  utcOffset: string;
  /** damageCode (出险原因) to the canonical lossType. */
  lossTypes: Record<string, string>;
}

/** An event the claims system sent that cannot become a canonical Claim: never retried, the path says what to fix. */
export class ClaimEventError extends HubError {
  constructor(path: string, problem: string) {
    super('CLAIM_EVENT_INVALID', `${path}: ${problem}`, { retriable: false });
  }
}

/** nodeCode: the handling step the event reports. */
const EVENT_TYPES: Record<string, string> = {
  REPORT: 'ClaimReported',
  REGIST: 'ClaimRegistered',
  SURVEY: 'ClaimAssessed',
  VERIFY: 'ClaimApproved',
  PAY: 'ClaimPaid',
  ENDCASE: 'ClaimClosed',
  REJECT: 'ClaimRejected',
  RECASE: 'ClaimReopened',
};
/** claimStatus: 0 已报案, 1 已立案, 2 查勘定损中, 3 已核赔, 4 已支付, 5 已结案, 6 拒赔/注销, 7 重开. */
const STATUSES: Record<string, string> = { '0': 'REPORTED', '1': 'REGISTERED', '2': 'ASSESSING', '3': 'APPROVED', '4': 'PAID', '5': 'CLOSED', '6': 'REJECTED', '7': 'REOPENED' };

/** The event's own number: the webhook's idempotency key. */
export function claimEventNo(event: unknown): string {
  return text(asObject(event, 'event'), 'msgId');
}

/** The claim number (报案号) of an event, or '' when it has none (such an event is dead-lettered). */
export function claimNumberOf(event: unknown): string {
  const registNo = typeof event === 'object' && event !== null ? (event as Record<string, unknown>).registNo : undefined;
  return typeof registNo === 'string' ? registNo : '';
}

/** Maps one claims system event to a canonical Claim value (the JSON form of its Avro schema). */
export function toCanonicalClaim(event: unknown, options: ClaimMappingOptions): Record<string, unknown> {
  const e = asObject(event, 'event');
  const msgId = text(e, 'msgId');
  const claimNumber = text(e, 'registNo');
  const damageCode = text(e, 'damageCode');
  const lossType = options.lossTypes[damageCode];
  if (lossType === undefined) throw new ClaimEventError('damageCode', `${JSON.stringify(damageCode)} is not one of the codes ${Object.keys(options.lossTypes).join(', ')}`);
  const currency = optionalText(e, 'currency') ?? 'CNY';
  return {
    meta: {
      eventId: nameBasedUuid(`${options.sourceSystem}/${msgId}`),
      eventType: code(e, 'nodeCode', EVENT_TYPES),
      sourceSystem: options.sourceSystem,
      occurredAt: localTime(e, 'nodeTime', options.utcOffset),
      // Every step of one claim belongs to the same business transaction: the report.
      correlationId: claimNumber,
    },
    claimNumber,
    policyNumber: text(e, 'policyNo'),
    claimantCustomerId: optionalText(e, 'custNo'),
    lossDate: compactDate(e, 'damageDate'),
    reportedAt: localTime(e, 'reportTime', options.utcOffset),
    lossType,
    lossDescription: optionalText(e, 'damageRemark'),
    lossLocation: optionalText(e, 'damageAddress'),
    vehiclePlate: optionalText(e, 'licenseNo')?.replace(/[\s·•.-]/g, '').toUpperCase() ?? null,
    status: code(e, 'claimStatus', STATUSES),
    reserve: { amount: yuan(e, 'sumReserve'), currency },
    paid: { amount: yuan(e, 'sumPaid'), currency },
  };
}

/** Yuan as the system states it (12500, 12500.5, "12500.00") to the canonical "12500.50"; never through floating point. */
export function yuan(o: Record<string, unknown>, field: string): string {
  const raw = o[field];
  const given = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
  const match = typeof given === 'string' ? /^(-?)(\d{1,16})(?:\.(\d{1,2}))?$/.exec(given) : null;
  if (!match) throw new ClaimEventError(field, `must be yuan with at most two decimals, got ${JSON.stringify(raw)}`);
  return `${match[1]}${BigInt(match[2] as string)}.${(match[3] ?? '').padEnd(2, '0')}`;
}

/** yyyyMMdd to YYYY-MM-DD, refusing days that do not exist. */
export function compactDate(o: Record<string, unknown>, field: string): string {
  const raw = o[field];
  const match = typeof raw === 'string' ? /^(\d{4})(\d{2})(\d{2})$/.exec(raw) : null;
  if (!match || !existingDay(Number(match[1]), Number(match[2]), Number(match[3]))) throw new ClaimEventError(field, `must be a date as yyyyMMdd, got ${JSON.stringify(raw)}`);
  return `${match[1]}-${match[2]}-${match[3]}`;
}

/** 'yyyy-MM-dd HH:mm:ss' in the system's zone to an ISO UTC instant with milliseconds. */
export function localTime(o: Record<string, unknown>, field: string, utcOffset: string): string {
  const raw = o[field];
  const match = typeof raw === 'string' ? /^(\d{4})-(\d{2})-(\d{2}) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/.exec(raw) : null;
  if (!match || !existingDay(Number(match[1]), Number(match[2]), Number(match[3]))) throw new ClaimEventError(field, `must be a local time as yyyy-MM-dd HH:mm:ss, got ${JSON.stringify(raw)}`);
  return new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}${utcOffset}`).toISOString();
}

function existingDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function code(o: Record<string, unknown>, field: string, codes: Record<string, string>): string {
  const value = o[field];
  const mapped = typeof value === 'string' ? codes[value] : undefined;
  if (mapped === undefined) throw new ClaimEventError(field, `${JSON.stringify(value)} is not one of the codes ${Object.keys(codes).join(', ')}`);
  return mapped;
}

function text(o: Record<string, unknown>, field: string): string {
  const value = o[field];
  if (typeof value !== 'string' || value.trim() === '') throw new ClaimEventError(field, `must be a non-empty string, got ${JSON.stringify(value)}`);
  return value.trim();
}

function optionalText(o: Record<string, unknown>, field: string): string | null {
  return o[field] === undefined || o[field] === null || o[field] === '' ? null : text(o, field);
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ClaimEventError(path, `must be an object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

/** A UUID derived from the system's message id (RFC 4122 version 5 layout), so a re-read event keeps its eventId. */
function nameBasedUuid(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
