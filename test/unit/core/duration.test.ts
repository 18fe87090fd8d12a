import { expect } from 'chai';
import fc from 'fast-check';
import { DURATION_UNITS, durationForms, formatDuration, matchDuration, MS_PER_UNIT, parseDuration } from '../../../src/core/duration.js';
import { ConfigError } from '../../../src/core/hub-error.js';

describe('durations', () => {
  it('reads a whole number and one unit: ms, s, m, h or d', () => {
    expect(parseDuration('250ms', 'timeout')).to.equal(250);
    expect(parseDuration('30s', 'timeout')).to.equal(30_000);
    expect(parseDuration('30m', 'gap')).to.equal(1_800_000);
    expect(parseDuration('2h', 'grace')).to.equal(7_200_000);
    expect(parseDuration('1d', 'window')).to.equal(86_400_000);
    expect(parseDuration('3d', 'after')).to.equal(259_200_000);
    expect(parseDuration('0s', 'grace')).to.equal(0);
    expect(parseDuration('999999d', 'after')).to.equal(999_999 * 86_400_000);
  });

  it('refuses anything else, naming the option and the accepted forms', () => {
    for (const text of ['', '30', 'm', '1.5h', '-2h', '+2h', ' 2h', '2h ', '2 h', '1h30m', '2H', '1w', '1000000ms', 'PT2H', '2hours']) {
      expect(matchDuration(text), text).to.equal(undefined);
      expect(() => parseDuration(text, 'grace'), text)
        .to.throw(ConfigError, `grace ${JSON.stringify(text)} is not a duration: give ${durationForms()}`)
        .with.property('code', 'DURATION_INVALID');
    }
    expect(durationForms()).to.equal('a whole number of up to 6 digits followed by ms, s, m, h or d (250ms, 30s, 30m, 2h, 1d)');
  });

  it('takes only the units a caller allows, and says so', () => {
    expect(matchDuration('250ms', ['s', 'm', 'h', 'd'])).to.equal(undefined);
    expect(matchDuration('2h', ['s', 'm', 'h', 'd'])).to.equal(7_200_000);
    expect(() => parseDuration('250ms', 'age', ['h', 'd'])).to.throw(
      'age "250ms" is not a duration: give a whole number of up to 6 digits followed by h or d (2h, 1d)',
    );
  });

  it('writes a duration in the largest unit that divides it', () => {
    expect(formatDuration(86_400_000)).to.equal('1d');
    expect(formatDuration(90_000)).to.equal('90s');
    expect(formatDuration(5_400_000)).to.equal('90m');
    expect(formatDuration(1_500)).to.equal('1500ms');
    expect(formatDuration(0)).to.equal('0s');
  });

  it('reads back what it writes, in the same or a larger unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.constantFrom(...DURATION_UNITS), (count, unit) => {
        const ms = parseDuration(`${count}${unit}`, 'd');
        const written = formatDuration(ms);
        return (
          parseDuration(written, 'd') === ms &&
          MS_PER_UNIT[written.replace(/^\d+/, '') as keyof typeof MS_PER_UNIT] >= (count === 0 ? 0 : MS_PER_UNIT[unit])
        );
      }),
      { seed: 20261207 },
    );
  });
});
