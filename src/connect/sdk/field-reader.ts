/**
 * Reads fields of a back-office system's JSON as its mapping needs them — trimmed text, codes from
 * a table, yyyyMMdd dates, local times, yuan amounts — each refusal naming the field path through
 * the connector's own error, so that a dead letter says what to fix in the source system.
 */
export interface FieldReader {
  text(o: Record<string, unknown>, field: string, prefix?: string): string;
  optionalText(o: Record<string, unknown>, field: string, prefix?: string): string | null;
  code(o: Record<string, unknown>, field: string, codes: Record<string, string>, prefix?: string): string;
  /** yyyyMMdd to YYYY-MM-DD, refusing days that do not exist. */
  compactDate(o: Record<string, unknown>, field: string, prefix?: string): string;
  /** 'yyyy-MM-dd HH:mm:ss' in the system's zone to an ISO UTC instant with milliseconds. */
  localTime(o: Record<string, unknown>, field: string, utcOffset: string, prefix?: string): string;
  /** Yuan (number or string, at most two decimals) to the decimal string of our Money. */
  yuan(o: Record<string, unknown>, field: string, prefix?: string): string;
  object(value: unknown, path: string): Record<string, unknown>;
}

export function fieldReader(fail: (path: string, problem: string) => Error): FieldReader {
  const reader: FieldReader = {
    text(o, field, prefix = '') {
      const value = o[field];
      if (typeof value !== 'string' || value.trim() === '')
        throw fail(prefix + field, `must be a non-empty string, got ${JSON.stringify(value)}`);
      return value.trim();
    },
    optionalText(o, field, prefix = '') {
      return o[field] === undefined || o[field] === null || o[field] === '' ? null : reader.text(o, field, prefix);
    },
    code(o, field, codes, prefix = '') {
      const value = o[field];
      const mapped = typeof value === 'string' ? codes[value] : undefined;
      if (mapped === undefined)
        throw fail(prefix + field, `${JSON.stringify(value)} is not one of the codes ${Object.keys(codes).join(', ')}`);
      return mapped;
    },
    compactDate(o, field, prefix = '') {
      const raw = o[field];
      const match = typeof raw === 'string' ? /^(\d{4})(\d{2})(\d{2})$/.exec(raw) : null;
      if (!match || !existingDay(Number(match[1]), Number(match[2]), Number(match[3])))
        throw fail(prefix + field, `must be a date as yyyyMMdd, got ${JSON.stringify(raw)}`);
      return `${match[1]}-${match[2]}-${match[3]}`;
    },
    localTime(o, field, utcOffset, prefix = '') {
      const raw = o[field];
      const match = typeof raw === 'string' ? /^(\d{4})-(\d{2})-(\d{2}) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/.exec(raw) : null;
      if (!match || !existingDay(Number(match[1]), Number(match[2]), Number(match[3])))
        throw fail(prefix + field, `must be a local time as yyyy-MM-dd HH:mm:ss, got ${JSON.stringify(raw)}`);
      return new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}${utcOffset}`).toISOString();
    },
    yuan(o, field, prefix = '') {
      const raw = o[field];
      const given = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : raw;
      const match = typeof given === 'string' ? /^(-?)(\d{1,16})(?:\.(\d{1,2}))?$/.exec(given) : null;
      if (!match) throw fail(prefix + field, `must be yuan with at most two decimals, got ${JSON.stringify(raw)}`);
      return `${match[1]}${BigInt(match[2] as string)}.${(match[3] ?? '').padEnd(2, '0')}`;
    },
    object(value, path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw fail(path, `must be an object, got ${JSON.stringify(value)}`);
      return value as Record<string, unknown>;
    },
  };
  return reader;
}

function existingDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
