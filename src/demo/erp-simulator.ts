import { startBackOfficeSimulator, type BackOfficeSimulator } from './back-office-simulator.js';
import type { BackOfficeRecord, Latency, SimulatorAuth } from './back-office-simulator-options.js';

/**
 * An ERP with an SAP-like JSON API: the customer master (`/api/customers`, keyed by the CRM id it
 * keeps in ZZCRMID; the ERP's own number, `ERP-000042`, is the `id` every write answers with) and
 * finance postings (`/api/postings`, keyed by the reference XBLNR). Amounts are strings, as in BAPIs.
 */
export interface ErpSimulatorOptions {
  port?: number;
  auth?: SimulatorAuth;
  latencyMs?: Latency;
  /** Company codes (BUKRS) that exist; others are refused with 422. */
  companyCodes?: readonly string[];
}

export const ERP_COMPANY_CODES = ['3100', '3200'] as const;

const AMOUNT = /^\d{1,16}\.\d{2}$/;

/** Customers already in the ERP, created there before the hub existed. */
export const ERP_SEED_CUSTOMERS: readonly BackOfficeRecord[] = [
  {
    ZZCRMID: 'C110100000001',
    BUKRS: '3100',
    KTOKD: 'Z001',
    NAME1: '李娜',
    STCDT: 'RESIDENT_ID',
    STCD1: '110101198204150025',
    TELF1: '13900001111',
    SMTP_ADDR: null,
    LAND1: 'CN',
    REGIO: '11',
    ORT01: '北京市',
    PSTLZ: '100010',
    STRAS: '东城区东长安街1号',
    KDGRP: 'SILVER',
    updatedAt: '2026-10-01T02:00:00.000Z',
  },
  {
    ZZCRMID: 'C440300000789',
    BUKRS: '3100',
    KTOKD: 'Z002',
    NAME1: '深圳市鹏程物流有限公司',
    STCDT: 'UNIFIED_SOCIAL_CREDIT_CODE',
    STCD1: '91440300MA5F1234XY',
    TELF1: '075586001234',
    SMTP_ADDR: 'finance@pengcheng-logistics.cn',
    LAND1: 'CN',
    REGIO: '44',
    ORT01: '深圳市',
    PSTLZ: '518000',
    STRAS: '南山区科技园南路88号',
    KDGRP: 'PLATINUM',
    updatedAt: '2026-10-02T02:00:00.000Z',
  },
];

function customerProblems(companyCodes: readonly string[]) {
  return (record: BackOfficeRecord): string[] => {
    const problems: string[] = [];
    if (typeof record.NAME1 !== 'string' || record.NAME1.trim() === '') problems.push('NAME1: is required');
    if (typeof record.STCD1 !== 'string' || record.STCD1 === '') problems.push('STCD1: tax number is required');
    if (typeof record.BUKRS !== 'string' || !companyCodes.includes(record.BUKRS))
      problems.push(`BUKRS: company code ${JSON.stringify(record.BUKRS)} does not exist`);
    if (record.KTOKD !== 'Z001' && record.KTOKD !== 'Z002')
      problems.push('KTOKD: account group must be Z001 (person) or Z002 (organisation)');
    return problems;
  };
}

function postingProblems(companyCodes: readonly string[]) {
  return (record: BackOfficeRecord): string[] => {
    const problems: string[] = [];
    if (typeof record.BUKRS !== 'string' || !companyCodes.includes(record.BUKRS))
      problems.push(`BUKRS: company code ${JSON.stringify(record.BUKRS)} does not exist`);
    if (typeof record.BUDAT !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(record.BUDAT))
      problems.push('BUDAT: posting date must be YYYY-MM-DD');
    const lines = Array.isArray(record.ITEMS) ? (record.ITEMS as BackOfficeRecord[]) : [];
    if (lines.length < 2) problems.push('ITEMS: a document needs at least two line items');
    let balance = 0;
    lines.forEach((line, index) => {
      if (typeof line.WRBTR !== 'string' || !AMOUNT.test(line.WRBTR))
        problems.push(`ITEMS[${index}].WRBTR: amount must be a string like "3860.50"`);
      else balance += (line.SHKZG === 'S' ? 1 : -1) * Math.round(Number(line.WRBTR) * 100);
      if (line.SHKZG !== 'S' && line.SHKZG !== 'H') problems.push(`ITEMS[${index}].SHKZG: must be S (debit) or H (credit)`);
      if (typeof line.HKONT !== 'string' || !/^\d{10}$/.test(line.HKONT))
        problems.push(`ITEMS[${index}].HKONT: G/L account must be 10 digits`);
    });
    if (balance !== 0) problems.push('ITEMS: debits and credits do not balance');
    return problems;
  };
}

/** Starts the ERP on 127.0.0.1 (any free port unless given), seeded with two customers. */
export function startErpSimulator(options: ErpSimulatorOptions = {}): Promise<BackOfficeSimulator> {
  const companyCodes = options.companyCodes ?? ERP_COMPANY_CODES;
  return startBackOfficeSimulator({
    name: 'erp',
    port: options.port,
    auth: options.auth,
    latencyMs: options.latencyMs,
    collections: {
      customers: { keyField: 'ZZCRMID', records: ERP_SEED_CUSTOMERS, validate: customerProblems(companyCodes) },
      postings: { keyField: 'XBLNR', validate: postingProblems(companyCodes) },
    },
  });
}
