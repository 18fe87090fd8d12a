import fs from 'node:fs/promises';
import { BenchError } from '../runner/bench-error.js';

/** Resident set size of process `pid` in bytes, from /proc (Linux, where the benchmarks run). */
export async function processRssBytes(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch((error: unknown) => {
    throw new BenchError('BENCH_PROCESS_GONE', `cannot read the memory of process ${pid}: ${(error as Error).message}`, { cause: error });
  });
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new BenchError('BENCH_PROCESS_GONE', `process ${pid} has no resident set (a zombie?)`);
  return Number(kib) * 1024;
}

/**
 * The child of `parentPid` running `command` (its /proc comm), e.g. the node under a supervising
 * shell: that is the process whose memory is the hub's, not the shell's.
 */
export async function childProcessNamed(parentPid: number, command: string): Promise<number | undefined> {
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // "pid (comm) state ppid ...": comm may hold spaces or parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    if (close < 0) continue;
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    if (ppid === parentPid && comm === command) return Number(entry);
  }
  return undefined;
}
