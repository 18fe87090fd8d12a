import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { SchemaCatalog } from '../../../../src/platform/avro/schema-catalog.js';
import { compileFlowFile } from '../../../../src/flows/flow-compiler.js';
import { readFlowTestFile } from '../../../../src/flows/flow-test-file.js';
import { createStepRegistry } from '../../../../src/flows/step-registry.js';
import { withoutSecrets } from '../../../../src/platform/observability/secret-scrubbing.js';

/** The config reader only hands ${ENV} values back; flow files and flow test files must register them as secrets themselves. */
describe('flow files: ${ENV} values are secrets', () => {
  it('a flow file registers every ${ENV} value it puts in, whatever the field', async () => {
    const secret = `flow-${randomUUID()}`;
    const text = [
      'name: crm-to-erp',
      'from: crm.customer.v1',
      'steps:',
      '  - log: { message: "${LOG_TEXT}" }',
      'to: { topic: erp.customer.v1 }',
    ];
    const deps = {
      schemas: await SchemaCatalog.load(),
      steps: createStepRegistry(),

      table: () => ({ get: () => undefined }),
    };
    compileFlowFile({ file: 'flows/x.yaml', text: `${text.join('\n')}\n`, env: { LOG_TEXT: secret } }, deps);
    expect(withoutSecrets(`said ${secret}`)).to.equal('said [redacted]');
  });

  it('so does a flow test file', () => {
    const secret = `test-${randomUUID()}`;
    readFlowTestFile('flows/x.test.yaml', 'flow: x\ncases:\n  - name: "${CASE_NAME}"\n', { CASE_NAME: secret });
    expect(withoutSecrets(`case ${secret}`)).to.equal('case [redacted]');
  });
});
