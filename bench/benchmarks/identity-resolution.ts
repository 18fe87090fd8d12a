import { evaluateResolution } from '../../src/domain/identity/match-quality.js';
import { extractObservation } from '../../src/domain/identity/observation-extractor.js';
import { generateSyntheticEvents } from '../../src/demo/synthetic/synthetic-events.js';
import { BenchError } from '../runner/bench-error.js';
import type { Benchmark } from '../runner/benchmark.js';
import { collectGarbage, RssSampler } from '../support/rss-sampler.js';
import { timedChunks, type SourceClock } from '../support/timed-chunks.js';

const SEED = 20_260_301;
/** The generator makes about 7.8 events per person: enough persons that the stream is cut at the event count. */
const EVENTS_PER_PERSON_AT_LEAST = 6;

function events(count: number) {
  return generateSyntheticEvents({ seed: SEED, persons: Math.ceil(count / EVENTS_PER_PERSON_AT_LEAST) });
}

/**
 * The single customer view's resolver on synthetic evidence with ground truth, in process (no
 * Kafka): throughput and memory on a million events, and pairwise precision and recall. The
 * baseline is the same events only extracted, so the ratio is the resolver's own cost.
 */
export const identityResolutionBenchmark: Benchmark = {
  name: 'identity-resolution',
  description:
    "Identity resolution of synthetic events from the five systems (generateSyntheticEvents): events/s of extraction + resolution in process, peak RSS, and pairwise precision/recall (evaluateResolution) against the generator's ground truth.",
  async run(context) {
    const count = context.quick ? 100_000 : 1_000_000;

    // Baseline: extraction alone, generation timed apart and taken off.
    collectGarbage();
    const extractClock: SourceClock = { sourceMs: 0 };
    let observations = 0;
    let extracted = 0;
    const extractStart = performance.now();
    for (const event of timedChunks(events(count), count, extractClock)) {
      extracted++;
      if (extractObservation(event.topic, event.value).kind === 'observation') observations++;
    }
    const extractMs = performance.now() - extractStart - extractClock.sourceMs;
    if (extracted !== count) throw new BenchError('BENCH_SHORT_INPUT', `the generator gave ${extracted} events, not ${count}`);
    context.log(
      `extraction only: ${count} events in ${(extractMs / 1000).toFixed(2)} s (generation ${(extractClock.sourceMs / 1000).toFixed(2)} s apart)`,
    );

    collectGarbage();
    const rss = new RssSampler();
    rss.sample();
    const rssBefore = process.memoryUsage.rss();
    const resolveClock: SourceClock = { sourceMs: 0 };
    const resolveStart = performance.now();
    const run = evaluateResolution(timedChunks(events(count), count, resolveClock, { rss }));
    const resolveMs = performance.now() - resolveStart - resolveClock.sourceMs;
    const peak = rss.stop();
    const { quality } = run;
    context.log(
      `extraction + resolution: ${run.events} events in ${(resolveMs / 1000).toFixed(2)} s; precision ${quality.precision.toFixed(4)}, recall ${quality.recall.toFixed(4)}`,
    );

    const extractPerSecond = count / (extractMs / 1000);
    const timedWhat = `events generated a chunk of 10,000 at a time, generation timed apart and subtracted; seed ${SEED}`;
    return {
      figures: [
        {
          name: `identity resolution (${count.toLocaleString('en-US')} events)`,
          value: run.events / (resolveMs / 1000),
          unit: 'events/s',
          measured: `evaluateResolution over ${count} events: extractObservation + IdentityResolver.resolve of each, then the pairwise quality count; ${timedWhat}. Baseline: extractObservation alone on the same events, timed the same way`,
          baseline: { name: 'extraction only', value: extractPerSecond, unit: 'events/s' },
        },
        {
          name: 'identity resolution peak RSS',
          value: peak,
          unit: 'MiB',
          measured: `highest RSS sampled between chunks while resolving ${count} events (the process held ${Math.round(rssBefore / 2 ** 20)} MiB before); the resolver keeps every member record and golden record in memory`,
        },
        {
          name: 'identity match precision',
          value: quality.precision,
          unit: 'pairwise',
          measured: 'of the pairs of member records put in one golden record, the share that are one synthetic person',
        },
        {
          name: 'identity match recall',
          value: quality.recall,
          unit: 'pairwise',
          measured: 'of the pairs of member records of one synthetic person, the share put in one golden record',
        },
      ],
      details: {
        events: run.events,
        seed: SEED,
        observations,
        extractSeconds: extractMs / 1000,
        resolveSeconds: resolveMs / 1000,
        generationSeconds: resolveClock.sourceMs / 1000,
        quality,
      },
    };
  },
};
