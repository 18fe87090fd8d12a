import fs from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { CpuProfile } from './cpu-profile-summary.js';

/**
 * V8's sampling profiler over one piece of work, through the inspector: the profile `node
 * --cpu-prof` writes, but of the timed part only, without the set-up (producing the backlog
 * encodes every record, which would otherwise dominate a whole-process profile).
 */
export async function profileWhile<T>(
  work: () => Promise<T>,
  options: { intervalUs?: number } = {},
): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: options.intervalUs ?? 200 });
    await session.post('Profiler.start');
    const outcome = await work().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    if (!outcome.ok) throw outcome.error;
    return { result: outcome.value, profile };
  } finally {
    session.disconnect();
  }
}

export async function writeCpuProfile(file: string, profile: CpuProfile): Promise<void> {
  await fs.writeFile(file, JSON.stringify(profile));
}
