import type { ConfigIssue } from '../platform/config/config-issue.js';

/**
 * The issue of a flow file whose flow name another file already gives: refused by `crm-hub validate`
 * and `crm-hub test` as by the running hub, since each name is a consumer group and two versions of
 * one flow would share its records.
 */
export function duplicateFlowNameIssue(flow: { file: string; name: string }, text: string, otherFile: string): ConfigIssue {
  return {
    file: flow.file,
    ...namePosition(text),
    path: 'name',
    code: 'NAME_DUPLICATE',
    message: `flow ${flow.name} is also defined by ${otherFile}; names must be unique (each is a consumer group)`,
  };
}

/** Where the top-level `name:` value is written (a compiled flow always has one). */
function namePosition(text: string): { line: number; column: number } {
  const lines = text.split('\n');
  const line = lines.findIndex((candidate) => /^name\s*:/.test(candidate));
  if (line < 0) return { line: 1, column: 1 };
  return { line: line + 1, column: (/^name\s*:\s*/.exec(lines[line]!)?.[0].length ?? 0) + 1 };
}
