import { randomInt } from 'node:crypto';
import type { ICustomPartitioner } from 'kafkajs';

const M = 0x5bd1e995;

/**
 * Java's murmur2 (org.apache.kafka.common.utils.Utils.murmur2) in 32-bit integer arithmetic. It
 * gives the hash of kafkajs's DefaultPartitioner, whose 64-bit Long version lets its numbers grow
 * with the key and so takes quadratic time: one webhook with a 400 KB business key held the event
 * loop for tens of seconds.
 */
export function murmur2(data: Buffer): number {
  const length = data.length;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= data[whole + 2]! << 16;
    if (rest >= 2) h ^= data[whole + 1]! << 8;
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}

/**
 * The Java client's default partitioning, as kafkajs's DefaultPartitioner does it, with the hash
 * above: an explicit partition wins, a key picks its partition by hash (so a key lands on the same
 * partition whoever produces it), records without a key go round the available partitions.
 */
export const murmur2Partitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) {
      const key = Buffer.isBuffer(message.key) ? message.key : Buffer.from(String(message.key));
      return (murmur2(key) & 0x7fffffff) % partitionMetadata.length;
    }
    const counter = (counters.get(topic) ?? randomInt(2 ** 31)) + 1;
    counters.set(topic, counter);
    const available = partitionMetadata.filter((partition) => partition.leader >= 0);
    return available.length > 0
      ? available[(counter & 0x7fffffff) % available.length]!.partitionId
      : (counter & 0x7fffffff) % partitionMetadata.length;
  };
};
