import { formatConfigIssue, type ConfigIssue } from '../platform/config/config-issue.js';
import { ConfigError } from '../core/hub-error.js';

/** Flow files with at least one problem; `issues` lists every one of them, in file order. */
export class FlowFileError extends ConfigError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const files = new Set(issues.map((issue) => issue.file));
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      'FLOW_INVALID',
      `${files.size === 1 ? [...files][0] : `${files.size} flow files`} ${files.size === 1 ? 'has' : 'have'} ${count}:\n${issues.map((issue) => `  ${formatConfigIssue(issue)}`).join('\n')}`,
    );
    this.issues = issues;
  }
}
