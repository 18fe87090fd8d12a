import { HubError } from '../../../core/hub-error.js';

/**
 * A segment rule failed on a customer's facts (`lossRatio < 0.6` when lossRatio is null is
 * JSONata's error T2010). The rule, not the customer, is at fault and the same facts fail the same
 * way, so it is not retried; the customer is not given a segment that would depend on the rules
 * after the broken one. The message names the rule's path, never the facts.
 */
export class SegmentRuleError extends HubError {
  /** Where the rule is in the segment settings, e.g. rules[2]. */
  readonly rule: string;

  constructor(rule: string, message: string, options: { cause?: unknown } = {}) {
    super('SEGMENT_RULE_FAILED', message, { retriable: false, cause: options.cause });
    this.rule = rule;
  }
}
