import { AverageAccumulator } from './average-accumulator.js';
import { CountAccumulator } from './count-accumulator.js';
import { DistinctCountAccumulator } from './distinct-count-accumulator.js';
import { ExtremeAccumulator } from './extreme-accumulator.js';
import { LastAccumulator } from './last-accumulator.js';
import { MEASURE_CODES, type MeasureAccumulator, type MeasureKind } from './measure-accumulator.js';
import { PercentileAccumulator } from './percentile-accumulator.js';
import { StateReader } from './state-bytes.js';
import { SumAccumulator } from './sum-accumulator.js';

/** What an accumulator needs of a measure's definition: its kind, and p for a percentile. */
export type AccumulatorSpec = { kind: Exclude<MeasureKind, 'percentile'> } | { kind: 'percentile'; p: number };

/** A new, empty accumulator for one window of one group. */
export function createAccumulator(spec: AccumulatorSpec): MeasureAccumulator {
  switch (spec.kind) {
    case 'count':
      return new CountAccumulator();
    case 'sum':
      return new SumAccumulator();
    case 'min':
    case 'max':
      return new ExtremeAccumulator(spec.kind);
    case 'avg':
      return new AverageAccumulator();
    case 'percentile':
      return new PercentileAccumulator(spec.p);
    case 'countDistinct':
      return new DistinctCountAccumulator();
    case 'last':
      return new LastAccumulator();
  }
}

const KINDS_BY_CODE = new Map(Object.entries(MEASURE_CODES).map(([kind, code]) => [code, kind as MeasureKind]));

/** Any accumulator's stored state read back, whichever measure wrote it; an AggregateStateError when it cannot be. */
export function accumulatorFromBytes(bytes: Uint8Array): MeasureAccumulator {
  const header = new StateReader(bytes, 'aggregate state');
  header.byte();
  const code = header.byte();
  const kind = KINDS_BY_CODE.get(code) ?? header.fail(`unknown measure code ${code}`);
  switch (kind) {
    case 'count':
      return CountAccumulator.fromBytes(bytes);
    case 'sum':
      return SumAccumulator.fromBytes(bytes);
    case 'min':
    case 'max':
      return ExtremeAccumulator.fromBytes(bytes, kind);
    case 'avg':
      return AverageAccumulator.fromBytes(bytes);
    case 'percentile':
      return PercentileAccumulator.fromBytes(bytes);
    case 'countDistinct':
      return DistinctCountAccumulator.fromBytes(bytes);
    case 'last':
      return LastAccumulator.fromBytes(bytes);
  }
}
