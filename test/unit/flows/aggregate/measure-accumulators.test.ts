import { expect } from 'chai';
import { crc32 } from 'node:zlib';
import { AggregateStateError } from '../../../../src/flows/aggregate/aggregate-state-error.js';
import { AggregateValueError } from '../../../../src/flows/aggregate/aggregate-value-error.js';
import { EXACT_DISTINCT_LIMIT } from '../../../../src/flows/aggregate/distinct-count-accumulator.js';
import type { MeasureAccumulator } from '../../../../src/flows/aggregate/measure-accumulator.js';
import { accumulatorFromBytes, createAccumulator, type AccumulatorSpec } from '../../../../src/flows/aggregate/measure-accumulators.js';

const ALL_SPECS: AccumulatorSpec[] = [
  { kind: 'count' },
  { kind: 'sum' },
  { kind: 'min' },
  { kind: 'max' },
  { kind: 'avg' },
  { kind: 'percentile', p: 0.9 },
  { kind: 'countDistinct' },
  { kind: 'last' },
];

function filled(spec: AccumulatorSpec, values: unknown[], times: number[] = values.map((_, index) => index)): MeasureAccumulator {
  const accumulator = createAccumulator(spec);
  values.forEach((value, index) => accumulator.add(value, times[index] as number));
  return accumulator;
}

