// @ts-check
/* The dialog that asks for the API token: the page shows nothing without one. */
import { forgetToken, keepToken } from './api-client.js';
import { byId } from './dom.js';
import { startPolling, stopPolling } from './polling.js';

/**
 * Forgets the token, stops polling and asks for a token, saying why.
 * @param {string} [message]
 */
export function askForToken(message = '') {
  forgetToken();
  stopPolling();
  byId('token-error').textContent = message;
  byId('token-input', HTMLInputElement).value = '';
  const dialog = byId('token-dialog', HTMLDialogElement);
  if (!dialog.open) dialog.showModal();
  byId('token-input').focus();
}

export function wireTokenDialog() {
  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const entered = byId('token-input', HTMLInputElement).value.trim();
    if (!entered) return;
    keepToken(entered);
    byId('token-dialog', HTMLDialogElement).close();
    startPolling();
  });
  // The page is useless without a token: Escape must not leave an empty page behind.
  byId('token-dialog').addEventListener('cancel', (event) => event.preventDefault());
  byId('sign-out').addEventListener('click', () => askForToken('Enter another API token.'));
}
