import { nameBasedUuid } from '../../src/core/name-based-uuid.js';
import { fieldReader } from '../../src/connect/sdk/field-reader.js';
import { HubError } from '../../src/core/hub-error.js';

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
const STATUSES: Record<string, string> = {
  '0': 'REPORTED',
  '1': 'REGISTERED',
  '2': 'ASSESSING',
  '3': 'APPROVED',
  '4': 'PAID',
  '5': 'CLOSED',
  '6': 'REJECTED',
  '7': 'REOPENED',
};

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
  if (lossType === undefined)
    throw new ClaimEventError(
      'damageCode',
      `${JSON.stringify(damageCode)} is not one of the codes ${Object.keys(options.lossTypes).join(', ')}`,
    );
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
    vehiclePlate:
      optionalText(e, 'licenseNo')
        ?.replace(/[\s·•.-]/g, '')
        .toUpperCase() ?? null,
    status: code(e, 'claimStatus', STATUSES),
    reserve: { amount: yuan(e, 'sumReserve'), currency },
    paid: { amount: yuan(e, 'sumPaid'), currency },
  };
}

const {
  text,
  optionalText,
  code,
  compactDate,
  localTime,
  yuan,
  object: asObject,
} = fieldReader((path, problem) => new ClaimEventError(path, problem));
