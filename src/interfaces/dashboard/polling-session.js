// @ts-check
/*
 * Whether the page is polling, and for which token. A loop whose request was in flight when the
 * token changed sees that its session ended, and stops instead of running twice.
 */

let polling = false;
let session = 0;

export function isPolling() {
  return polling;
}

export function currentSession() {
  return session;
}

/** Ends the current session: every loop of it stops at its next turn. */
export function endSession() {
  polling = false;
  session++;
}

/** Starts a session after `endSession`; its loops carry the number returned. */
export function beginSession() {
  polling = true;
  return session;
}
