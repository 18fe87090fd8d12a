import { validateEmailAddress } from '../identifiers/email-address.js';
import { isLandlineNumber, validateMobileNumber } from '../identifiers/mobile-number.js';
import { validatePersonName } from '../identifiers/person-name.js';
import { validatePlateNumber } from '../identifiers/cn-plate-number.js';
import { birthDateOfResidentId, genderOfResidentId, validateResidentIdNumber } from '../identifiers/resident-id-number.js';
import { IdentityError } from './identity-error.js';
import {
  memberKey,
  type Extraction,
  type Identifier,
  type IdentifierKind,
  type InvalidIdentifier,
  type ObservedEvent,
  type PersonAttributes,
} from './identity-observation.js';

type Json = Record<string, unknown>;

const KIND_ORDER: readonly IdentifierKind[] = ['systemRef', 'residentId', 'policyNumber', 'mobile', 'plate', 'email'];

/**
 * Collects the identifiers and attributes of one record. Invalid resident IDs, mobiles and plates
 * are remembered rather than dropped: a record carrying one is quarantined whole, because linking
 * it by its other identifiers would hide the bad value inside a golden record nobody checks.
 */
class ObservationDraft {
  readonly identifiers: Identifier[] = [];
  readonly invalid: InvalidIdentifier[] = [];
  readonly attributes: PersonAttributes = {};

  constructor(private readonly today: string) {}

  add(kind: IdentifierKind, value: string): void {
    if (!this.identifiers.some((identifier) => identifier.kind === kind && identifier.value === value))
      this.identifiers.push({ kind, value });
  }

  systemRef(system: string, id: unknown): void {
    if (typeof id === 'string' && id.trim() !== '') this.add('systemRef', memberKey(system, id.trim()));
  }

  /** The person's identity document; only a resident ID number is an identifier. */
  document(fieldPrefix: string, idType: unknown, idNumber: unknown): void {
    if (typeof idType === 'string') this.attributes.idType = idType;
    if (idNumber === undefined || idNumber === null || idNumber === '') return;
    if (idType !== 'RESIDENT_ID') {
      if (typeof idNumber === 'string' && idNumber.trim() !== '') this.attributes.idNumber = idNumber.trim();
      return;
    }
    const checked = validateResidentIdNumber(idNumber, this.today);
    if (!checked.ok) {
      this.invalid.push({ field: `${fieldPrefix}idNumber`, kind: 'residentId', reason: checked.reason });
      return;
    }
    this.add('residentId', checked.value);
    this.attributes.idNumber = checked.value;
  }

  /** A number that must be a mobile (a MOBILE phone, a call-back number): anything but a landline that is not a mobile is invalid. */
  mobile(field: string, raw: unknown, landlineAllowed: boolean): string | undefined {
    if (raw === undefined || raw === null || raw === '') return undefined;
    const checked = validateMobileNumber(raw);
    if (checked.ok) {
      this.add('mobile', checked.value);
      return checked.value;
    }
    if (!(landlineAllowed && isLandlineNumber(raw))) this.invalid.push({ field, kind: 'mobile', reason: checked.reason });
    return undefined;
  }

  /** A HOME or WORK number: a mobile identifies, a landline or anything else is just not an identifier. */
  optionalMobile(raw: unknown): string | undefined {
    const checked = validateMobileNumber(raw);
    if (!checked.ok) return undefined;
    this.add('mobile', checked.value);
    return checked.value;
  }

  plate(field: string, raw: unknown): void {
    if (raw === undefined || raw === null || raw === '') return;
    const checked = validatePlateNumber(raw);
    if (checked.ok) this.add('plate', checked.value);
    else this.invalid.push({ field, kind: 'plate', reason: checked.reason });
  }

  email(raw: unknown): void {
    if (raw === undefined || raw === null || raw === '') return;
    // A malformed address is a contact problem, not an identity one: not kept, not quarantined.
    const checked = validateEmailAddress(raw);
    if (!checked.ok) return;
    this.add('email', checked.value);
    this.attributes.email = checked.value;
  }

  name(raw: unknown): void {
    const checked = validatePersonName(raw);
    if (checked.ok) this.attributes.fullName = checked.value;
  }

  /** Birth date and gender the record lacks, read from its resident ID number. */
  deriveFromResidentId(): void {
    const residentId = this.identifiers.find((identifier) => identifier.kind === 'residentId')?.value;
    if (residentId === undefined) return;
    this.attributes.birthDate ??= birthDateOfResidentId(residentId);
    if (this.attributes.gender === undefined || this.attributes.gender === 'UNKNOWN')
      this.attributes.gender = genderOfResidentId(residentId);
  }

