import { expect } from 'chai';
import { positionInScalar } from '../../../../src/flows/yaml-scalar-position.js';

/** The position of character `offset` of `value`, written as the value of `key:` on line 2 of a file. */
function at(written: string, value: string, offset: number): { line: number; column: number } {
  const text = `name: x\nkey: ${written}\nnext: y\n`;
  return positionInScalar(text, { line: 2, column: 6 }, value, offset);
}

describe('positionInScalar', () => {
  it('counts from the start of a plain scalar', () => {
    expect(at('status = "ACTIVE"', 'status = "ACTIVE"', 9)).to.deep.equal({ line: 2, column: 15 });
    expect(at('status = "ACTIVE"', 'status = "ACTIVE"', 0)).to.deep.equal({ line: 2, column: 6 });
  });

  it('skips the quotes and escapes of quoted scalars', () => {
    expect(at(`'status = ''ACTIVE'' and x'`, `status = 'ACTIVE' and x`, 22)).to.deep.equal({ line: 2, column: 31 });
    expect(at(`"status = \\"ACTIVE\\" and x"`, `status = "ACTIVE" and x`, 22)).to.deep.equal({ line: 2, column: 31 });
  });

  it('follows a literal block scalar onto its lines, past the indentation', () => {
    const text = 'steps:\n  - filter: |\n      status = "ACTIVE"\n      and $segmnt(total) = "GOLD"\n';
    const value = 'status = "ACTIVE"\nand $segmnt(total) = "GOLD"\n';
    expect(positionInScalar(text, { line: 2, column: 13 }, value, value.indexOf('$segmnt'))).to.deep.equal({ line: 4, column: 11 });
  });

  it('points just past the end for a problem at the end of the expression', () => {
    expect(at('(a + b', '(a + b', 6)).to.deep.equal({ line: 2, column: 12 });
  });
});
