import { expect } from 'chai';
import { configSecrets } from '../../../src/observability/config-secrets.js';
import { testPoller } from '../config/test-connectors.js';

describe('config secrets', () => {
  it('are the values under writeOnly properties, through oneOf, $ref and array items, and passwords of URLs', () => {
    const spec = testPoller.spec;
    expect(configSecrets({ url: 'https://feed.example.cn', auth: { type: 'basic', user: 'hub', password: 'pw-basic' }, headers: [{ name: 'X-Key', value: 'hv-1' }] }, spec)).to.deep.equal(['pw-basic', 'hv-1']);
    expect(configSecrets({ url: 'https://feed.example.cn', auth: { type: 'bearer', token: 'postgresql://dw:p%40ss@db/dw' } }, spec)).to.deep.equal(['postgresql://dw:p%40ss@db/dw', 'p@ss']);
  });

  it('are all the values of a secret object, and none where nothing is marked', () => {
    const spec = { type: 'object', properties: { headers: { type: 'object', writeOnly: true }, url: { type: 'string' } } };
    expect(configSecrets({ headers: { Authorization: 'Bearer a1', 'X-Retry': 3 }, url: 'https://u:p@x' }, spec)).to.deep.equal(['Bearer a1', '3']);
    expect(configSecrets({ url: 'https://x.example.cn' }, { type: 'object' })).to.deep.equal([]);
  });
});
