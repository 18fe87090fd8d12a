import { expect } from 'chai';
import { ratioOf } from '../runner/benchmark.js';
import { resultsFileName } from '../runner/results-file.js';
import { formatNumber, formatResultsTable } from '../runner/results-table.js';

describe('bench results table', () => {
  const flow = {
    name: 'flow',
    value: 7_000,
    unit: 'msg/s',
    measured: 'm',
    baseline: { name: 'raw passthrough', value: 10_000, unit: 'msg/s' },
  };
  const rss = { name: 'flow peak RSS', value: 212.34, unit: 'MiB', measured: 'm' };

  it('has one line per figure under a header, with the baseline and the ratio to it', () => {
    const lines = formatResultsTable([
      { benchmark: 'flow', figure: flow },
      { benchmark: 'flow', figure: rss },
    ]).split('\n');
    expect(lines[0]).to.match(/^name\s+figure\s+unit\s+baseline\s+ratio$/);
    expect(lines[1]).to.match(/^-+( +-+){4}$/);
    expect(lines[2]).to.match(/^flow\s+7,000\s+msg\/s\s+10,000 msg\/s \(raw passthrough\)\s+0\.70$/);
    expect(lines[3]).to.match(/^flow peak RSS\s+212\s+MiB$/);
    // Columns line up: every figure ends where the header's "figure" ends.
    const end = lines[0]!.indexOf('figure') + 'figure'.length;
    expect(lines.slice(2).map((line) => line.slice(0, end).trimEnd().length)).to.deep.equal([end, end]);
  });

  it('takes a ratio only against a baseline that is not zero', () => {
    expect(ratioOf(flow)).to.equal(0.7);
    expect(ratioOf(rss)).to.equal(undefined);
    expect(ratioOf({ ...flow, baseline: { ...flow.baseline, value: 0 } })).to.equal(undefined);
  });

  it('shows three significant digits below 100 and whole numbers above', () => {
    expect([0, 0.99604, 12.345, 99.96, 1234.5, -2500].map(formatNumber)).to.deep.equal(['0', '0.996', '12.3', '100', '1,235', '-2,500']);
  });

  it('names results files after the start instant without colons', () => {
    expect(resultsFileName('2026-03-01T08:00:00.123Z')).to.equal('2026-03-01T08-00-00Z.json');
  });
});
