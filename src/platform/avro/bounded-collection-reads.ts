import avro from 'avsc';

interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
  skipString(): void;
}

interface ReadableType {
  _read(tap: Tap): unknown;
  _skip(tap: Tap): void;
}

/**
 * Reads the item count of an Avro array or map block and refuses a count that the bytes left
 * cannot hold. avsc trusts the count: a corrupt or hostile record claiming two billion items made
 * it allocate an array that size (found by fuzzing: the process died of heap exhaustion). Every
 * item takes at least one byte in the types crm-hub uses (no arrays of null), so the bytes left
 * bound the count.
 */
function boundedBlockSize(tap: Tap): number {
  let n = tap.readLong();
  if (n < 0) {
    n = -n;
    tap.skipLong();
  }
  const left = tap.buf.length - tap.pos;
  if (n > left) throw new RangeError(`a block claims ${n} items but only ${Math.max(left, 0)} bytes are left`);
  return n;
}

let installed = false;

/** Replaces avsc's array and map decoding with bounded versions, once per process. */
export function installBoundedCollectionReads(): void {
  if (installed) return;
  installed = true;
  const arrayPrototype = avro.types.ArrayType.prototype as unknown as ReadableType & { itemsType: ReadableType };
  arrayPrototype._read = function (this: { itemsType: ReadableType }, tap: Tap): unknown[] {
    const items = this.itemsType;
    const value: unknown[] = [];
    let n: number;
    while ((n = boundedBlockSize(tap))) {
      while (n--) value.push(items._read(tap));
    }
    return value;
  };
  const mapPrototype = avro.types.MapType.prototype as unknown as ReadableType & { valuesType: ReadableType };
  mapPrototype._read = function (this: { valuesType: ReadableType }, tap: Tap): Record<string, unknown> {
    const values = this.valuesType;
    const value: Record<string, unknown> = {};
    let n: number;
    while ((n = boundedBlockSize(tap))) {
      while (n--) {
        const key = tap.readString();
        value[key] = values._read(tap);
      }
    }
    return value;
  };
  // Skipping (a writer's field the reader does not have) loops over the count too.
  arrayPrototype._skip = function (this: { itemsType: ReadableType }, tap: Tap): void {
    let n: number;
    while ((n = boundedBlockSize(tap))) {
      while (n--) this.itemsType._skip(tap);
    }
  };
  mapPrototype._skip = function (this: { valuesType: ReadableType }, tap: Tap): void {
    let n: number;
    while ((n = boundedBlockSize(tap))) {
      while (n--) {
        tap.skipString();
        this.valuesType._skip(tap);
      }
    }
  };
}
