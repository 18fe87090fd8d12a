/**
 * Prints the summary tables of `.cpuprofile` files, e.g. those `CRM_HUB_BENCH_CPU_PROF=<dir> npm run
 * bench` leaves: `node --import tsx bench/profile/summarize-cpu-profile.ts <file>... [--top N]`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatProfileSummary, summarizeCpuProfile, type CpuProfile } from './cpu-profile-summary.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '15' } } });
if (positionals.length === 0) {
  process.stderr.write('usage: summarize-cpu-profile.ts <file.cpuprofile>... [--top N]\n');
  process.exit(2);
}
for (const file of positionals) {
  const profile = JSON.parse(await fs.readFile(file, 'utf8')) as CpuProfile;
  process.stdout.write(`${formatProfileSummary(summarizeCpuProfile(profile, { top: Number(values.top) }), path.basename(file))}\n`);
}
