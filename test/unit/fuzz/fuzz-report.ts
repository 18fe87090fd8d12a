/**
 * Counts of what the fuzz tests tried, printed once at the end of the run so that the README's
 * reliability figures come from a real run, not from memory.
 */
export type FuzzVerdict = 'rejected' | 'accepted';

interface Counts {
  inputs: number;
  rejected: number;
  accepted: number;
  crashes: number;
}

/** What each fuzz suite's inputs came to: a crash is an input whose check threw instead of giving a verdict. */
export class FuzzTally {
  private readonly bySuite = new Map<string, Counts>();

  /**
   * Runs the check of one input and counts its verdict. A throw (an error that is not a coded
   * HubError, a broken expectation about a rejection or an accepted value) is counted as a crash
   * and thrown on, so that the property fails with its counterexample.
   */
  async check(suite: string, check: () => FuzzVerdict | Promise<FuzzVerdict>): Promise<FuzzVerdict> {
    const counts = this.counts(suite);
    counts.inputs++;
    try {
      const verdict = await check();
      counts[verdict]++;
      return verdict;
    } catch (error) {
      counts.crashes++;
      throw error;
    }
  }

  summary(): string {
    return [...this.bySuite]
      .map(
        ([suite, counts]) =>
          `${suite}: ${counts.inputs} inputs, ${counts.rejected} rejected with a clear error, ${counts.accepted} accepted, ${counts.crashes} crashes`,
      )
      .join('\n');
  }

  get empty(): boolean {
    return this.bySuite.size === 0;
  }

  private counts(suite: string): Counts {
    let counts = this.bySuite.get(suite);
    if (!counts) {
      counts = { inputs: 0, rejected: 0, accepted: 0, crashes: 0 };
      this.bySuite.set(suite, counts);
    }
    return counts;
  }
}

const tally = new FuzzTally();

/** Checks one fuzz input of `suite`, counted in the summary printed at the end of the run. */
export function fuzzInput(suite: string, check: () => FuzzVerdict | Promise<FuzzVerdict>): Promise<FuzzVerdict> {
  return tally.check(suite, check);
}

after(() => {
  if (!tally.empty) process.stdout.write(`      fuzzing — ${tally.summary().replaceAll('\n', '\n      fuzzing — ')}\n`);
});
