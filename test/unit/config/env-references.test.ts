import { expect } from 'chai';
import { maskEnvReferences, resolveEnvReferences } from '../../../src/config/env-references.js';
import { validateHubConfig } from '../../../src/config/hub-config-validation.js';
import { testCatalog } from './test-connectors.js';

function resolve(text: string, env: NodeJS.ProcessEnv) {
  return resolveEnvReferences(maskEnvReferences(text), env);
}

describe('${ENV} references', () => {
  it('resolves references anywhere in a string and keeps the text length while masked', () => {
    const text = 'https://${HOST}:${PORT}/api';
    expect(maskEnvReferences(text)).to.have.length(text.length);
    expect(resolve(text, { HOST: 'erp.example.com', PORT: '8443' })).to.deep.equal({ value: 'https://erp.example.com:8443/api', problems: [], substituted: ['erp.example.com', '8443'] });
  });

  it('marks a value that is exactly one reference, so the schema may type it', () => {
    expect(resolve('${BATCH}', { BATCH: '50' })).to.deep.equal({ value: '50', problems: [], wholeReference: 'BATCH', substituted: ['50'] });
    expect(resolve('x${BATCH}', { BATCH: '50' })).to.not.have.property('wholeReference');
  });

  it('reads $${ as a literal ${, closed or not', () => {
    expect(resolve('price $${AMOUNT} and $${open', {})).to.deep.equal({ value: 'price ${AMOUNT} and ${open', problems: [], substituted: [] });
  });

  it('reports unset, empty and malformed references', () => {
    expect(resolve('${A}${B}${not valid}${', { B: '' }).problems).to.deep.equal([
      { kind: 'missing', reference: 'A' },
      { kind: 'empty', reference: 'B' },
      { kind: 'invalid', reference: '${not valid}' },
      { kind: 'invalid', reference: '${' },
    ]);
  });

  it('works inside YAML flow collections, where braces would otherwise end the map', () => {
    const text = ['connectors:', '  erp-main:', '    connector: example-echo', '    config: { target: "https://erp.example.com", auth: { user: ${USER_NAME}, password: ${PASSWORD} } }', ''].join('\n');
    const { issues, config } = validateHubConfig({ file: 'crm-hub.yaml', text }, testCatalog, { USER_NAME: 'hub', PASSWORD: 'correct horse' });
    expect(issues).to.deep.equal([]);
    expect(config!.connectors[0]!.config.auth).to.deep.equal({ user: 'hub', password: 'correct horse' });
  });

  it('does not resolve references in keys or comments', () => {
    const text = ['# ${NOT_SET} in a comment is fine', 'connectors:', '  erp-main:', '    connector: example-echo', '    config: { target: "https://erp.example.com" }', ''].join('\n');
    expect(validateHubConfig({ file: 'crm-hub.yaml', text }, testCatalog, {}).issues).to.deep.equal([]);
  });
});
