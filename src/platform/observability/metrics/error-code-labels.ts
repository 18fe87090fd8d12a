/** What a HubError code looks like (SINK_FAILED, HTTP_503); anything else is data, not a code, and must not become a label. */
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export const OTHER_CODE = 'OTHER';

/**
 * Keeps the `code` label of crmhub_errors_total bounded. The hub's own codes are a closed set, but
 * a connector may make up its own: past `max` distinct codes, and for anything that does not look
 * like a code, the failure is counted as OTHER so that one bad connector cannot flood Prometheus.
 */
export class ErrorCodeLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly max = 100) {}

  label(code: string): string {
    if (this.seen.has(code)) return code;
    if (!CODE.test(code) || this.seen.size >= this.max) return OTHER_CODE;
    this.seen.add(code);
    return code;
  }
}
