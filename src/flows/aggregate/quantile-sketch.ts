import type { StateReader, StateWriter } from './state-bytes.js';

/**
 * DDSketch (Masson, Rim, Lee: "DDSketch: a fast and fully-mergeable quantile sketch with
 * relative-error guarantees", VLDB 2019) with its logarithmic mapping on sparse bins. A value x > 0
 * falls in bin k = ⌈log_γ x⌉ with γ = (1 + α) / (1 − α), and a bin answers 2γᵏ / (γ + 1), which is
 * within relative error α of every value in it; negative values mirror this, zero is counted apart.
 * Merging adds the bins' counts, so a merged sketch is exactly the sketch of all the values.
 *
 * Written here rather than taken from @datadog/sketches-js 2.1.1: its merge drops the negative
 * values (DataDog/sketches-js#22, open), and its protobuf form writes the whole dense bin range
 * (3 KB for five values) where these sparse bins store a few bytes each.
 */
export class QuantileSketch {
  private readonly logGamma: number;
  private readonly gamma: number;
  private readonly positive = new Map<number, number>();
  private readonly negative = new Map<number, number>();
  private zeroCount = 0;
  private total = 0;

  constructor(readonly relativeAccuracy: number) {
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
  }

  get count(): number {
    return this.total;
  }

  add(value: number): void {
    if (value > 0) increment(this.positive, this.key(value), 1);
    else if (value < 0) increment(this.negative, this.key(-value), 1);
    else this.zeroCount += 1;
    this.total += 1;
  }

  /** Adds `other`'s counts; both must have the same relative accuracy (the caller checks). */
  merge(other: QuantileSketch): void {
    for (const [key, count] of other.positive) increment(this.positive, key, count);
    for (const [key, count] of other.negative) increment(this.negative, key, count);
    this.zeroCount += other.zeroCount;
    this.total += other.total;
  }

  /**
   * An estimate of the value at 0-based rank ⌊q·(n − 1)⌋ of the n values in ascending order (the
   * lower value where the rank falls between two), within relative error α of it; undefined when empty.
   */
  quantile(q: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.floor(q * (this.total - 1));
    let seen = 0;
    // Ascending order: the most negative first (the largest negative key), then zeros, then positives.
    for (const key of [...this.negative.keys()].sort((a, b) => b - a)) {
      seen += this.negative.get(key) as number;
      if (seen > rank) return -this.valueOf(key);
    }
    seen += this.zeroCount;
    if (seen > rank) return 0;
    const keys = [...this.positive.keys()].sort((a, b) => a - b);
    for (const key of keys) {
      seen += this.positive.get(key) as number;
      if (seen > rank) return this.valueOf(key);
    }
    return this.valueOf(keys[keys.length - 1] as number);
  }

  write(writer: StateWriter): StateWriter {
    writer.double(this.relativeAccuracy).varint(this.zeroCount);
    writeBins(writer, this.positive);
    return writeBins(writer, this.negative);
  }

  static read(reader: StateReader): QuantileSketch {
    const relativeAccuracy = reader.double();
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) reader.fail(`relative accuracy ${relativeAccuracy}`);
    const sketch = new QuantileSketch(relativeAccuracy);
    sketch.zeroCount = reader.varint();
    // Keys of any finite double, from the smallest subnormal (ln ≈ −744.4) to the largest (ln ≈ 709.8).
    const keyLimit = Math.ceil(745 / sketch.logGamma);
    const positive = readBins(reader, sketch.positive, keyLimit);
    const negative = readBins(reader, sketch.negative, keyLimit);
    sketch.total = sketch.zeroCount + positive + negative;
    if (!Number.isSafeInteger(sketch.total)) reader.fail('a count beyond a safe integer');
    return sketch;
  }

  private key(magnitude: number): number {
    return Math.ceil(Math.log(magnitude) / this.logGamma);
  }

  private valueOf(key: number): number {
    return (2 * this.gamma ** key) / (this.gamma + 1);
  }
}

function increment(bins: Map<number, number>, key: number, count: number): void {
  bins.set(key, (bins.get(key) ?? 0) + count);
}

/** Bins in key order as the number of bins, then per bin the key's distance from the previous key and the count. */
function writeBins(writer: StateWriter, bins: Map<number, number>): StateWriter {
  const keys = [...bins.keys()].sort((a, b) => a - b);
  writer.varint(keys.length);
  let previous = 0;
  for (const key of keys) {
    writer.signedVarint(key - previous).varint(bins.get(key) as number);
    previous = key;
  }
  return writer;
}

/** Reads bins written by writeBins into `bins`; returns their total count. */
function readBins(reader: StateReader, bins: Map<number, number>, keyLimit: number): number {
  const size = reader.varint();
  let key = 0;
  let total = 0;
  for (let index = 0; index < size; index += 1) {
    const step = reader.signedVarint();
    if (index > 0 && step <= 0) reader.fail('bin keys out of order');
    key += step;
    if (Math.abs(key) > keyLimit) reader.fail(`bin key ${key} beyond any finite value`);
    const count = reader.varint();
    if (count === 0) reader.fail(`an empty bin ${key}`);
    bins.set(key, count);
    total += count;
  }
  return total;
}
