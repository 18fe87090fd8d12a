import { HubError } from '../errors/hub-error.js';

/** How every command reports a failure: one readable line (plus detail lines), never a stack trace. */
export function printFailure(error: unknown): void {
  if (error instanceof HubError) {
    process.stderr.write(`crm-hub: ${error.code}: ${error.message}\n`);
  } else if (error instanceof Error) {
    process.stderr.write(`crm-hub: unexpected error: ${error.stack ?? error.message}\n`);
  } else {
    process.stderr.write(`crm-hub: unexpected error: ${String(error)}\n`);
  }
}
