import { expect } from 'chai';
import { parseRetryAfter } from '../../../../src/platform/http/retry-after.js';

describe('parseRetryAfter', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(parseRetryAfter('3', now)).to.equal(3000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:00:10 GMT', now)).to.equal(10_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 11:00:00 GMT', now)).to.equal(0);
    expect(parseRetryAfter('soon', now)).to.equal(undefined);
    expect(parseRetryAfter(undefined, now)).to.equal(undefined);
  });
});
