/**
 * The CRM's own JSON shape and how it maps to crm.customer.v1 (and flags back). Mapping never
 * throws: a value the CRM should not have sent stays as it is, so the runtime's Avro check
 * dead-letters the record with the field and the reason, and the other records flow on.
 */
type Json = Record<string, unknown>;

export interface EventMeta {
  eventId: string;
  eventType: string;
  sourceSystem: string;
  occurredAt: string;
  correlationId: string;
}

/** CRM certificate type codes (证件类型). */
const ID_TYPES: Record<string, string> = {
  '01': 'RESIDENT_ID',
  '02': 'PASSPORT',
  '03': 'HK_MACAO_PERMIT',
  '04': 'TAIWAN_PERMIT',
  '05': 'FOREIGN_PERMANENT_RESIDENT',
  '10': 'UNIFIED_SOCIAL_CREDIT_CODE',
};
const CUSTOMER_TYPES: Record<string, string> = { P: 'PERSON', O: 'ORGANIZATION' };
const GENDERS: Record<string, string> = { '1': 'MALE', '2': 'FEMALE' };
/** Customer value level A-D (客户等级). */
const SEGMENTS: Record<string, string> = { A: 'PLATINUM', B: 'GOLD', C: 'SILVER', D: 'BRONZE' };
const STATUSES: Record<string, string> = { '0': 'ACTIVE', '1': 'INACTIVE', '2': 'DECEASED', '3': 'MERGED' };
const ADDRESS_TYPES: Record<string, string> = { home: 'HOME', work: 'WORK', mail: 'MAILING', reg: 'REGISTERED' };
const FLAG_LEVELS: Record<string, string> = { INFO: '1', WARNING: '2', CRITICAL: '3' };

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const lookup = (table: Record<string, string>, value: unknown): string | undefined =>
  typeof value === 'string' ? table[value] : undefined;

/** yyyyMMdd → YYYY-MM-DD; anything else is kept for the schema check to refuse. */
export function crmDate(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return null;
  const match = typeof value === 'string' ? /^(\d{4})(\d{2})(\d{2})$/.exec(value) : null;
  return match ? `${match[1]}-${match[2]}-${match[3]}` : value;
}

/** 'yyyy-MM-dd HH:mm:ss' in Beijing time (the CRM stores no zone) → ISO-8601 UTC. */
export function crmBeijingTime(value: unknown): unknown {
  const match = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(value) : null;
  const parsed = match ? new Date(`${match[1]}T${match[2]}+08:00`) : undefined;
  return parsed && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : value;
}

/** ISO-8601 UTC → the CRM's Beijing-time text. */
export function beijingTimeText(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function customerFromCrm(crm: Json, meta: EventMeta): Json {
  const phones: Json[] = [];
  if (text(crm.mobile)) phones.push({ type: 'MOBILE', number: text(crm.mobile), primary: true });
  if (text(crm.tel)) phones.push({ type: 'HOME', number: text(crm.tel), primary: phones.length === 0 });
  // An address of a kind the canonical model does not know is left out rather than failing the customer.
  const addresses = (Array.isArray(crm.addr) ? (crm.addr as Json[]) : [])
    .filter((addr) => lookup(ADDRESS_TYPES, addr.kind) !== undefined)
    .map((addr) => ({
      type: lookup(ADDRESS_TYPES, addr.kind),
      province: addr.prov,
      city: addr.city,
      district: text(addr.dist),
      street: addr.detail,
      postalCode: text(addr.zip),
      countryCode: 'CN',
    }));
  return {
    meta,
    customerId: crm.custNo,
    customerType: lookup(CUSTOMER_TYPES, crm.custType) ?? crm.custType,
    fullName: text(crm.name) ?? undefined,
    idType: lookup(ID_TYPES, crm.certType) ?? 'OTHER',
    idNumber: typeof crm.certNo === 'string' ? crm.certNo.toUpperCase() : crm.certNo,
    birthDate: crmDate(crm.birthday),
    gender: lookup(GENDERS, crm.sex) ?? 'UNKNOWN',
    phones,
    email: text(crm.email),
    addresses,
    jobCategory: text(crm.occupationClass),
    valueSegment: lookup(SEGMENTS, crm.level) ?? 'UNCLASSIFIED',
    status: lookup(STATUSES, crm.state) ?? crm.state,
    mergedIntoCustomerId: text(crm.mergedTo),
    createdAt: crmBeijingTime(crm.createTime),
    updatedAt: crm.lastModified,
  };
}

/**
 * The customer folded into `survivor` by de-duplication. The CRM's merge event names only the
 * merged number; the merged record was a duplicate of the same person, so it keeps the survivor's
 * identity and says where downstream systems must re-point.
 */
export function mergedCustomer(survivor: Json, mergedCustomerId: string, meta: EventMeta): Json {
  return { ...survivor, meta, customerId: mergedCustomerId, status: 'MERGED', mergedIntoCustomerId: survivor.customerId };
}

/** A crm.customer-flag.v1 value as the CRM's flag API takes it (客户标记). */
export function flagToCrm(flag: Json): Json {
  const meta = (flag.meta ?? {}) as Json;
  return {
    level: lookup(FLAG_LEVELS, flag.severity) ?? '1',
    remark: flag.reason,
    policyNo: flag.policyNumber ?? null,
    claimNo: flag.claimNumber ?? null,
    lossRatio: flag.lossRatio ?? null,
    raisedTime: typeof flag.raisedAt === 'string' ? beijingTimeText(flag.raisedAt) : null,
    sourceEventId: meta.eventId ?? null,
    operator: 'crm-hub',
  };
}
