import { expect } from 'chai';
import { parseBenchOptions } from '../runner/bench-options.js';

const KNOWN = ['raw-passthrough', 'flow', 'identity-resolution'];

describe('bench options', () => {
  it('runs everything at full size by default', () => {
    expect(parseBenchOptions([], KNOWN)).to.deep.equal({ quick: false });
  });

  it('reads --quick, --only (both spellings) and --out', () => {
    expect(parseBenchOptions(['--quick', '--only', 'flow, raw-passthrough', '--out', 'x.json'], KNOWN)).to.deep.equal({
      quick: true,
      only: ['flow', 'raw-passthrough'],
      out: 'x.json',
    });
    expect(parseBenchOptions(['--only=identity-resolution'], KNOWN).only).to.deep.equal(['identity-resolution']);
  });

  it('names the known benchmarks when --only names an unknown one', () => {
    expect(() => parseBenchOptions(['--only', 'flow,flw'], KNOWN)).to.throw(
      /unknown benchmark flw; known: raw-passthrough, flow, identity-resolution/,
    );
  });

  it('refuses unknown options and options without their value', () => {
    expect(() => parseBenchOptions(['--fast'], KNOWN)).to.throw(/unknown option --fast/);
    expect(() => parseBenchOptions(['--out'], KNOWN)).to.throw(/--out needs a value/);
    expect(() => parseBenchOptions(['--only', ','], KNOWN)).to.throw(/at least one benchmark/);
    expect(() => parseBenchOptions(['--quick=yes'], KNOWN)).to.throw(/unknown option --quick=yes/);
  });
});
