import { expect } from 'chai';
import fc from 'fast-check';
import { ErrorCodeLabels, OTHER_CODE } from '../../../../../src/platform/observability/metrics/error-code-labels.js';

describe('error code labels', () => {
  it('keeps codes, and turns text that is no code into OTHER', () => {
    const labels = new ErrorCodeLabels();
    expect(labels.label('HTTP_503')).to.equal('HTTP_503');
    expect(labels.label('FLOW_VALIDATION_FAILED')).to.equal('FLOW_VALIDATION_FAILED');
    expect(labels.label('record 42 failed')).to.equal(OTHER_CODE);
    expect(labels.label('')).to.equal(OTHER_CODE);
    expect(labels.label('A'.repeat(65))).to.equal(OTHER_CODE);
  });

  it('never yields more than max distinct codes plus OTHER, and a code once kept stays kept', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.oneof(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L'), fc.string()), { maxLength: 200 }),
        (max, codes) => {
          const labels = new ErrorCodeLabels(max);
          const first = new Map<string, string>();
          for (const code of codes) {
            const label = labels.label(code);
            if ((first.get(code) ?? label) !== label) return false;
            first.set(code, label);
          }
          return new Set([...first.values()].filter((label) => label !== OTHER_CODE)).size <= max;
        },
      ),
      { seed: 20260301 },
    );
  });
});
