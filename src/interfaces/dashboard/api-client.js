// @ts-check
/*
 * The API token and the calls to the admin API. The page holds no data of its own: everything comes
 * from the API with the token the person entered (kept in sessionStorage for this tab), so the API's
 * roles decide what is shown and allowed.
 */
import { inWords } from './format.js';

const TOKEN_KEY = 'crm-hub.api-token';

/** @typedef {{ code?: string, message?: string }} ApiError The API's own `{ code, message }`. */

/**
 * @template T
 * @typedef {{ ok: true, status: number, data: T } | { ok: false, status: number, error: ApiError }} ApiResult
 */

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** @param {string} entered */
export function keepToken(entered) {
  sessionStorage.setItem(TOKEN_KEY, entered);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * What to do when there is no token or the hub refuses it (the page asks for one). Set by the page,
 * so that calling the API does not depend on the page's dialog and polling.
 * @type {(message: string) => void}
 */
let askForToken = () => {};

/** @param {(message: string) => void} ask */
export function whenTokenNeeded(ask) {
  askForToken = ask;
}

/**
 * Calls the admin API with the token: `{ ok, status, data }` or `{ ok: false, status, error }` with
 * the API's own `{ code, message }`. Never throws, so that one failed call cannot stop the page.
 * The caller names the shape of `data` it reads by casting the result to `ApiResult<ThatShape>`.
 * @param {string} path
 * @param {{ method?: string, body?: unknown }} [options]
 * @returns {Promise<ApiResult<unknown>>}
 */
export async function api(path, { method = 'GET', body } = {}) {
  const bearer = token();
  if (!bearer) {
    askForToken('');
    return { ok: false, status: 401, error: { code: 'UNAUTHENTICATED', message: 'no API token entered' } };
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      cache: 'no-store',
      headers: {
        Authorization: `Bearer ${bearer}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (failure) {
    return { ok: false, status: 0, error: { code: 'HUB_UNREACHABLE', message: `the hub did not answer (${messageOf(failure)})` } };
  }
  const text = await response.text();
  /** @type {any} */
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.status === 401) {
    askForToken(`The hub did not accept the token: ${data?.error?.message ?? 'unauthenticated'}. Enter a valid API token.`);
  }
  if (!response.ok) {
    /** @type {ApiError} */
    const error = data?.error ?? {
      code: `HTTP_${response.status}`,
      message:
        response.status === 404
          ? `this hub does not serve ${path.split('?')[0]} (yet: still starting, or a version without it)`
          : `the hub answered ${response.status} ${response.statusText}`,
    };
    return { ok: false, status: response.status, error };
  }
  return { ok: true, status: response.status, data };
}

/**
 * The message of whatever a failed `fetch` threw.
 * @param {unknown} failure
 */
export function messageOf(failure) {
  return /** @type {{ message?: unknown }} */ (failure)?.message;
}

/**
 * The message for a refused action: a 403 means the token's role, which a person can do something about.
 * @param {{ status: number, error: ApiError }} result
 * @param {string} action
 */
export function refusal(result, action) {
  if (result.status === 403)
    return `${action} needs an operator or admin token; this token's role is too low. ${result.error.message ?? ''}`.trim();
  return `${action} failed: ${inWords(result.error)}`;
}
