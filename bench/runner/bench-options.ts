import { BenchError } from './bench-error.js';

export interface BenchOptions {
  quick: boolean;
  /** Benchmark names to run, in the catalog's order; all when undefined. */
  only?: string[];
  /** Results file; default bench/results/<timestamp>.json. */
  out?: string;
}

/** `--quick`, `--only a,b` (or `--only=a,b`), `--out file`; anything else is an error naming the options. */
export function parseBenchOptions(args: readonly string[], known: readonly string[]): BenchOptions {
  const options: BenchOptions = { quick: false };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? args[++index];
      if (next === undefined || next === '') throw new BenchError('BENCH_OPTION_INVALID', `${flag} needs a value`);
      return next;
    };
    if (flag === '--quick' && inline === undefined) options.quick = true;
    else if (flag === '--out') options.out = value();
    else if (flag === '--only')
      options.only = value()
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);
    else throw new BenchError('BENCH_OPTION_INVALID', `unknown option ${arg}; options: --quick, --only <name,...>, --out <file>`);
  }
  const unknown = options.only?.filter((name) => !known.includes(name)) ?? [];
  if (unknown.length > 0) throw new BenchError('BENCH_UNKNOWN', `unknown benchmark ${unknown.join(', ')}; known: ${known.join(', ')}`);
  if (options.only?.length === 0) throw new BenchError('BENCH_OPTION_INVALID', '--only needs at least one benchmark name');
  return options;
}
