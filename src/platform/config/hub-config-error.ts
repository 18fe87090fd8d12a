import { ConfigError } from '../../core/hub-error.js';
import { formatConfigIssue, type ConfigIssue } from './config-issue.js';

/** A hub config file with at least one problem; `issues` lists every one of them, in file order. */
export class HubConfigError extends ConfigError {
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super('CONFIG_INVALID', `${file} has ${count}:\n${issues.map((issue) => `  ${formatConfigIssue(issue)}`).join('\n')}`);
    this.file = file;
    this.issues = issues;
  }
}
