/**
 * Which topics exist, as far as a producer needs to know: a topic is looked up once (a list of
 * the cluster's topics) and remembered once seen; a topic not found is looked up again next time,
 * since it may have been created meanwhile. Without it a send to a missing topic would be retried
 * by the client for half a minute before failing with a protocol error nobody can read.
 */
export class ExistingTopics {
  private readonly seen = new Set<string>();

  constructor(private readonly listTopics: () => Promise<string[]>) {}

  async has(topic: string): Promise<boolean> {
    if (this.seen.has(topic)) return true;
    for (const name of await this.listTopics()) this.seen.add(name);
    return this.seen.has(topic);
  }

  /** A topic just created (or deleted) by this client. */
  note(topic: string, exists: boolean): void {
    if (exists) this.seen.add(topic);
    else this.seen.delete(topic);
  }
}
