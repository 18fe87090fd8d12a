import { crc32 } from 'node:zlib';
import { AggregateStateError } from './aggregate-state-error.js';

const CHECKSUM_BYTES = 4;

/**
 * The byte layout of accumulator state in the compacted state topic: unsigned LEB128 varints
 * (counts and lengths are small, so mostly one byte), zigzag varints for signed integers, IEEE
 * doubles where a double is the value, and length-prefixed UTF-8 text, then a CRC-32 of it all.
 * The checksum catches a changed byte that would still parse (a count one higher); every read is
 * also bounds- and range-checked, so a truncated or foreign blob is an AggregateStateError, never a
 * wrong number.
 */
export class StateWriter {
  private readonly chunks: Buffer[] = [];

  byte(value: number): this {
    this.chunks.push(Buffer.of(value));
    return this;
  }

  flag(value: boolean): this {
    return this.byte(value ? 1 : 0);
  }

  /** A non-negative safe integer. */
  varint(value: number): this {
    const bytes: number[] = [];
    let rest = value;
    while (rest >= 0x80) {
      bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    bytes.push(rest);
    this.chunks.push(Buffer.from(bytes));
    return this;
  }

  /** A safe integer of either sign. */
  signedVarint(value: number): this {
    return this.varint(value < 0 ? -2 * value - 1 : 2 * value);
  }

  double(value: number): this {
    const buffer = Buffer.alloc(8);
    buffer.writeDoubleBE(value);
    this.chunks.push(buffer);
    return this;
  }

  text(value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    this.varint(bytes.length);
    this.chunks.push(bytes);
    return this;
  }

  bytes(value: Uint8Array): this {
    this.chunks.push(Buffer.from(value));
    return this;
  }

  toBuffer(): Buffer {
    const body = Buffer.concat(this.chunks);
    const checksum = Buffer.alloc(CHECKSUM_BYTES);
    checksum.writeUInt32BE(crc32(body));
    return Buffer.concat([body, checksum]);
  }
}

export class StateReader {
  private offset = 0;
  private readonly buffer: Uint8Array;

  constructor(
    stored: Uint8Array,
    /** Names the state in messages ("percentile state"). */
    private readonly what: string,
  ) {
    this.buffer = stored.subarray(0, Math.max(0, stored.length - CHECKSUM_BYTES));
    if (stored.length < CHECKSUM_BYTES) this.fail(`${stored.length} bytes, shorter than its checksum`);
    const expected = Buffer.from(stored.buffer, stored.byteOffset + this.buffer.length, CHECKSUM_BYTES).readUInt32BE();
    if (crc32(this.buffer) !== expected) this.fail('its checksum does not match');
  }

  byte(): number {
    this.need(1);
    return this.buffer[this.offset++] as number;
  }

  flag(): boolean {
    const flag = this.byte();
    if (flag > 1) this.fail(`flag byte ${flag}`);
    return flag === 1;
  }

  varint(): number {
    let value = 0;
    let factor = 1;
    for (;;) {
      const next = this.byte();
      value += (next & 0x7f) * factor;
      if (next < 0x80) break;
      factor *= 0x80;
      if (factor > Number.MAX_SAFE_INTEGER) this.fail('a varint longer than a safe integer');
    }
    if (!Number.isSafeInteger(value)) this.fail('a varint larger than a safe integer');
    return value;
  }

  signedVarint(): number {
    const zigzag = this.varint();
    return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
  }

  double(): number {
    this.need(8);
    const value = Buffer.from(this.buffer.buffer, this.buffer.byteOffset + this.offset, 8).readDoubleBE();
    this.offset += 8;
    return value;
  }

  text(): string {
    const length = this.varint();
    this.need(length);
    const bytes = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (error) {
      return this.fail('text that is not UTF-8', error);
    }
  }

  bytes(length: number): Uint8Array {
    this.need(length);
    const bytes = this.buffer.slice(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }

  /** After the last field: bytes left over mean the blob is not what its header says. */
  end(): void {
    if (this.offset !== this.buffer.length) this.fail(`${this.buffer.length - this.offset} bytes after the end`);
  }

  fail(problem: string, cause?: unknown): never {
    throw new AggregateStateError(`The stored ${this.what} is corrupt: ${problem} (at byte ${this.offset} of ${this.buffer.length})`, {
      cause,
    });
  }

  private need(length: number): void {
    if (this.offset + length > this.buffer.length) this.fail('it ends too early');
  }
}
