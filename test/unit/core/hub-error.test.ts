import { expect } from 'chai';
import { ConfigError, HubError, describeError } from '../../../src/core/hub-error.js';

describe('HubError', () => {
  it('carries code, retriable flag, cause and its subclass name', () => {
    const cause = new Error('socket hang up');
    const error = new HubError('SINK_UNAVAILABLE', 'sink down', { retriable: true, cause });
    expect(error).to.be.instanceOf(Error);
    expect(error.code).to.equal('SINK_UNAVAILABLE');
    expect(error.retriable).to.equal(true);
    expect(error.cause).to.equal(cause);
    expect(error.name).to.equal('HubError');
  });

  it('makes configuration errors never retriable', () => {
    const error = new ConfigError('CONFIG_INVALID', 'bad');
    expect(error.retriable).to.equal(false);
    expect(error.name).to.equal('ConfigError');
  });

  it('describes foreign thrown values without losing their message', () => {
    expect(describeError(new TypeError('x is undefined'))).to.deep.equal({
      code: 'UNEXPECTED',
      message: 'x is undefined',
      retriable: false,
    });
    expect(describeError('plain string')).to.deep.equal({ code: 'UNEXPECTED', message: 'plain string', retriable: false });
    expect(describeError(new HubError('A', 'b', { retriable: true }))).to.deep.equal({ code: 'A', message: 'b', retriable: true });
  });
});

describe('HubError instanceof across copies of the module', () => {
  it('recognises errors made by another copy of the classes, by brand and class name', async () => {
    // A second, separately evaluated copy of the module, as a connector with its own copy of the SDK would have.
    const copy = (await import(`../../../src/core/hub-error.ts?copy=${Date.now()}`)) as typeof import('../../../src/core/hub-error.js');
    expect(copy.HubError).not.to.equal(HubError);
    const foreign = new copy.ConfigError('CONFIG_INVALID', 'from the copy');
    expect(foreign).to.be.instanceOf(HubError);
    expect(foreign).to.be.instanceOf(ConfigError);
    expect(new HubError('A', 'b')).not.to.be.instanceOf(ConfigError);
    expect(new Error('plain')).not.to.be.instanceOf(HubError);
    expect(describeError(foreign)).to.deep.equal({ code: 'CONFIG_INVALID', message: 'from the copy', retriable: false });
  });
});
