import type { SourceRecord } from '../../src/connect/sdk/connector-definition.js';

/** How the ERP's own JSON looks: SAP-style field names, amounts as strings with two decimals. */

type Value = Record<string, unknown>;

export const XREF_TOPIC = 'erp.customer-xref.v1';

export interface PostingAccounts {
  companyCode: string;
  receivableAccount: string;
  premiumIncomeAccount: string;
  documentType: string;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** erp.customer.v1 (crmhub.erp.ErpCustomer) → ERP customer master record. */
export function toErpCustomer(customer: Value, companyCode: string): Value {
  const address = (customer.billingAddress ?? null) as Value | null;
  return {
    ZZCRMID: customer.erpCustomerId,
    BUKRS: companyCode,
    // The account group decides number range and dunning: persons and organisations differ.
    KTOKD: customer.customerType === 'ORGANIZATION' ? 'Z002' : 'Z001',
    NAME1: customer.name,
    STCDT: customer.taxIdType,
    STCD1: customer.taxId,
    TELF1: text(customer.mobile),
    SMTP_ADDR: text(customer.email),
    LAND1: address ? (text(address.countryCode) ?? 'CN') : null,
    REGIO: address ? text(address.province) : null,
    ORT01: address ? text(address.city) : null,
    PSTLZ: address ? text(address.postalCode) : null,
    STRAS: address ? [text(address.district), text(address.street)].filter(Boolean).join('') : null,
    KDGRP: customer.segment ?? 'UNCLASSIFIED',
    ZZ_SRC_UPDATED: customer.sourceUpdatedAt,
  };
}

/** The cross-reference record the sink brings back once the ERP answered with its customer number. */
export function toCustomerXref(customer: Value, erpCustomerId: string, companyCode: string, linkedAt: string): SourceRecord {
  const meta = (customer.meta ?? {}) as Value;
  const customerId = String(customer.erpCustomerId);
  return {
    topic: XREF_TOPIC,
    key: customerId,
    value: {
      // Derived from the customer event, so a redelivered event yields the same event id.
      meta: {
        eventId: `${String(meta.eventId)}:xref`,
        eventType: 'ErpCustomerLinked',
        sourceSystem: 'erp',
        occurredAt: linkedAt,
        correlationId: String(meta.correlationId ?? meta.eventId),
      },
      customerId,
      erpCustomerId,
      erpCompany: companyCode,
      linkedAt,
    },
  };
}

/** The business key of a premium posting: a policy is posted once per event and period, whatever the event id. */
export function postingReference(policy: Value): string {
  const meta = (policy.meta ?? {}) as Value;
  return `${String(policy.policyNumber)}/${String(meta.eventType)}/${String(policy.effectiveDate)}`;
}

/** policy.policy.v1 (crmhub.policy.Policy) → FI document: debit receivable, credit premium income. */
export function toPremiumPosting(policy: Value, accounts: PostingAccounts): Value {
  const premium = policy.premium as Value;
  const amount = String(premium.amount);
  const holder = (policy.holder ?? {}) as Value;
  const meta = (policy.meta ?? {}) as Value;
  const postingDate = String(meta.occurredAt ?? policy.issuedAt).slice(0, 10);
  return {
    BUKRS: accounts.companyCode,
    BLART: accounts.documentType,
    BLDAT: String(policy.issuedAt).slice(0, 10),
    BUDAT: postingDate,
    WAERS: premium.currency ?? 'CNY',
    XBLNR: postingReference(policy),
    BKTXT: `${String(meta.eventType)} ${String(policy.policyNumber)}`.slice(0, 25),
    ITEMS: [
      {
        BUZEI: 1,
        HKONT: accounts.receivableAccount,
        SHKZG: 'S',
        WRBTR: amount,
        ZUONR: policy.policyNumber,
        KUNNR_EXT: text(holder.customerId),
      },
      { BUZEI: 2, HKONT: accounts.premiumIncomeAccount, SHKZG: 'H', WRBTR: amount, ZUONR: policy.policyNumber, PRCTR: policy.productCode },
    ],
  };
}
