// @ts-check
/* The page's refresh loops: health, graph and status every 2 s, the dead-letter summary every 10 s. */
import { loadDeadLetters, loadDeadLetterSummary } from './dead-letters.js';
import { refreshStatus, refreshTopologyIfDue, POLL_MS, forgetTopology } from './flow-of-records.js';
import { refreshHealth } from './hub-health.js';
import { beginSession, currentSession, endSession } from './polling-session.js';
import { loadReplays } from './replays.js';

const DLQ_SUMMARY_MS = 10_000;

/** @type {ReturnType<typeof setTimeout> | undefined} */
let pollTimer;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let summaryTimer;

export function stopPolling() {
  endSession();
  clearTimeout(pollTimer);
  clearTimeout(summaryTimer);
}

export function startPolling() {
  stopPolling();
  const session = beginSession();
  forgetTopology();
  void poll(session);
  void pollDeadLetterSummary(session);
  void loadDeadLetters();
  void loadReplays();
}

/** @param {number} mine */
async function poll(mine) {
  if (mine !== currentSession()) return;
  const started = Date.now();
  await Promise.all([refreshHealth(), refreshTopologyIfDue(), refreshStatus()]);
  if (mine === currentSession()) pollTimer = setTimeout(() => poll(mine), Math.max(200, POLL_MS - (Date.now() - started)));
}

/** @param {number} mine */
async function pollDeadLetterSummary(mine) {
  if (mine !== currentSession()) return;
  await loadDeadLetterSummary();
  if (mine === currentSession()) summaryTimer = setTimeout(() => pollDeadLetterSummary(mine), DLQ_SUMMARY_MS);
}