function expectCode(run: () => unknown, type: typeof AggregateStateError | typeof AggregateValueError, code: string): void {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    expect((error as AggregateStateError).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe('measure accumulators', () => {
  it('count counts every record, null values included', () => {
    expect(filled({ kind: 'count' }, [1, null, undefined, 'x']).result()).to.equal(4);
  });

  it('sum answers decimal text once any value was decimal text, else a number; 0 when empty', () => {
    expect(filled({ kind: 'sum' }, ['3860.50', 0.25, '1.005']).result()).to.equal('3861.755');
    expect(filled({ kind: 'sum' }, [0.1, 0.2]).result()).to.equal(0.3);
    expect(filled({ kind: 'sum' }, []).result()).to.equal(0);
  });

  it('skips null and missing values and counts them', () => {
    for (const spec of ALL_SPECS.filter((candidate) => candidate.kind !== 'count')) {
      const accumulator = filled(spec, [null, 5, undefined]);
      expect(accumulator.skipped, spec.kind).to.equal(2);
      expect(accumulator.result(), spec.kind).to.not.equal(null);
    }
    expect(filled({ kind: 'avg' }, [null, 4, 6]).result()).to.equal(5);
  });

  it('min and max compare exactly and return the value as it came; the first of equals stays', () => {
    expect(filled({ kind: 'min' }, ['10.50', 10.5, '9.99', 12]).result()).to.equal('9.99');
    expect(filled({ kind: 'max' }, ['10.50', 10.5, '9.99', -12]).result()).to.equal('10.50');
    expect(filled({ kind: 'max' }, [-3, -1.5, -2]).result()).to.equal(-1.5);
    expect(filled({ kind: 'min' }, []).result()).to.equal(null);
  });

  it('avg is null for a window with no value', () => {
    expect(filled({ kind: 'avg' }, [null]).result()).to.equal(null);
    expect(filled({ kind: 'avg' }, ['1.10', '2.20', 3]).result()).to.be.closeTo(2.1, 1e-12);
  });

  it('last is the value of the latest event time, not of the last to arrive; of equal times the last added', () => {
    expect(filled({ kind: 'last' }, ['CLOSED', 'OPEN'], [2000, 1000]).result()).to.equal('CLOSED');
    expect(filled({ kind: 'last' }, ['A', 'B', 'C'], [5, 5, 4]).result()).to.equal('B');
    expect(filled({ kind: 'last' }, [{ status: 'X' }, null], [1, 2]).result()).to.deep.equal({ status: 'X' });
  });

  it('last in a merge: the other side counts as added later on equal times', () => {
    const left = filled({ kind: 'last' }, ['L'], [7]);
    left.merge(filled({ kind: 'last' }, ['R'], [7]));
    expect(left.result()).to.equal('R');
    const later = filled({ kind: 'last' }, ['L'], [8]);
    later.merge(filled({ kind: 'last' }, ['R'], [7]));
    expect(later.result()).to.equal('L');
  });

  it('countDistinct tells 1 from "1" and counts exactly up to its limit', () => {
    expect(filled({ kind: 'countDistinct' }, [1, '1', 1, { a: 1 }, { a: 1 }]).result()).to.equal(3);
    const values = Array.from({ length: EXACT_DISTINCT_LIMIT }, (_, index) => `c${index}`);
    expect(filled({ kind: 'countDistinct' }, [...values, ...values]).result()).to.equal(EXACT_DISTINCT_LIMIT);
  });

  it('rejects a value a numeric measure cannot take, and an event time that is not an instant', () => {
    for (const kind of ['sum', 'min', 'max', 'avg'] as const) {
      expectCode(() => createAccumulator({ kind }).add('twelve', 0), AggregateValueError, 'AGGREGATE_VALUE_INVALID');
    }
    expectCode(() => createAccumulator({ kind: 'percentile', p: 0.5 }).add([1], 0), AggregateValueError, 'AGGREGATE_VALUE_INVALID');
    expectCode(() => createAccumulator({ kind: 'last' }).add('x', NaN), AggregateValueError, 'AGGREGATE_VALUE_INVALID');
    expectCode(() => createAccumulator({ kind: 'percentile', p: 1.5 }), AggregateValueError, 'AGGREGATE_VALUE_INVALID');
  });

  it('refuses to merge different measures, or percentiles of different p', () => {
    expectCode(
      () => createAccumulator({ kind: 'min' }).merge(createAccumulator({ kind: 'max' })),
      AggregateValueError,
      'AGGREGATE_MERGE_MISMATCH',
    );
    expectCode(
      () => createAccumulator({ kind: 'sum' }).merge(createAccumulator({ kind: 'avg' })),
      AggregateValueError,
      'AGGREGATE_MERGE_MISMATCH',
    );
    expectCode(
      () => createAccumulator({ kind: 'percentile', p: 0.9 }).merge(createAccumulator({ kind: 'percentile', p: 0.5 })),
      AggregateValueError,
      'AGGREGATE_MERGE_MISMATCH',
    );
  });

  it('reads back every measure, empty and filled, from its bytes', () => {
    for (const spec of ALL_SPECS) {
      for (const values of [[], [3, null, '4.50', -2]]) {
        const accumulator = filled(spec, values);
        const restored = accumulatorFromBytes(accumulator.toBytes());
        expect(restored.kind, spec.kind).to.equal(spec.kind);
        expect(restored.result(), spec.kind).to.deep.equal(accumulator.result());
        expect(restored.skipped, spec.kind).to.equal(accumulator.skipped);
        expect(restored.toBytes(), spec.kind).to.deep.equal(accumulator.toBytes());
      }
    }
  });

  it('answers corrupt state with AGGREGATE_STATE_CORRUPT: every truncation and every changed byte', () => {
    for (const spec of ALL_SPECS) {
      const bytes = filled(spec, [3, null, '4.50', -2, 0]).toBytes();
      for (let length = 0; length < bytes.length; length += 1) {
        expectCode(() => accumulatorFromBytes(bytes.subarray(0, length)), AggregateStateError, 'AGGREGATE_STATE_CORRUPT');
      }
      for (let index = 0; index < bytes.length; index += 1) {
        const changed = Buffer.from(bytes);
        changed[index] = (changed[index] as number) ^ 0x5a;
        expectCode(() => accumulatorFromBytes(changed), AggregateStateError, 'AGGREGATE_STATE_CORRUPT');
      }
    }
  });

  it('names an unknown format version and measure code, checksum intact', () => {
    const bytes = filled({ kind: 'count' }, [1]).toBytes();
    // Rewritten through the writer's own layout so that only the header is wrong.
    const withHeader = (version: number, code: number): Buffer => {
      const body = Buffer.from(bytes.subarray(0, bytes.length - 4));
      body[0] = version;
      body[1] = code;
      const checksum = Buffer.alloc(4);
      checksum.writeUInt32BE(crc32(body));
      return Buffer.concat([body, checksum]);
    };
    expect(() => accumulatorFromBytes(withHeader(2, 1))).to.throw(AggregateStateError, /format version 2/);
    expect(() => accumulatorFromBytes(withHeader(1, 99))).to.throw(AggregateStateError, /unknown measure code 99/);
  });
});