  sortedIdentifiers(): Identifier[] {
    return [...this.identifiers].sort(
      (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
    );
  }
}

interface TopicReading {
  system: string;
  keyField: string;
  read(record: Json, draft: ObservationDraft): { mergedInto?: string };
}

const READINGS: Readonly<Record<string, TopicReading>> = {
  'crm.customer.v1': {
    system: 'crm',
    keyField: 'customerId',
    read(record, draft) {
      draft.name(record.fullName);
      if (typeof record.customerType === 'string') draft.attributes.customerType = record.customerType;
      if (typeof record.birthDate === 'string') draft.attributes.birthDate = record.birthDate;
      if (typeof record.gender === 'string' && record.gender !== 'UNKNOWN') draft.attributes.gender = record.gender;
      draft.document('', record.idType, record.idNumber);
      let primary: string | undefined;
      let first: string | undefined;
      (Array.isArray(record.phones) ? record.phones : []).forEach((phone: unknown, index) => {
        if (!isObject(phone) || phone.type === 'FAX') return;
        const mobile =
          phone.type === 'MOBILE' ? draft.mobile(`phones[${index}].number`, phone.number, false) : draft.optionalMobile(phone.number);
        if (mobile === undefined) return;
        first ??= mobile;
        if (phone.primary === true) primary ??= mobile;
      });
      const mobile = primary ?? first;
      if (mobile !== undefined) draft.attributes.mobile = mobile;
      draft.email(record.email);
      const addresses = (Array.isArray(record.addresses) ? record.addresses : []).filter(isObject);
      const address = addresses.find((candidate) => candidate.type === 'HOME') ?? addresses[0];
      if (address !== undefined) draft.attributes.address = address;
      const survivor =
        record.status === 'MERGED' && typeof record.mergedIntoCustomerId === 'string' ? record.mergedIntoCustomerId.trim() : '';
      return survivor !== '' && survivor !== record.customerId ? { mergedInto: memberKey('crm', survivor) } : {};
    },
  },
  'policy.policy.v1': {
    system: 'policy-admin',
    keyField: 'policyNumber',
    read(record, draft) {
      draft.add('policyNumber', text(record.policyNumber));
      // The member is the policy holder: the insured may be other people, with their own documents.
      const holder = isObject(record.holder) ? record.holder : {};
      draft.systemRef('crm', holder.customerId);
      draft.name(holder.name);
      draft.document('holder.', holder.idType, holder.idNumber);
      if (isObject(record.vehicle)) draft.plate('vehicle.plate', record.vehicle.plate);
      return {};
    },
  },
  'claims.claim.v1': {
    system: 'claims',
    keyField: 'claimNumber',
    read(record, draft) {
      if (typeof record.policyNumber === 'string' && record.policyNumber.trim() !== '')
        draft.add('policyNumber', record.policyNumber.trim());
      draft.plate('vehiclePlate', record.vehiclePlate);
      draft.systemRef('crm', record.claimantCustomerId);
      return {};
    },
  },
  'service.request.v1': {
    system: 'service-desk',
    keyField: 'ticketNumber',
    read(record, draft) {
      draft.name(record.callerName);
      const mobile = draft.mobile('callerPhone', record.callerPhone, true);
      if (mobile !== undefined) draft.attributes.mobile = mobile;
      draft.systemRef('crm', record.customerId);
      return {};
    },
  },
  'erp.customer-xref.v1': {
    system: 'erp',
    keyField: 'erpCustomerId',
    read(record, draft) {
      draft.systemRef('crm', record.customerId);
      return {};
    },
  },
};

/**
 * What a canonical record of one of IDENTITY_SOURCE_TOPICS says about a person: an observation, a
 * quarantine when it carries an invalid resident ID, mobile or plate, or `none` for other topics.
 * A record without its business key or event metadata cannot have passed its Avro schema, so it
 * is refused with an IdentityError rather than guessed at.
 */
export function extractObservation(topic: string, value: Record<string, unknown>): Extraction {
  const reading = READINGS[topic];
  if (reading === undefined) return { kind: 'none' };
  const systemId = requiredText(value[reading.keyField], reading.keyField, topic);
  const event = observedEvent(topic, systemId, value.meta);
  const draft = new ObservationDraft(event.occurredAt.slice(0, 10));
  draft.systemRef(reading.system, systemId);
  const { mergedInto } = reading.read(value, draft);
  if (draft.invalid.length > 0) return { kind: 'quarantine', system: reading.system, systemId, topic, invalid: draft.invalid, event };
  draft.deriveFromResidentId();
  return {
    kind: 'observation',
    observation: {
      system: reading.system,
      systemId,
      observedAt: event.occurredAt,
      identifiers: draft.sortedIdentifiers(),
      attributes: draft.attributes,
      event,
      ...(mergedInto === undefined ? {} : { mergedInto }),
    },
  };
}

function observedEvent(topic: string, reference: string, meta: unknown): ObservedEvent {
  if (!isObject(meta)) throw new IdentityError('IDENTITY_RECORD_INVALID', `${topic} record ${reference} has no meta`);
  const field = (name: string): string => requiredText(meta[name], `meta.${name}`, topic);
  const occurredAt = field('occurredAt');
  if (Number.isNaN(Date.parse(occurredAt)))
    throw new IdentityError('IDENTITY_RECORD_INVALID', `${topic} record ${reference}: meta.occurredAt must be an ISO instant`);
  return {
    eventId: field('eventId'),
    eventType: field('eventType'),
    topic,
    reference,
    occurredAt: new Date(occurredAt).toISOString(),
    correlationId: field('correlationId'),
  };
}

function requiredText(value: unknown, field: string, topic: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new IdentityError('IDENTITY_RECORD_INVALID', `${topic} record has no ${field}`);
  return value.trim();
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
