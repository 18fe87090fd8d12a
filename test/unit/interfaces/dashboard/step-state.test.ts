import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import fc from 'fast-check';
import { dashboardAssetsDir } from '../../../../src/interfaces/dashboard/dashboard-routes.js';

interface StepState {
  step: string;
  keys?: number;
  timers?: number;
  bytes?: number;
  partitions?: number;
}

/** The page's own modules (plain JavaScript for the browser): these functions touch no DOM. */
const load = async <T>(name: string): Promise<T> => (await import(pathToFileURL(path.join(dashboardAssetsDir(), name)).href)) as T;

describe('dashboard: the state of stateful flow steps', () => {
  let bytes: (value: unknown) => string;
  let stepStateSummary: (state: StepState) => string;
  before(async () => {
    ({ bytes } = await load<{ bytes: typeof bytes }>('format.js'));
    ({ stepStateSummary } = await load<{ stepStateSummary: typeof stepStateSummary }>('step-state.js'));
  });

  it('writes sizes in bytes as people read them, in powers of 1024', () => {
    expect(bytes(0)).to.equal('0 B');
    expect(bytes(1023)).to.equal('1,023 B');
    expect(bytes(1024)).to.equal('1.0 KiB');
    expect(bytes(1536)).to.equal('1.5 KiB');
    expect(bytes(3_250_586)).to.equal('3.1 MiB');
    expect(bytes(5 * 1024 ** 3)).to.equal('5.0 GiB');
    expect(bytes(2048 * 1024 ** 4)).to.equal('2,048.0 TiB');
    for (const unknown of [undefined, null, -1, Number.NaN, Infinity, '12']) expect(bytes(unknown), String(unknown)).to.equal('–');
  });

  it('shows from 1 to 1,024 of its unit, reading back to within 5 % of the size', () => {
    fc.assert(
      fc.property(fc.double({ min: 1024, max: 1024 ** 4, noNaN: true }), (size) => {
        const [figure, unit] = bytes(size).split(' ') as [string, string];
        const scale = 1024 ** ['B', 'KiB', 'MiB', 'GiB', 'TiB'].indexOf(unit);
        const shown = Number(figure.replaceAll(',', ''));
        expect(shown, bytes(size)).to.be.within(1, 1024);
        expect(Math.abs(shown * scale - size) / size, bytes(size)).to.be.below(0.05);
      }),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it("sums up one step's keys, timers, approximate size and partitions, in the singular where one", () => {
    expect(stepStateSummary({ step: 'steps[1].aggregate', keys: 1204, timers: 1, bytes: 52_310, partitions: 3 })).to.equal(
      '1,204 keys · 1 timer · ≈ 51.1 KiB · 3 partitions',
    );
    expect(stepStateSummary({ step: 'steps[0].dedupe', keys: 1, timers: 0, bytes: 40, partitions: 1 })).to.equal(
      '1 key · 0 timers · ≈ 40 B · 1 partition',
    );
    expect(stepStateSummary({ step: 'steps[0].join' }), 'figures an older hub does not give').to.equal(
      '– keys · – timers · ≈ – · – partitions',
    );
  });
});
