// @ts-check
/* The header's health pill. */
import { messageOf, token } from './api-client.js';
import { byId } from './dom.js';

/**
 * @typedef {{ ok?: boolean, error?: string }} Dependency
 * @typedef {{ status?: string, kafka?: Dependency, schemaRegistry?: Dependency, error?: string | import('./api-client.js').ApiError }} Health
 *   What /health answers: the hub's state while it starts, else its dependencies (or an API error).
 */

// /health is usually open: it answers even before a token is entered, which tells a person the hub itself is up.
export async function refreshHealth() {
  const pill = byId('hub-health');
  /**
   * @param {string} text
   * @param {string} state
   * @param {string} [title]
   */
  const say = (text, state, title = 'Kafka and schema registry, as /health reports them') => {
    pill.textContent = text;
    pill.className = `pill ${state}`;
    pill.title = title;
  };
  let response;
  try {
    response = await fetch('/health', { cache: 'no-store', headers: token() ? { Authorization: `Bearer ${token()}` } : {} });
  } catch (failure) {
    say('hub unreachable', 'state-failed', String(messageOf(failure)));
    return;
  }
  /** @type {Health} */
  const health = await response.json().catch(() => ({}));
  if (health.status === 'starting') return say('starting…', 'state-starting');
  if (health.status === 'failed') return say('failed to start', 'state-failed', String(health.error ?? ''));
  if (!health.kafka)
    return say(
      `health unknown (${response.status})`,
      'state-stopped',
      typeof health.error === 'object' ? (health.error.message ?? '') : '',
    );
  const parts = `Kafka ${health.kafka.ok ? 'ok' : 'down'} · registry ${health.schemaRegistry?.ok ? 'ok' : 'down'}`;
  const problems = [health.kafka.error, health.schemaRegistry?.error].filter(Boolean).join('; ');
  say(
    health.status === 'ok' ? `healthy · ${parts}` : `degraded · ${parts}`,
    health.status === 'ok' ? 'state-running' : 'state-failed',
    problems || undefined,
  );
}
