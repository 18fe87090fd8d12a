import { expect } from 'chai';
import fc from 'fast-check';
import { REDACTED_SECRET, SecretRegistry } from '../../../../src/platform/observability/secret-registry.js';

describe('secret registry', () => {
  it('redacts every registered secret, including its URL-encoded and JSON-escaped forms, longest first', () => {
    const secrets = new SecretRegistry();
    secrets.register('pa$$ "w/rd"');
    secrets.register('pa$$');
    expect(secrets.redact('a pa$$ "w/rd" b')).to.equal('a [redacted] b');
    expect(secrets.redact(`url ${encodeURIComponent('pa$$ "w/rd"')} json {"p":${JSON.stringify('pa$$ "w/rd"')}}`)).to.equal(
      'url [redacted] json {"p":"[redacted]"}',
    );
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
    const secret = fc
      .string({ minLength: 4, maxLength: 24 })
      .filter((text) => ![...text].some((character) => REDACTED_SECRET.includes(character)));
    fc.assert(
      fc.property(secret, fc.string(), fc.string(), (value, before, after) => {
        const secrets = new SecretRegistry();
        secrets.register(value);
        return !secrets.redact(`${before}${value}${after}`).includes(value);
      }),
      { seed: 20260301, numRuns: 500 },
    );
  });

  it('redacts a secret quoted back in base64, standard or URL-safe, whole or inside a longer encoded text', () => {
    const secrets = new SecretRegistry();
    const password = 'chat-gpt-password/+?';
    secrets.register(password);
    const leaks = [
      Buffer.from(password).toString('base64'),
      Buffer.from(password).toString('base64url'),
      // A Basic header of a user name the registry was never told about, at each alignment of base64's 3-byte groups.
      ...['u', 'us', 'usr', 'user'].map((user) => Buffer.from(`${user}:${password}`).toString('base64')),
      Buffer.from(JSON.stringify({ credentials: password, n: 1 })).toString('base64url'),
    ];
    for (const leak of leaks) {
      const redacted = secrets.redact(`{"credentials":"${leak}"}`);
      expect(redacted, leak).to.contain(REDACTED_SECRET);
      for (const piece of redacted.split(/[^A-Za-z0-9+/_=-]+/)) {
        expect(Buffer.from(piece, 'base64').toString('latin1'), leak).not.to.contain(password.slice(2, -2));
      }
    }
  });

  it('redacts the whole Basic credentials of a known user, and form-encoded, lower-case hex and \\u-escaped forms', () => {
    const secrets = new SecretRegistry();
    secrets.register('pässwort mit Leerzeichen/&', { username: 'hub' });
    const value = 'pässwort mit Leerzeichen/&';
    expect(secrets.redact(`Basic ${Buffer.from(`hub:${value}`).toString('base64')}`)).to.equal(`Basic ${REDACTED_SECRET}`);
    expect(secrets.redact(`a=${new URLSearchParams({ a: value }).toString().slice(2)}`)).to.equal(`a=${REDACTED_SECRET}`);
    expect(secrets.redact(`?p=${encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())}`)).to.equal(
      `?p=${REDACTED_SECRET}`,
    );
    expect(secrets.redact(`{"p":"p\\u00e4sswort mit Leerzeichen\\/&"}`)).to.equal(`{"p":"${REDACTED_SECRET}"}`);
  });

  it('never looks for a short secret by its encoded forms, which would match by chance', () => {
    const secrets = new SecretRegistry();
    secrets.register('abcd');
    // "abcd" itself and its whole base64 (8 characters); no 4-character base64 fragment.
    expect(secrets.redact('YWJj YmNk')).to.equal('YWJj YmNk');
    expect(secrets.redact('abcd YWJjZA==')).to.equal(`${REDACTED_SECRET} ${REDACTED_SECRET}`);
  });
});
