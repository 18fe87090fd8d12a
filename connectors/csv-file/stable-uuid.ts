import { createHash } from 'node:crypto';

/**
 * A UUID-shaped id derived from `text`: the same row of the same file always gets the same event
 * id, so an import run again yields records that consumers can recognise as duplicates.
 *
 * Not core's `nameBasedUuid`, on purpose: that one hashes with SHA-1 and keeps two bits of the hash
 * in the variant digit, this one hashes with SHA-256 and writes `a` there. Ids made here are already
 * stored downstream, so switching would re-id every CSV row ever imported; and giving nameBasedUuid
 * a hash and a "fixed variant digit" option only to reproduce this would be two layouts in one function.
 */
export function stableUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
