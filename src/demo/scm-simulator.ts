import { startBackOfficeSimulator, type BackOfficeSimulator } from './back-office-simulator.js';
import type { BackOfficeRecord, Latency, SimulatorAuth } from './back-office-simulator-options.js';

/**
 * A supply-chain system with an SAP-MM-like JSON API: stock per part and storage location
 * (`/api/stock`, changed-since paging; `matnr`, `werks`/`lgort`, `labst` on hand, `reserved`,
 * `minStock`) and part reservations (`POST /api/reservations`, keyed by `rsnum`). A reservation the
 * free stock cannot cover is refused with 409; an accepted one raises the stock's `reserved`.
 */
export interface ScmSimulatorOptions {
  port?: number;
  auth?: SimulatorAuth;
  latencyMs?: Latency;
  maxPageSize?: number;
}

export const stockId = (matnr: string, werks: string, lgort: string): string => `${matnr}/${werks}/${lgort}`;

const stock = (
  matnr: string,
  maktx: string,
  werks: string,
  lgort: string,
  labst: number,
  reserved: number,
  minStock: number,
  meins: string,
  stprs: string | null,
  updatedAt: string,
): BackOfficeRecord => ({
  stockId: stockId(matnr, werks, lgort),
  matnr,
  maktx,
  werks,
  lgort,
  labst,
  reserved,
  minStock,
  meins,
  stprs,
  waers: stprs ? 'CNY' : null,
  updatedAt,
});

/** Spare parts of an air-conditioner and car-parts after-sales network, in two plants. */
export const SCM_SEED_STOCK: readonly BackOfficeRecord[] = [
  stock('52119-06983', '前保险杠总成', 'WH-SZ', '01', 42, 5, 10, 'PCS', '1288.00', '2026-11-20T01:00:00.000Z'),
  stock('CMP-35-INV', '变频压缩机 1.5匹', 'WH-SZ', '01', 6, 1, 3, 'PCS', '1650.00', '2026-11-20T01:01:00.000Z'),
  stock('CAP-35UF', '压缩机启动电容 35μF', 'WH-SZ', '01', 120, 0, 40, 'PCS', '18.50', '2026-11-20T01:02:00.000Z'),
  stock('FLT-AC-01', '空调滤网', 'WH-SZ', '01', 8, 0, 20, 'PCS', null, '2026-11-20T01:03:00.000Z'),
  stock('R32-3KG', 'R32 制冷剂 3kg', 'WH-SZ', '02', 2, 2, 5, 'BTL', '260.00', '2026-11-20T01:04:00.000Z'),
  stock('52119-06983', '前保险杠总成', 'WH-SH', '01', 7, 0, 4, 'PCS', '1288.00', '2026-11-20T01:05:00.000Z'),
  stock('CMP-35-INV', '变频压缩机 1.5匹', 'WH-SH', '01', 0, 0, 2, 'PCS', '1650.00', '2026-11-20T01:06:00.000Z'),
  stock('OIL-5W30-4L', '全合成机油 5W-30 4L', 'WH-SH', '01', 64, 12, 24, 'BTL', '398.00', '2026-11-20T01:07:00.000Z'),
];

function reservationProblems(record: BackOfficeRecord): string[] {
  const problems: string[] = [];
  for (const field of ['matnr', 'werks', 'lgort', 'reference'])
    if (typeof record[field] !== 'string' || record[field] === '') problems.push(`${field}: is required`);
  if (!Number.isInteger(record.menge) || (record.menge as number) < 1) problems.push('menge: must be a whole number ≥ 1');
  return problems;
}

/** Starts the SCM on 127.0.0.1 (any free port unless given), seeded with eight stock records. */
export async function startScmSimulator(options: ScmSimulatorOptions = {}): Promise<BackOfficeSimulator> {
  const scm = await startBackOfficeSimulator({
    name: 'scm',
    port: options.port,
    auth: options.auth,
    latencyMs: options.latencyMs,
    maxPageSize: options.maxPageSize,
    collections: {
      stock: { keyField: 'stockId', records: SCM_SEED_STOCK },
      reservations: { keyField: 'rsnum', validate: reservationProblems },
    },
  });
  // Checked after validation and before the write; idempotent replays never get here.
  scm.rejectWhen((record, { collection, key }) => {
    if (collection !== 'reservations') return false;
    if (scm.records('reservations').some((known) => known.rsnum === key)) return false;
    const id = stockId(String(record.matnr), String(record.werks), String(record.lgort));
    const held = scm.records('stock').find((candidate) => candidate.stockId === id);
    const free = held ? Number(held.labst) - Number(held.reserved) : 0;
    if (!held || free < Number(record.menge)) return true;
    scm.upsert('stock', { ...held, reserved: Number(held.reserved) + Number(record.menge), updatedAt: undefined });
    return false;
  }, 409);
  return scm;
}

/** The body of the SCM's low-stock webhook for the given stock records. */
export function lowStockEvent(eventId: string, items: readonly BackOfficeRecord[]): BackOfficeRecord {
  return { eventId, event: 'STOCK_BELOW_MIN', items };
}
