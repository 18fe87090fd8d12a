import { expect } from 'chai';
import fc from 'fast-check';
import { REDACTED_SECRET, SecretRegistry } from '../../../src/observability/secret-registry.js';

describe('secret registry', () => {
  it('redacts every registered secret, including its URL-encoded and JSON-escaped forms, longest first', () => {
    const secrets = new SecretRegistry();
    secrets.register('pa$$ "w/rd"');
    secrets.register('pa$$');
    expect(secrets.redact('a pa$$ "w/rd" b')).to.equal('a [redacted] b');
    expect(secrets.redact(`url ${encodeURIComponent('pa$$ "w/rd"')} json {"p":${JSON.stringify('pa$$ "w/rd"')}}`)).to.equal('url [redacted] json {"p":"[redacted]"}');
    expect(secrets.redact('just pa$$')).to.equal('just [redacted]');
  });

  it('ignores values too short to be secrets', () => {
    const secrets = new SecretRegistry();
    secrets.register('abc');
    expect(secrets.size).to.equal(0);
    expect(secrets.redact('abc abc')).to.equal('abc abc');
  });

  it('never lets a registered secret through, whatever text surrounds it (property)', () => {
    // A secret made of the marker's own characters ("ed]x" before "x") could be spelled anew by the marker: not a real secret.
    const secret = fc.string({ minLength: 4, maxLength: 24 }).filter((text) => ![...text].some((character) => REDACTED_SECRET.includes(character)));
    fc.assert(
      fc.property(secret, fc.string(), fc.string(), (value, before, after) => {
        const secrets = new SecretRegistry();
        secrets.register(value);
        return !secrets.redact(`${before}${value}${after}`).includes(value);
      }),
      { seed: 20260301, numRuns: 500 },
    );
  });
});
