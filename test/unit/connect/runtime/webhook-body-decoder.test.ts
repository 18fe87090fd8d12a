import { expect } from 'chai';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { decodeWebhookBody, WebhookBodyEncodingError } from '../../../../src/connect/runtime/webhook-body-decoder.js';

const JSON_UTF8 = 'application/json';

function refusal(run: () => unknown): WebhookBodyEncodingError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(WebhookBodyEncodingError);
    return error as WebhookBodyEncodingError;
  }
  return expect.fail('the body was decoded, not refused');
}

/**
 * Any text but a leading U+FEFF (read as a byte order mark and dropped) and, for GB18030, the BMP
 * private use area: iconv-lite encodes GB18030-2005, whose mapping of 19 private-use code points
 * GB18030-2022 (the WHATWG decoder's) moved to standard characters. Back offices send no such text.
 */
const text = fc.string({ unit: 'binary', maxLength: 200 }).filter((s) => !s.startsWith('\ufeff'));
const gb18030Text = text.map((s) => s.replace(/[\ue000-\uf8ff]/g, ''));

describe('webhook body decoding', () => {
  it('reads UTF-8 by default and the declared charset otherwise, GBK and GB18030 included', () => {
    const json = '{"fullName":"张三","street":"广州市天河区"}';
    expect(decodeWebhookBody(Buffer.from(json), undefined)).to.equal(json);
    expect(decodeWebhookBody(Buffer.from(json), JSON_UTF8)).to.equal(json);
    for (const label of ['gbk', 'GBK', 'gb2312', 'x-gbk', 'GB18030', '"gb18030"']) {
      expect(decodeWebhookBody(iconv.encode(json, 'gbk'), `application/json; charset=${label}`), label).to.equal(json);
    }
  });

  it('any text encoded in UTF-8 or GB18030 reads back as itself', () => {
    fc.assert(fc.property(text, (s) => decodeWebhookBody(Buffer.from(s, 'utf8'), 'application/json; charset=utf-8') === s));
    fc.assert(
      fc.property(
        gb18030Text,
        fc.constantFrom('gb18030', 'gbk'),
        (s, label) => decodeWebhookBody(iconv.encode(s, 'gb18030'), `application/json; charset=${label}`) === s,
      ),
    );
  });

  it('random bytes are decoded exactly or refused with 400 BODY_ENCODING_INVALID, never patched with U+FFFD', () => {
    const bytes = fc.uint8Array({ maxLength: 64 });
    fc.assert(
      fc.property(bytes, (raw) => {
        let decoded: string;
        try {
          decoded = decodeWebhookBody(raw, undefined);
        } catch (error) {
          return error instanceof WebhookBodyEncodingError && error.code === 'BODY_ENCODING_INVALID' && error.status === 400;
        }
        const bom = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf ? 3 : 0;
        return Buffer.from(decoded, 'utf8').equals(Buffer.from(raw.subarray(bom)));
      }),
      { numRuns: 2000 },
    );
    // GB18030 spells U+FFFD as 84 31 A4 37; bytes that hold it may rightly decode to it.
    const gbBytes = bytes.filter((raw) => !Buffer.from(raw).includes(Buffer.from([0x84, 0x31, 0xa4, 0x37])));
    fc.assert(
      fc.property(gbBytes, fc.constantFrom('gbk', 'gb18030'), (raw, label) => {
        try {
          return !decodeWebhookBody(raw, `application/json; charset=${label}`).includes('\ufffd');
        } catch (error) {
          return error instanceof WebhookBodyEncodingError && error.code === 'BODY_ENCODING_INVALID' && error.status === 400;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('names the offset of the first bad bytes, and says UTF-8 was assumed when no charset was declared', () => {
    const truncated = refusal(() => decodeWebhookBody(Buffer.from([0x7b, 0x22, 0x61, 0xe5, 0xbc, 0x22, 0x7d]), JSON_UTF8));
    expect(truncated.code).to.equal('BODY_ENCODING_INVALID');
    expect(truncated.message).to.contain('not valid UTF-8').and.to.contain('offset 3').and.to.contain('declares no charset');
    const cutShort = refusal(() => decodeWebhookBody(Buffer.from([0x7b, 0x7d, 0xe5, 0xbc]), undefined));
    expect(cutShort.message).to.contain('offset 2');
    // GBK sent without saying so is not UTF-8: refused, not stored as mojibake.
    const undeclared = refusal(() => decodeWebhookBody(iconv.encode('{"n":"张三"}', 'gbk'), JSON_UTF8));
    expect(undeclared.message).to.contain('offset 6');
    const badGbk = refusal(() => decodeWebhookBody(Buffer.from([0x7b, 0x81, 0x20, 0x7d]), 'application/json; charset=gbk'));
    expect(badGbk.status).to.equal(400);
    expect(badGbk.message).to.contain('not valid GBK').and.to.contain('offset 1').and.not.to.contain('declares no charset');
  });

  it('reads GBK as the WHATWG decoder does: a stray 0xFF refused, not dropped; standard characters, not private use ones', () => {
    // Node's own "gbk" (ICU) decodes {FF} to "{}" and A6D9 to U+E78D, even with fatal set.
    expect(refusal(() => decodeWebhookBody(Buffer.from([0x7b, 0xff, 0x7d]), 'application/json; charset=gbk')).code).to.equal(
      'BODY_ENCODING_INVALID',
    );
    expect(decodeWebhookBody(Buffer.from([0x22, 0xa6, 0xd9, 0x22]), 'application/json; charset=gbk')).to.equal('"\ufe10"');
    expect(decodeWebhookBody(Buffer.from([0x22, 0x80, 0x22]), 'application/json; charset=gbk')).to.equal('"€"');
  });

  it('accepts a byte order mark: UTF-8 whatever the label, and the GB18030 one', () => {
    const json = '{"n":"张三"}';
    expect(decodeWebhookBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]), JSON_UTF8)).to.equal(json);
    expect(
      decodeWebhookBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]), 'application/json; charset=gbk'),
    ).to.equal(json);
    expect(decodeWebhookBody(iconv.encode(`\ufeff${json}`, 'gb18030'), 'application/json; charset=gb18030')).to.equal(json);
  });

  it('refuses a charset it does not read with 415, naming the ones it does', () => {
    for (const label of ['latin1', 'utf-16', 'shift_jis', 'klingon']) {
      const error = refusal(() => decodeWebhookBody(Buffer.from('{}'), `application/json; charset=${label}`));
      expect(error.code, label).to.equal('BODY_ENCODING_UNSUPPORTED');
      expect(error.status).to.equal(415);
      expect(error.message).to.contain(`"${label}"`).and.to.contain('UTF-8, GBK, GB18030');
    }
  });

  it('takes an empty charset or an unparseable Content-Type for no charset: UTF-8, strictly', () => {
    expect(decodeWebhookBody(Buffer.from('{}'), 'application/json; charset=')).to.equal('{}');
    expect(decodeWebhookBody(Buffer.from('{}'), 'not a media type')).to.equal('{}');
    expect(refusal(() => decodeWebhookBody(Buffer.from([0xff]), 'not a media type')).code).to.equal('BODY_ENCODING_INVALID');
  });
});
