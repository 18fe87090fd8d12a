import { hash as digest } from 'node:crypto';
import type { StateReader, StateWriter } from './state-bytes.js';

/** 2¹² registers: 4 KB of state and a relative standard error of 1.04 / √4096 ≈ 1.6 %. */
const PRECISION = 12;
const REGISTERS = 1 << PRECISION;
/** Hash bits after the register index: 64 − 12. A register holds 0 (empty) to 53. */
const RANK_BITS = 64 - PRECISION;
const LOW_BITS_OF_FIRST_WORD = 32 - PRECISION;

/** The relative standard error of `estimate`, 1.04 / √m. */
export const HYPER_LOG_LOG_STANDARD_ERROR = 1.04 / Math.sqrt(REGISTERS);

/**
 * A HyperLogLog distinct-count sketch (Flajolet et al. 2007) on a 64-bit hash, estimated with
 * Ertl's improved raw estimator ("New cardinality estimation algorithms for HyperLogLog sketches",
 * 2017, algorithm 6), which needs neither HLL++'s empirical bias tables nor a switch to linear
 * counting and stays unbiased from a handful of values to billions. Merging takes each register's
 * maximum, so a merged sketch is exactly the sketch of the union.
 *
 * Written here: the one maintained JS package with a HyperLogLog (bloom-filters) brings eight
 * dependencies for a structure of this size, and its sketch serialises to JSON.
 */
export class HyperLogLog {
  private readonly registers = new Uint8Array(REGISTERS);

  /** `key` is the value's canonical text (see the distinct count): equal texts are one value. */
  add(key: string): void {
    // The one-shot digest: half the cost of a Hash object per value.
    const hash = digest('sha256', key, 'buffer');
    const high = hash.readUInt32BE(0);
    const low = hash.readUInt32BE(4);
    const index = high >>> LOW_BITS_OF_FIRST_WORD;
    const rest = high & ((1 << LOW_BITS_OF_FIRST_WORD) - 1);
    // The position of the first 1 among the 52 bits after the index, counted from 1.
    const rank = rest !== 0 ? Math.clz32(rest) - PRECISION + 1 : low !== 0 ? LOW_BITS_OF_FIRST_WORD + Math.clz32(low) + 1 : RANK_BITS + 1;
    if (rank > (this.registers[index] as number)) this.registers[index] = rank;
  }

  merge(other: HyperLogLog): void {
    for (let index = 0; index < REGISTERS; index += 1) {
      if ((other.registers[index] as number) > (this.registers[index] as number)) this.registers[index] = other.registers[index] as number;
    }
  }

  estimate(): number {
    const histogram = new Array<number>(RANK_BITS + 2).fill(0);
    for (const register of this.registers) histogram[register] = (histogram[register] as number) + 1;
    let z = REGISTERS * tau(1 - (histogram[RANK_BITS + 1] as number) / REGISTERS);
    for (let rank = RANK_BITS; rank >= 1; rank -= 1) z = 0.5 * (z + (histogram[rank] as number));
    z += REGISTERS * sigma((histogram[0] as number) / REGISTERS);
    return Math.round((REGISTERS * REGISTERS) / (2 * Math.log(2)) / z);
  }

  write(writer: StateWriter): StateWriter {
    return writer.byte(PRECISION).bytes(this.registers);
  }

  static read(reader: StateReader): HyperLogLog {
    const precision = reader.byte();
    if (precision !== PRECISION) reader.fail(`HyperLogLog precision ${precision}, this hub writes ${PRECISION}`);
    const sketch = new HyperLogLog();
    sketch.registers.set(reader.bytes(REGISTERS));
    if (sketch.registers.some((register) => register > RANK_BITS + 1)) reader.fail(`a HyperLogLog register above ${RANK_BITS + 1}`);
    return sketch;
  }
}

/** Ertl's σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k−1), for the share x of empty registers. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let power = x;
  let weight = 1;
  let sum = x;
  for (;;) {
    power *= power;
    const previous = sum;
    sum += power * weight;
    weight += weight;
    if (sum === previous) return sum;
  }
}

/** Ertl's τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))² 2^−k) / 3, for the share x of registers below the top rank. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let root = x;
  let weight = 1;
  let sum = 1 - x;
  for (;;) {
    root = Math.sqrt(root);
    const previous = sum;
    weight *= 0.5;
    sum -= (1 - root) ** 2 * weight;
    if (sum === previous) return sum / 3;
  }
}
