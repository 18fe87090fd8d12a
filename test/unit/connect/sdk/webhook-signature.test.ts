import { expect } from 'chai';
import { signWebhook, verifyWebhookSignature, WebhookSignatureError } from '../../../../src/connect/sdk/webhook-signature.js';

const body = Buffer.from('{"eventId":"e1","records":[]}');
const now = 1_795_000_000;

function codeOf(run: () => void): string {
  try {
    run();
    return 'OK';
  } catch (error) {
    expect(error).to.be.instanceOf(WebhookSignatureError);
    return (error as WebhookSignatureError).code;
  }
}

describe('webhook signatures', () => {
  it('accepts a fresh signature of the exact body', () => {
    expect(codeOf(() => verifyWebhookSignature('s3cret', body, signWebhook('s3cret', body, now), 300, now + 10))).to.equal('OK');
  });

  it('rejects a changed body, a wrong secret, a missing or malformed header and a stale timestamp', () => {
    const header = signWebhook('s3cret', body, now);
    expect(codeOf(() => verifyWebhookSignature('s3cret', Buffer.from(`${body} `), header, 300, now))).to.equal('SIGNATURE_MISMATCH');
    expect(codeOf(() => verifyWebhookSignature('other', body, header, 300, now))).to.equal('SIGNATURE_MISMATCH');
    expect(codeOf(() => verifyWebhookSignature('s3cret', body, undefined, 300, now))).to.equal('SIGNATURE_MISSING');
    expect(codeOf(() => verifyWebhookSignature('s3cret', body, 'sha256=abc', 300, now))).to.equal('SIGNATURE_MALFORMED');
    expect(codeOf(() => verifyWebhookSignature('s3cret', body, header, 300, now + 301))).to.equal('SIGNATURE_EXPIRED');
    expect(codeOf(() => verifyWebhookSignature('s3cret', body, header, 300, now - 301))).to.equal('SIGNATURE_EXPIRED');
  });

  it('cannot be replayed with a new timestamp without the secret', () => {
    const header = signWebhook('s3cret', body, now).replace(`t=${now}`, `t=${now + 1000}`);
    expect(codeOf(() => verifyWebhookSignature('s3cret', body, header, 300, now + 1000))).to.equal('SIGNATURE_MISMATCH');
  });
});
