/**
 * A customer.golden.v1 value as the CRM's golden-record API takes it (统一客户视图), in the CRM's own
 * field names and codes: the reverse of customer-mapping.ts. Like that mapping it never throws: a
 * code the CRM has no symbol for is sent as null rather than failing the whole record.
 */
import { beijingTimeText } from './customer-mapping.js';

type Json = Record<string, unknown>;

const CUST_TYPES: Record<string, string> = { PERSON: 'P', ORGANIZATION: 'O' };
// OTHER has no CRM code (every unknown code reads as OTHER), so it goes back as null.
const CERT_TYPES: Record<string, string> = {
  RESIDENT_ID: '01',
  PASSPORT: '02',
  HK_MACAO_PERMIT: '03',
  TAIWAN_PERMIT: '04',
  FOREIGN_PERMANENT_RESIDENT: '05',
  UNIFIED_SOCIAL_CREDIT_CODE: '10',
};
const SEXES: Record<string, string> = { MALE: '1', FEMALE: '2' };
const ADDRESS_KINDS: Record<string, string> = { HOME: 'home', WORK: 'work', MAILING: 'mail', REGISTERED: 'reg' };
/** Golden field → the CRM field it is written to, so that `fieldSources` speaks the CRM's names too. */
const CRM_FIELDS: Record<string, string> = {
  customerType: 'custType',
  fullName: 'name',
  idType: 'certType',
  idNumber: 'certNo',
  birthDate: 'birthday',
  gender: 'sex',
  address: 'addr',
  policyNumbers: 'policyNos',
  vehiclePlates: 'plateNos',
};

const code = (table: Record<string, string>, value: unknown): string | null => (typeof value === 'string' ? (table[value] ?? null) : null);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** The CRM customer numbers among the golden record's members, each once, in member order. */
export function crmCustomerNumbers(golden: Json): string[] {
  const members = Array.isArray(golden.members) ? (golden.members as Json[]) : [];
  return [
    ...new Set(
      members.filter((member) => member.system === 'crm' && typeof member.systemId === 'string').map((member) => member.systemId as string),
    ),
  ];
}

/**
 * The body of PUT /api/customers/{custNo}/golden-record. `goldenId` is always the golden customer
 * the CRM customer belongs to now: for a MERGED record that is the survivor, and `mergedFromGoldenId`
 * names the id that went away. A merge and the survivor's update travel on different keys, so either
 * may arrive last; a MERGED write therefore keeps the full view (same person, maybe older) instead of
 * a bare pointer that would blank out the survivor's view written just before it.
 */
export function goldenToCrm(golden: Json, custNo: string): Json {
  const merged = golden.status === 'MERGED';
  const address = golden.address as Json | null | undefined;
  const meta = (golden.meta ?? {}) as Json;
  const members = Array.isArray(golden.members) ? (golden.members as Json[]) : [];
  const fieldSources = (golden.fieldSources ?? {}) as Record<string, unknown>;
  return {
    custNo,
    goldenId: merged ? golden.mergedIntoGoldenId : golden.goldenId,
    mergedFromGoldenId: merged ? golden.goldenId : null,
    custType: code(CUST_TYPES, golden.customerType),
    name: golden.fullName ?? null,
    certType: code(CERT_TYPES, golden.idType),
    certNo: golden.idNumber ?? null,
    birthday: typeof golden.birthDate === 'string' ? golden.birthDate.replaceAll('-', '') : null,
    sex: code(SEXES, golden.gender),
    mobile: golden.mobile ?? null,
    email: golden.email ?? null,
    addr: address
      ? [
          {
            kind: code(ADDRESS_KINDS, address.type),
            prov: address.province,
            city: address.city,
            dist: address.district ?? null,
            detail: address.street,
            zip: address.postalCode ?? null,
          },
        ]
      : [],
    policyNos: strings(golden.policyNumbers),
    plateNos: strings(golden.vehiclePlates),
    // The customer's own entry is left out: a cross-reference points elsewhere.
    xrefs: members
      .filter((member) => !(member.system === 'crm' && member.systemId === custNo))
      .map((member) => ({ system: member.system, id: member.systemId })),
    fieldSources: Object.fromEntries(Object.entries(fieldSources).map(([field, system]) => [CRM_FIELDS[field] ?? field, system])),
    updateTime: typeof golden.updatedAt === 'string' ? beijingTimeText(golden.updatedAt) : null,
    sourceEventId: meta.eventId ?? null,
    operator: 'crm-hub',
  };
}
