import { expect } from 'chai';
import { ConfigError } from '../../../../src/core/hub-error.js';
import { parseWindowDefinition } from '../../../../src/flows/time/window-definition.js';

describe('window options', () => {
  it('reads tumbling, hopping and session windows into milliseconds', () => {
    expect(parseWindowDefinition({ tumbling: '1d' }, 'window')).to.deep.equal({ kind: 'tumbling', sizeMs: 86_400_000 });
    expect(parseWindowDefinition({ hopping: '1h', advance: '5m' }, 'window')).to.deep.equal({
      kind: 'hopping',
      sizeMs: 3_600_000,
      advanceMs: 300_000,
    });
    expect(parseWindowDefinition({ session: '30m' }, 'window')).to.deep.equal({ kind: 'session', gapMs: 1_800_000 });
  });

  it('names the option of a duration that is not one', () => {
    expect(() => parseWindowDefinition({ hopping: '1h', advance: '5 min' }, 'steps[0].aggregate.window'))
      .to.throw(ConfigError, /^steps\[0\]\.aggregate\.window\.advance "5 min" is not a duration: give a whole number/)
      .with.property('code', 'DURATION_INVALID');
  });

  it('refuses an empty window and an advance longer than the window', () => {
    expect(() => parseWindowDefinition({ session: '0m' }, 'window'))
      .to.throw(ConfigError, 'window.session must be longer than 0')
      .with.property('code', 'WINDOW_INVALID');
    expect(() => parseWindowDefinition({ hopping: '1h', advance: '90m' }, 'window'))
      .to.throw(ConfigError, 'window.advance 90m is longer than the window (1h): records between windows would count nowhere')
      .with.property('code', 'WINDOW_INVALID');
  });

  it('reads a zone as its offset east of UTC and names a zone that is not an offset', () => {
    expect(parseWindowDefinition({ tumbling: '1d', zone: '+08:00' }, 'window')).to.deep.equal({
      kind: 'tumbling',
      sizeMs: 86_400_000,
      offsetMs: 28_800_000,
    });
    expect(parseWindowDefinition({ hopping: '1h', advance: '30m', zone: '-05:30' }, 'window')).to.deep.equal({
      kind: 'hopping',
      sizeMs: 3_600_000,
      advanceMs: 1_800_000,
      offsetMs: -19_800_000,
    });
    expect(parseWindowDefinition({ tumbling: '1d', zone: 'Z' }, 'window')).to.deep.equal({ kind: 'tumbling', sizeMs: 86_400_000 });
    expect(() => parseWindowDefinition({ tumbling: '1d', zone: 'Asia/Shanghai' }, 'window'))
      .to.throw('window.zone "Asia/Shanghai" is not a UTC offset like +08:00')
      .with.property('code', 'WINDOW_INVALID');
  });
});
