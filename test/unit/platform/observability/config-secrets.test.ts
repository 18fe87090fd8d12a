import { expect } from 'chai';
import { configSecrets } from '../../../../src/platform/observability/config-secrets.js';
import { testPoller } from '../../../support/test-connectors.js';

describe('config secrets', () => {
  it('are the values under writeOnly properties, through oneOf, $ref and array items, and passwords of URLs', () => {
    const spec = testPoller.spec;
    expect(
      configSecrets(
        {
          url: 'https://feed.example.cn',
          auth: { type: 'basic', user: 'hub', password: 'pw-basic' },
          headers: [{ name: 'X-Key', value: 'hv-1' }],
        },
        spec,
      ),
    ).to.deep.equal(['pw-basic', 'hub:pw-basic', 'hv-1']);
    expect(
      configSecrets({ url: 'https://feed.example.cn', auth: { type: 'bearer', token: 'postgresql://dw:p%40ss@db/dw' } }, spec),
    ).to.deep.equal(['postgresql://dw:p%40ss@db/dw', 'p@ss', 'dw:p@ss']);
  });

  it('are all the values of a secret object (those long enough to look for), and none where nothing is marked', () => {
    const spec = { type: 'object', properties: { headers: { type: 'object', writeOnly: true }, url: { type: 'string' } } };
    expect(configSecrets({ headers: { Authorization: 'Bearer a1', 'X-Retry': 3 }, url: 'https://u:p@x' }, spec)).to.deep.equal([
      'Bearer a1',
    ]);
    expect(configSecrets({ url: 'https://x.example.cn' }, { type: 'object' })).to.deep.equal([]);
  });

  it('are the user info and credential query parameters of every URL, whatever its field, and user:password of Basic credentials', () => {
    const spec = {
      type: 'object',
      properties: {
        url: { type: 'string' },
        auth: { type: 'object', properties: { username: { type: 'string' }, password: { type: 'string', writeOnly: true } } },
      },
    };
    expect(
      configSecrets({ url: 'https://hub:s3cret-pw@feed.example.cn/{key}?tenant=acme&access_token=tok-123&sig=abcdef&q={value.id}' }, spec),
    ).to.deep.equal(['s3cret-pw', 'hub:s3cret-pw', 'tok-123', 'abcdef']);
    expect(configSecrets({ auth: { username: 'svc', password: 'pass-word' } }, spec)).to.deep.equal(['pass-word', 'svc:pass-word']);
  });
});
