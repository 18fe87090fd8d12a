// @ts-check
/*
 * The crm-hub dashboard: plain browser JavaScript modules, no build step and no library, served by
 * the hub. This module starts the page; each section of dashboard.html has its own module. The page
 * holds no data of its own. Everything comes from the admin API with the API token the person
 * enters, so the API's roles decide what is shown and allowed: a 401 asks for a token again, a 403
 * says the role is too low. Text from the API is only ever set as text (never as HTML).
 */
import { token, whenTokenNeeded } from './api-client.js';
import { loadDeadLetters, loadDeadLetterSummary, wireDeadLetters } from './dead-letters.js';
import { refreshHealth } from './hub-health.js';
import { startPolling } from './polling.js';
import { whenReplayEnds, wireReplayTarget } from './replays.js';
import { wireSearch } from './search.js';
import { askForToken, wireTokenDialog } from './token-dialog.js';

function wire() {
  whenTokenNeeded(askForToken);
  whenReplayEnds(() => {
    void loadDeadLetterSummary();
    void loadDeadLetters();
  });
  wireTokenDialog();
  wireSearch();
  wireDeadLetters();
  wireReplayTarget();
}

function main() {
  wire();
  void refreshHealth();
  if (token()) startPolling();
  else askForToken();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
