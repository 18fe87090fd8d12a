import { MIMEType } from 'node:util';
import { HubError } from '../../core/hub-error.js';

/**
 * The encodings a webhook body may be sent in, by their WHATWG Encoding Standard names. Every
 * label of these is accepted in the Content-Type charset (utf8, gb2312, x-gbk, GB18030, ...).
 * JSON between systems is UTF-8 (RFC 8259), hence the default.
 */
export const WEBHOOK_BODY_ENCODINGS = ['utf-8', 'gbk', 'gb18030'] as const;

export class WebhookBodyEncodingError extends HubError {
  constructor(
    code: 'BODY_ENCODING_INVALID' | 'BODY_ENCODING_UNSUPPORTED',
    message: string,
    /** 400 for bytes that are not the declared encoding, 415 for an encoding the hub does not read. */
    readonly status: 400 | 415,
  ) {
    super(code, message, { retriable: false });
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * The text of a webhook body: decoded strictly from the Content-Type charset (UTF-8 when none is
 * given), a leading byte order mark dropped. Bytes that are not valid in that encoding are refused
 * rather than replaced by U+FFFD, which would store "���" in place of a customer's name.
 * A UTF-8 BOM means UTF-8 whatever the label says, as the WHATWG `decode` algorithm has it.
 * The signature is checked over the raw bytes before this, never over the decoded text.
 */
export function decodeWebhookBody(raw: Uint8Array, contentType: string | undefined): string {
  const label = startsWith(raw, UTF8_BOM) ? 'utf-8' : (declaredCharset(contentType) ?? 'utf-8');
  const encoding = supportedEncoding(label);
  let text: string;
  try {
    text = new TextDecoder(decoderFor(encoding), { fatal: true }).decode(raw);
  } catch {
    const name = encoding.toUpperCase();
    const why = declaredCharset(contentType) === undefined ? ' (Content-Type declares no charset, so the body must be UTF-8)' : '';
    throw new WebhookBodyEncodingError(
      'BODY_ENCODING_INVALID',
      `the body is not valid ${name}: the bytes at offset ${firstInvalidByte(raw, decoderFor(encoding))} do not form a ${name} character${why}`,
      400,
    );
  }
  // TextDecoder drops a UTF-8 BOM itself; GB18030 spells U+FEFF as 84 31 95 33 and keeps it.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The WHATWG name of the encoding `label` stands for, if the hub reads it. */
function supportedEncoding(label: string): (typeof WEBHOOK_BODY_ENCODINGS)[number] {
  let encoding: string | undefined;
  try {
    encoding = new TextDecoder(label).encoding;
  } catch {
    // a label no encoding has
  }
  const supported = WEBHOOK_BODY_ENCODINGS.find((name) => name === encoding);
  if (supported) return supported;
  throw new WebhookBodyEncodingError(
    'BODY_ENCODING_UNSUPPORTED',
    `the body's charset "${label}" is not supported; supported: ${WEBHOOK_BODY_ENCODINGS.map((name) => name.toUpperCase()).join(', ')} (UTF-8 when Content-Type declares no charset)`,
    415,
  );
}

/**
 * GBK is read with the GB18030 decoder, as the WHATWG Encoding Standard defines it (GB18030 is
 * its superset). Node's own "gbk" is ICU's older table: it maps some 80 characters to private
 * use code points and drops a 0xFF byte without a word, even when fatal.
 */
function decoderFor(encoding: (typeof WEBHOOK_BODY_ENCODINGS)[number]): string {
  return encoding === 'gbk' ? 'gb18030' : encoding;
}

/** The charset parameter of a Content-Type; an unparseable header declares none (UTF-8 is strict enough to catch a mismatch). */
function declaredCharset(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  try {
    return new MIMEType(contentType).params.get('charset')?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where decoding first fails, for the error message: the longest prefix that decodes in streaming
 * mode (an unfinished sequence at its end is not yet an error) grows with the offset, so a binary
 * search finds it in a few decodes. Only run for a body already refused.
 */
function firstInvalidByte(raw: Uint8Array, encoding: string): number {
  const decodes = (length: number): boolean => {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(raw.subarray(0, length), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  if (decodes(raw.length)) return lastSequenceStart(raw, encoding); // only the end is cut short
  let good = 0;
  let bad = raw.length;
  while (bad - good > 1) {
    const middle = (good + bad) >>> 1;
    if (decodes(middle)) good = middle;
    else bad = middle;
  }
  return lastSequenceStart(raw.subarray(0, bad), encoding);
}

/** The offset of the sequence a failing (or unfinished) prefix ends in: back from its end to where the last complete text stops. */
function lastSequenceStart(prefix: Uint8Array, encoding: string): number {
  for (let start = prefix.length - 1; start > 0; start--) {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(prefix.subarray(0, start));
      return start;
    } catch {
      // still inside the bad sequence
    }
  }
  return 0;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}
