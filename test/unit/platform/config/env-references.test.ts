import { expect } from 'chai';
import { maskEnvReferences, resolveEnvReferences } from '../../../../src/platform/config/env-references.js';
import { validateHubConfig } from '../../../../src/hub/hub-config.js';
import { testCatalog } from '../../../support/test-connectors.js';

function resolve(text: string, env: NodeJS.ProcessEnv) {
  return resolveEnvReferences(maskEnvReferences(text), env);
}

describe('${ENV} references', () => {
  it('resolves references anywhere in a string and keeps the text length while masked', () => {
    const text = 'https://${HOST}:${PORT}/api';
    expect(maskEnvReferences(text)).to.have.length(text.length);
    expect(resolve(text, { HOST: 'erp.example.com', PORT: '8443' })).to.deep.equal({
      value: 'https://erp.example.com:8443/api',
      problems: [],
      substituted: ['erp.example.com', '8443'],
      deferred: [],
    });
  });

  it('marks a value that is exactly one reference, so the schema may type it', () => {
    expect(resolve('${BATCH}', { BATCH: '50' })).to.deep.equal({
      value: '50',
      problems: [],
      wholeReference: 'BATCH',
      substituted: ['50'],
      deferred: [],
    });
    expect(resolve('x${BATCH}', { BATCH: '50' })).to.not.have.property('wholeReference');
  });

  it('reads $${ as a literal ${, closed or not', () => {
    expect(resolve('price $${AMOUNT} and $${open', {})).to.deep.equal({
      value: 'price ${AMOUNT} and ${open',
      problems: [],
      substituted: [],
      deferred: [],
    });
  });

  it('reports unset, empty and malformed references', () => {
    expect(resolve('${A}${B}${not valid}${', { B: '' }).problems).to.deep.equal([
      { kind: 'missing', reference: 'A', written: 'A' },
      { kind: 'empty', reference: 'B', written: 'B' },
      { kind: 'invalid', reference: '${not valid}', written: 'not valid' },
      { kind: 'invalid', reference: '${', written: '' },
    ]);
  });

  it('takes the default of ${NAME:-default} when NAME is unset or empty, and NAME when it is set', () => {
    expect(resolve('${URL:-http://localhost:7101/a}', {})).to.include({ value: 'http://localhost:7101/a', wholeReference: 'URL' });
    expect(resolve('${URL:-http://localhost:7101/a}', { URL: '' }).value).to.equal('http://localhost:7101/a');
    expect(resolve('${URL:-http://localhost:7101/a}', { URL: 'https://crm.example.com' })).to.deep.include({
      value: 'https://crm.example.com',
      problems: [],
      substituted: ['https://crm.example.com'],
    });
    // A default is written in the file: it is not taken for a secret.
    expect(resolve('${TOKEN:-not-secret}', {}).substituted).to.deep.equal([]);
  });

  it('requires ${NAME:?why} with its reason when the hub starts, and defers it when asked (crm-hub validate)', () => {
    expect(resolve('${SECRET:?generated at start}', {}).problems).to.deep.equal([
      { kind: 'missing', reference: 'SECRET', written: 'SECRET:?generated at start', reason: 'generated at start' },
    ]);
    const deferred = resolveEnvReferences(maskEnvReferences('${SECRET:?generated at start}'), {}, { deferRequired: true });
    expect(deferred).to.deep.include({ problems: [], deferred: ['SECRET'] });
    // A plain ${NAME} is required for validate too.
    expect(resolveEnvReferences(maskEnvReferences('${SECRET}'), {}, { deferRequired: true }).problems).to.have.length(1);
  });

  it('places an unset ${NAME:?why} of a hub config at its reference, with the reason', () => {
    const text = [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    config: { target: "https://erp.example.com", auth: { user: hub, password: "${PASSWORD:?from the vault}" } }',
      '',
    ].join('\n');
    const { issues } = validateHubConfig({ file: 'crm-hub.yaml', text }, testCatalog, {});
    expect(issues.map((issue) => [issue.line, issue.column, issue.message])).to.deep.equal([
      [4, text.split('\n')[3]!.indexOf('${') + 1, 'environment variable PASSWORD is not set (from the vault)'],
    ]);
    expect(validateHubConfig({ file: 'crm-hub.yaml', text }, testCatalog, {}, { deferRequired: true }).issues).to.deep.equal([]);
  });

  it('works inside YAML flow collections, where braces would otherwise end the map', () => {
    const text = [
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    config: { target: "https://erp.example.com", auth: { user: ${USER_NAME}, password: ${PASSWORD} } }',
      '',
    ].join('\n');
    const { issues, config } = validateHubConfig({ file: 'crm-hub.yaml', text }, testCatalog, {
      USER_NAME: 'hub',
      PASSWORD: 'correct horse',
    });
    expect(issues).to.deep.equal([]);
    expect(config!.connectors[0]!.config.auth).to.deep.equal({ user: 'hub', password: 'correct horse' });
  });

  it('does not resolve references in keys or comments', () => {
    const text = [
      '# ${NOT_SET} in a comment is fine',
      'connectors:',
      '  erp-main:',
      '    connector: example-echo',
      '    config: { target: "https://erp.example.com" }',
      '',
    ].join('\n');
    expect(validateHubConfig({ file: 'crm-hub.yaml', text }, testCatalog, {}).issues).to.deep.equal([]);
  });
});
