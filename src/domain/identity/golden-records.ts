import { goldenCustomer, type GoldenCustomer } from './golden-customer.js';
import type { MemberRecord } from './member-record.js';
import type { SurvivorshipChooser } from './survivorship-policy.js';

/**
 * The golden records as last committed: each active one built from its members, and those merged
 * away (status MERGED), kept for the redirect to the record that absorbed them. Merged-away
 * records are the only golden state not derivable from member records.
 */
export class GoldenRecords {
  private readonly active = new Map<string, GoldenCustomer>();
  private readonly mergedAway = new Map<string, GoldenCustomer>();

  constructor(private readonly choose: SurvivorshipChooser) {}

  clear(): void {
    this.active.clear();
    this.mergedAway.clear();
  }

  /** The golden record of a group of members, fields chosen by survivorship. */
  build(goldenId: string, members: readonly MemberRecord[]): GoldenCustomer {
    return goldenCustomer(goldenId, members, this.choose);
  }

  /** The record as committed: an active one, or one merged away. */
  stored(goldenId: string): GoldenCustomer | undefined {
    return this.active.get(goldenId) ?? this.mergedAway.get(goldenId);
  }

  setActive(golden: GoldenCustomer): void {
    this.active.set(golden.goldenId, golden);
  }

  /** Forgets the active record of an id that has no members left. */
  deactivate(goldenId: string): void {
    this.active.delete(goldenId);
  }

  mergedAwayRecord(goldenId: string): GoldenCustomer | undefined {
    return this.mergedAway.get(goldenId);
  }

  /** Keeps a merged-away record (status MERGED) for its redirect. */
  retire(golden: GoldenCustomer): void {
    this.mergedAway.set(golden.goldenId, golden);
  }

  /** An id given out again is active, no longer merged away. */
  revive(goldenId: string): void {
    this.mergedAway.delete(goldenId);
  }

  get mergedAwayCount(): number {
    return this.mergedAway.size;
  }

  activeRecords(): IterableIterator<GoldenCustomer> {
    return this.active.values();
  }

  mergedAwayRecords(): IterableIterator<GoldenCustomer> {
    return this.mergedAway.values();
  }
}
