/**
 * How personal data is shown where people who need not see it look: logs (the flow log step's too),
 * dead-letter browsing, traces, the API for viewer tokens. Enough is kept to tell records apart and
 * to recognise one you hold in hand, never enough to use it. One mask per kind:
 * - resident ID number: the region and the last four (`440305********013X`; 15 digits `440305******013`)
 * - mobile: the prefix and the last four (`138****5678`, `+86138****5678`)
 * - e-mail address: the first character and the domain (`z***@example.com.cn`)
 * - any other personal text — names, addresses, plates, dates: the first character and, when long,
 *   the last two to four (`张*`, `粤****45`, `广************二路2号`)
 * - a personal value that is not text: `***`
 */

const RESIDENT_ID = /(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])/g;
const RESIDENT_ID_OLD = /(?<![0-9A-Za-z])(\d{6})(\d{6})(\d{3})(?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9A-Za-z])((?:\+?86[- ]?)?1[3-9]\d)(\d{4})(\d{4})(?![0-9A-Za-z])/g;
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/** Masks the resident ID numbers, mobile numbers and e-mail addresses found in free text. */
export function maskPersonalPatterns(text: string): string {
  return text
    .replace(RESIDENT_ID, (_match, region: string, _birth: string, tail: string) => `${region}********${tail}`)
    .replace(RESIDENT_ID_OLD, (_match, region: string, _birth: string, tail: string) => `${region}******${tail}`)
    .replace(MOBILE, (_match, head: string, _middle: string, tail: string) => `${head}****${tail}`)
    .replace(EMAIL, (_match, first: string, domain: string) => `${first}***@${domain}`);
}

/**
 * One value of a field marked pii: a string keeps its first character (a surname, a province on a
 * plate) and, when long, its last few; everything else of it is starred. Non-strings become "***".
 */
export function maskPersonalValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value !== 'string') return '***';
  const masked = maskPersonalPatterns(value);
  if (masked !== value) return masked;
  const characters = [...value];
  if (characters.length <= 1) return '*';
  if (characters.length <= 4) return characters[0] + '*'.repeat(characters.length - 1);
  const keep = characters.length >= 11 ? 4 : 2;
  return characters[0] + '*'.repeat(characters.length - 1 - keep) + characters.slice(-keep).join('');
}

/**
 * A copy of a record with the fields at `paths` masked (paths as SchemaCatalog.piiPaths gives
 * them: `fullName`, `phones[].number`, `holder.idNumber`; `[]` steps into arrays, `{}` into maps),
 * and every other string scanned for ID numbers, mobiles and e-mail addresses as a second line of
 * defence (free-text fields, records of unknown schemas).
 */
export function maskRecord(value: unknown, paths: readonly string[]): unknown {
  const copy = plain(value);
  for (const path of paths) maskAt(copy, path.split('.'));
  return maskStrings(copy);
}

/**
 * A copy of a value whose record is not known, with every field named in `names` masked at any depth
 * (the names of personal fields in every record are the best guide there is), and every other string
 * scanned as maskRecord scans it.
 */
export function maskFieldsNamed(value: unknown, names: ReadonlySet<string>): unknown {
  return maskStrings(maskNamed(plain(value), names));
}

function maskNamed(node: unknown, names: ReadonlySet<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => maskNamed(item, names));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, item]) => [
      key,
      !names.has(key) ? maskNamed(item, names) : Array.isArray(item) ? item.map(maskPersonalValue) : maskPersonalValue(item),
    ]),
  );
}

function plain(value: unknown): unknown {
  // Decoded Avro records are class instances; their JSON form is what is shown. It is a copy too.
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function maskAt(node: unknown, steps: string[]): void {
  if (node === null || typeof node !== 'object' || steps.length === 0) return;
  const [step, ...rest] = steps as [string, ...string[]];
  const into = step.endsWith('[]') ? 'array' : step.endsWith('{}') ? 'map' : 'field';
  const name = into === 'field' ? step : step.slice(0, -2);
  const record = node as Record<string, unknown>;
  if (!(name in record)) return;
  const children =
    into === 'array'
      ? Array.isArray(record[name])
        ? (record[name] as unknown[])
        : []
      : into === 'map'
        ? Object.values((record[name] ?? {}) as Record<string, unknown>)
        : undefined;
  if (children === undefined) {
    if (rest.length === 0) record[name] = maskPersonalValue(record[name]);
    else maskAt(record[name], rest);
    return;
  }
  if (rest.length === 0) {
    if (into === 'array') record[name] = children.map(maskPersonalValue);
    else
      record[name] = Object.fromEntries(
        Object.entries(record[name] as Record<string, unknown>).map(([key, item]) => [key, maskPersonalValue(item)]),
      );
    return;
  }
  for (const child of children) maskAt(child, rest);
}

function maskStrings(node: unknown): unknown {
  if (typeof node === 'string') return maskPersonalPatterns(node);
  if (Array.isArray(node)) return node.map(maskStrings);
  if (node !== null && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, maskStrings(item)]));
  return node;
}
