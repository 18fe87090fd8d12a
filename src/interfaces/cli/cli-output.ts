import { HubError } from '../../core/hub-error.js';
import { withoutSecrets } from '../../platform/observability/secret-scrubbing.js';

/**
 * How every command reports a failure: one readable line (plus detail lines), never a stack trace.
 * Scrubbed like a log line: a failed connection's message may quote a URL with its credentials.
 */
export function printFailure(error: unknown): void {
  if (error instanceof HubError) {
    process.stderr.write(withoutSecrets(`crm-hub: ${error.code}: ${error.message}\n`));
  } else if (error instanceof Error) {
    process.stderr.write(withoutSecrets(`crm-hub: unexpected error: ${error.stack ?? error.message}\n`));
  } else {
    process.stderr.write(withoutSecrets(`crm-hub: unexpected error: ${String(error)}\n`));
  }
}
