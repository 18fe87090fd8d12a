import fs from 'node:fs/promises';
import path from 'node:path';
import { compareConfigIssues, type ConfigIssue } from '../platform/config/config-issue.js';
import { readConfigFile } from '../platform/config/config-file-reader.js';
import type { CompiledFlow } from './compiled-flow.js';
import { duplicateFlowNameIssue } from './duplicate-flow-name.js';
import { compileFlowFile, type FlowCompileDeps } from './flow-compiler.js';
import { FlowFileError } from './flow-file-error.js';

/** A flow file: YAML, but not a flow test (`*.test.yaml`). */
export function isFlowFileName(name: string): boolean {
  return /\.ya?ml$/.test(name) && !isFlowTestFileName(name);
}

export function isFlowTestFileName(name: string): boolean {
  return /\.test\.ya?ml$/.test(name);
}

/**
 * The files named, with each folder replaced by the files in it that `accept` takes (not
 * recursively, sorted), so `flows/` and `flows/a.yaml flows/b.yaml` mean the same.
 */
export async function expandFlowPaths(paths: readonly string[], accept: (name: string) => boolean): Promise<string[]> {
  const files: string[] = [];
  for (const entry of paths) {
    const stat = await fs.stat(entry).catch(() => undefined);
    if (!stat?.isDirectory()) {
      files.push(entry);
      continue;
    }
    const names = (await fs.readdir(entry, { withFileTypes: true }))
      .filter((dirent) => dirent.isFile() && accept(dirent.name))
      .map((dirent) => dirent.name);
    files.push(...names.sort().map((name) => path.join(entry, name)));
  }
  return files;
}

/**
 * Reads and compiles flow files: a folder (every flow file in it) or a list of files. Throws
 * FlowFileError with the issues of every file, including two files that give one name (their
 * consumer groups would clash), or ConfigError CONFIG_UNREADABLE for a file it cannot read.
 */
export async function loadFlowFiles(
  location: string | readonly string[],
  deps: FlowCompileDeps & { env?: NodeJS.ProcessEnv },
): Promise<CompiledFlow[]> {
  const files = await expandFlowPaths(typeof location === 'string' ? [location] : location, isFlowFileName);
  const flows: { flow: CompiledFlow; text: string }[] = [];
  const issues: ConfigIssue[] = [];
  for (const file of files) {
    const text = await readConfigFile(file);
    const { flow, issues: found } = compileFlowFile({ file, text, env: deps.env }, deps);
    issues.push(...found);
    if (flow) flows.push({ flow, text });
  }
  issues.push(...duplicateNameIssues(flows));
  if (issues.length > 0) {
    await Promise.allSettled(flows.map(({ flow }) => flow.close()));
    throw new FlowFileError(issues.sort(compareConfigIssues));
  }
  return flows.map(({ flow }) => flow);
}

function duplicateNameIssues(flows: readonly { flow: CompiledFlow; text: string }[]): ConfigIssue[] {
  const first = new Map<string, CompiledFlow>();
  const issues: ConfigIssue[] = [];
  for (const { flow, text } of flows) {
    const earlier = first.get(flow.name);
    if (!earlier) first.set(flow.name, flow);
    else issues.push(duplicateFlowNameIssue(flow, text, earlier.file));
  }
  return issues;
}
