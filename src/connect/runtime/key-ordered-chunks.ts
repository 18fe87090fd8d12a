/**
 * Splits records into lanes by key (a key always lands in the same lane) and each lane into
 * chunks of at most `chunkSize` in which no key appears twice. Lanes run side by side; chunks of a
 * lane run one after another; so a record is only ever sent after every earlier record of its key
 * was delivered or dead-lettered, even when some of a chunk must be retried.
 */
export function keyOrderedChunks<T>(records: T[], keyOf: (record: T) => string, lanes: number, chunkSize: number): T[][][] {
  const byLane: T[][][] = Array.from({ length: Math.max(1, lanes) }, () => []);
  const open: { chunk: T[]; keys: Set<string> }[] = byLane.map(() => ({ chunk: [], keys: new Set() }));
  for (const record of records) {
    const key = keyOf(record);
    const lane = laneOf(key, byLane.length);
    let current = open[lane]!;
    if (current.chunk.length >= chunkSize || current.keys.has(key)) {
      byLane[lane]!.push(current.chunk);
      current = open[lane] = { chunk: [], keys: new Set() };
    }
    current.chunk.push(record);
    current.keys.add(key);
  }
  open.forEach((current, lane) => {
    if (current.chunk.length > 0) byLane[lane]!.push(current.chunk);
  });
  return byLane.filter((chunks) => chunks.length > 0);
}

function laneOf(key: string, lanes: number): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % lanes;
}
