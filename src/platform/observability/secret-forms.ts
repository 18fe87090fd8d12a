/**
 * A base64 run shorter than this is not looked for: four to seven base64 characters turn up by
 * chance in ids, hashes and other encoded data, so a short secret is found by its plain forms only.
 */
export const SHORTEST_ENCODED_FORM = 8;

/**
 * Every way a secret is commonly written back by something that quotes it: as given, URL-encoded
 * (path or query, form encoding, lower-case hex), JSON-escaped (as JSON.stringify writes it, with
 * non-ASCII as \u escapes, with "/" escaped, or both as PHP does) and base64 (standard and
 * URL-safe, whole, and the part that stays the same wherever the secret sits inside a longer
 * encoded text — base64 of `user:password` in a Basic header, of a JSON document, of a token with
 * a prefix).
 */
export function secretForms(value: string): string[] {
  const forms = new Set<string>([value, ...urlForms(value), ...jsonForms(value)]);
  for (const encoded of base64Forms(value)) if (encoded.length >= SHORTEST_ENCODED_FORM) forms.add(encoded);
  return [...forms];
}

function urlForms(value: string): string[] {
  const component = encodeURIComponent(value);
  const form = new URLSearchParams([['', value]]).toString().slice(1);
  return [component, component.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()), form];
}

function jsonForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  // Python's json.dumps and others escape everything outside ASCII; PHP escapes "/".
  const ascii = json.replace(/[\u007f-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const escaped = [json, ascii, ascii.replace(/\\u([0-9a-f]{4})/g, (_escape, hex: string) => `\\u${hex.toUpperCase()}`)];
  return [...escaped, ...escaped.map((form) => form.replaceAll('/', '\\/'))];
}

/**
 * Base64 groups three bytes into four characters, so the characters a secret gives depend on how
 * many bytes come before it (0, 1 or 2, modulo 3). For each offset, the characters made only of the
 * secret's own bits are the same whatever surrounds it; those are what is looked for.
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  for (const before of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(before), bytes]).toString('base64');
    const first = Math.ceil((8 * before) / 6);
    const end = Math.floor((8 * (before + bytes.length)) / 6);
    forms.push(encoded.slice(first, end));
  }
  forms.push(bytes.toString('base64'));
  return forms.flatMap((form) => [form, toUrlSafe(form)]);
}

function toUrlSafe(base64: string): string {
  return base64.replaceAll('+', '-').replaceAll('/', '_');
}
