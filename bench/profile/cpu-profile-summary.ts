import path from 'node:path';

/** The parts of V8's `.cpuprofile` (what `node --cpu-prof` and the inspector's Profiler write) a summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FrameTime {
  /** `function file:line`, the file relative to the project or inside its package. */
  frame: string;
  ms: number;
  /** Of the profile's busy time (idle excluded). */
  percent: number;
}

export interface ProfileSummary {
  /** Sampled time, idle included. */
  totalMs: number;
  idleMs: number;
  /** Time in the function itself. */
  self: FrameTime[];
  /** Time with the function on the stack (counted once however deeply it recurses). */
  total: FrameTime[];
  /**
   * Self time by where the code comes from: a package, a folder of the project, node's internals,
   * the garbage collector. Asynchronous code resumes from the microtask queue, so totals undercount
   * it; self time by origin shows what each part costs however it was called.
   */
  origins: FrameTime[];
}

// V8's pseudo-frames: not functions, and (root)/(program) would top every total.
const PSEUDO = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

/**
 * Self and total time per function of a CPU profile, from its samples: the summary the profiling
 * notes keep, so that a before and an after can be compared without opening a profiler.
 */
export function summarizeCpuProfile(profile: CpuProfile, options: { top?: number; root?: string } = {}): ProfileSummary {
  const top = options.top ?? 15;
  const root = options.root ?? process.cwd();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const nodeMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // A sample's time is the gap to the next sample (V8 records the gap before each one).
  samples.forEach((id, index) => nodeMs.set(id, (nodeMs.get(id) ?? 0) + (deltas[index + 1] ?? 0) / 1000));

  const label = (id: number): string => frameLabel(byId.get(id)!.callFrame, root);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const origins = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of nodeMs) {
    totalMs += ms;
    const name = label(id);
    if (name === '(idle)') {
      idleMs += ms;
      continue;
    }
    self.set(name, (self.get(name) ?? 0) + ms);
    const origin = originOf(byId.get(id)!.callFrame, root);
    origins.set(origin, (origins.get(origin) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = label(at);
      if (PSEUDO.has(frame) || seen.has(frame)) continue;
      seen.add(frame);
      total.set(frame, (total.get(frame) ?? 0) + ms);
    }
  }
  const busy = totalMs - idleMs;
  const ranked = (times: Map<string, number>): FrameTime[] =>
    [...times]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, ms]) => ({ frame, ms: Math.round(ms), percent: busy > 0 ? Math.round((ms / busy) * 1000) / 10 : 0 }));
  return { totalMs: Math.round(totalMs), idleMs: Math.round(idleMs), self: ranked(self), total: ranked(total), origins: ranked(origins) };
}

function originOf(frame: { functionName: string; url: string }, root: string): string {
  if (frame.url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (frame.url.startsWith('node:')) return 'node internals';
  const file = frame.url.startsWith('file://') ? new URL(frame.url).pathname : frame.url;
  const modules = file.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope = '', name = ''] = file.slice(modules + '/node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  return path.dirname(path.relative(root, file));
}

function frameLabel(frame: { functionName: string; url: string; lineNumber: number }, root: string): string {
  if (frame.url === '') return frame.functionName || '(anonymous)';
  const file = frame.url.startsWith('file://') ? new URL(frame.url).pathname : frame.url;
  const modules = file.lastIndexOf('/node_modules/');
  const shown = modules >= 0 ? file.slice(modules + '/node_modules/'.length) : file.startsWith('/') ? path.relative(root, file) : file;
  // tsx hands V8 each TypeScript module transformed onto one line: a line number there says nothing.
  return `${frame.functionName || '(anonymous)'} ${shown}${frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : ''}`;
}

/** The summary as the markdown tables the profiling notes keep. */
export function formatProfileSummary(summary: ProfileSummary, title: string): string {
  const table = (heading: string, rows: FrameTime[]) =>
    [
      `| ${heading} | ms | % of busy |`,
      '| --- | ---: | ---: |',
      ...rows.map((row) => `| \`${row.frame}\` | ${row.ms} | ${row.percent} |`),
    ].join('\n');
  const busy = summary.totalMs - summary.idleMs;
  return [
    `### ${title}`,
    '',
    `${summary.totalMs} ms sampled, ${busy} ms busy, ${summary.idleMs} ms idle.`,
    '',
    table('self time', summary.self),
    '',
    table('total time', summary.total),
    '',
    table('self time by origin', summary.origins),
    '',
  ].join('\n');
}
