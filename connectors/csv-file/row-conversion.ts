import type avro from 'avsc';
import { explainInvalidValue } from '../../src/platform/avro/invalid-value-explanation.js';

export type CellType = 'string' | 'int' | 'decimal' | 'date' | 'timestamp' | 'boolean';

export interface ColumnMapping {
  /** Record field the cell goes to; dots reach into nested records (`meta.eventType`). */
  field: string;
  type: CellType;
}

export type Conversion = { ok: true; value: unknown } | { ok: false; reason: string };

const TRUE = new Set(['true', '1', 'yes', 'y', 't', '是']);
const FALSE = new Set(['false', '0', 'no', 'n', 'f', '否']);

/**
 * One cell as the JSON form of its field (schemas/README.md): an empty cell is null, dates
 * `yyyy-MM-dd` or `yyyyMMdd` become `YYYY-MM-DD`, decimals stay strings (never a float), timestamps
 * without a zone are read in `timeZone` (legacy exports are in local time, +08:00).
 */
export function convertCell(raw: string, type: CellType, timeZone = '+08:00'): Conversion {
  const text = raw.trim();
  if (text === '') return { ok: true, value: null };
  switch (type) {
    case 'string':
      return { ok: true, value: text };
    case 'int': {
      const n = Number(text);
      return /^[-+]?\d+$/.test(text) && Number.isSafeInteger(n)
        ? { ok: true, value: n }
        : { ok: false, reason: `${JSON.stringify(text)} is not an integer` };
    }
    case 'decimal': {
      const plain = text.replace(/,/g, '');
      return /^[-+]?\d+(\.\d+)?$/.test(plain)
        ? { ok: true, value: plain.replace(/^\+/, '') }
        : { ok: false, reason: `${JSON.stringify(text)} is not a decimal number` };
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return { ok: true, value: true };
      if (FALSE.has(lower)) return { ok: true, value: false };
      return { ok: false, reason: `${JSON.stringify(text)} is not a boolean (true/false, 1/0, yes/no, 是/否)` };
    }
    case 'date': {
      const match = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
      const iso = match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
      return iso && isRealDate(iso) && (text.length === 8 || text.length === 10)
        ? { ok: true, value: iso }
        : { ok: false, reason: `${JSON.stringify(text)} is not a date yyyy-MM-dd or yyyyMMdd` };
    }
    case 'timestamp': {
      const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2})?$/.exec(text);
      const date = match && isRealDate(match[1]!) ? new Date(`${match[1]}T${match[2]}${match[3] ?? timeZone}`) : undefined;
      return date && !Number.isNaN(date.getTime())
        ? { ok: true, value: date.toISOString() }
        : { ok: false, reason: `${JSON.stringify(text)} is not a timestamp yyyy-MM-dd HH:mm[:ss]` };
    }
  }
}

/** The record a row makes: the defaults, then every mapped cell; the first bad cell is the reason for quarantine. */
export function rowToValue(
  cells: Record<string, string>,
  columns: Record<string, ColumnMapping>,
  defaults: Record<string, unknown>,
  timeZone?: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  const value = structuredClone(defaults);
  for (const [header, mapping] of Object.entries(columns)) {
    const raw = cells[header];
    if (raw === undefined) return { ok: false, reason: `column ${header} is missing from the file` };
    const converted = convertCell(raw, mapping.type, timeZone);
    if (!converted.ok) return { ok: false, reason: `column ${header} (${mapping.field}): ${converted.reason}` };
    setPath(value, mapping.field, converted.value);
  }
  return { ok: true, value };
}

/** Why the value does not fit the topic's record type (every bad field, with its path), or undefined when it fits. */
export function schemaViolations(type: avro.Type, value: unknown): string | undefined {
  const problems: string[] = [];
  type.isValid(value, {
    errorHook: (path: string[], bad: unknown, badType: avro.Type) => {
      problems.push(`${path.join('.') || '(record)'}: ${explainInvalidValue(badType, bad)}`);
    },
  });
  return problems.length > 0 ? problems.join('; ') : undefined;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const steps = dotted.split('.');
  let current = target;
  for (const step of steps.slice(0, -1)) {
    if (typeof current[step] !== 'object' || current[step] === null) current[step] = {};
    current = current[step] as Record<string, unknown>;
  }
  current[steps[steps.length - 1]!] = value;
}

function isRealDate(iso: string): boolean {
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso);
}
