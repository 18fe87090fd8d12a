import { expect } from 'chai';
import { describeConnector } from '../../../../src/connect/sdk/connector-spec-docs.js';
import exampleEcho from '../../../../connectors/example-echo/index.js';
import { testPoller } from '../../../support/test-connectors.js';

describe('connector spec docs', () => {
  it('renders every property with type, required or default, constraints, secret marker and description, nested objects indented', () => {
    expect(describeConnector(exampleEcho)).to.equal(
      [
        'example-echo 1.0.0 (sink)',
        '  Reference sink: records delivered keys in memory and rejects records marked reject: true',
        '  consumes: crm.customer.v1',
        '',
        'config:',
        '  target: string, required, format "uri"',
        '      Where a real sink would deliver; the echo only names it in its log.',
        '  keyCase: string, default "as-is", one of "as-is" | "upper" | "lower"',
        '      How keys are written to the list.',
        '  auth: object, optional',
        '      Credentials a real sink would send.',
        '    user: string, required, min length 1',
        '    password: string, required, min length 8, secret (never shown; use ${ENV})',
        '        Usually ${ENV}; never shown.',
        '',
        'example (crm-hub.yaml):',
        '  connectors:',
        '    my-example-echo:',
        '      connector: example-echo',
        '      config:',
        '        target: https://example.com/api',
        '',
      ].join('\n'),
    );
  });

  it('shows alternative forms by their discriminator, $ref targets and array items', () => {
    const text = describeConnector(testPoller);
    expect(text).to.include(
      [
        '  auth: object, optional',
        '    exactly one of these forms:',
        '    - when type = "bearer":',
        '      type: string, required, always "bearer"',
        '      token: string, required, secret (never shown; use ${ENV})',
        '    - when type = "basic":',
        '      type: string, required, always "basic"',
        '      user: string, required',
        '      password: string, required, min length 1, secret (never shown; use ${ENV})',
        '  headers: array of object, optional',
        '    each item:',
        '      name: string, optional',
        '      value: string, optional, secret (never shown; use ${ENV})',
      ].join('\n'),
    );
  });
});
