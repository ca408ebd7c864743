// @ts-check
// Calls to the gateway's JSON API (docs/api.md). Errors come back as { ok: false, status, code, message }.

/** @import { ApiAnswer, ApiBody, ApiMethod, ApiPath, ApiResult } from './contract' */

let onUnauthorised = () => {};

/** @param {() => void} handler called when a call other than the login answers 401 (the login ended) */
export function setUnauthorisedHandler(handler) {
  onUnauthorised = handler;
}

/**
 * One call; the answer's type follows from the method and path (contract.d.ts).
 * @template {ApiMethod} M
 * @template {ApiPath<M>} P
 * @param {M} method
 * @param {P} path
 * @param {ApiBody<M, P>} [body]
 * @returns {Promise<ApiResult<ApiAnswer<M, P>>>}
 */
export async function api(method, path, body) {
  let response;
  try {
    // Every state-changing call is JSON, also without a body: the gateway refuses anything else.
    const changes = method !== 'GET';
    response = await fetch(path, {
      method,
      headers: changes ? { 'content-type': 'application/json' } : {},
      body: changes ? JSON.stringify(body ?? {}) : undefined,
      credentials: 'same-origin',
    });
  } catch {
    return { ok: false, status: 0, code: 'network', message: 'network' };
  }
  const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
  const data = isJson ? await response.json() : await response.text();
  // The gateway answers by its contract (the e2e tests run these screens against the real one).
  if (response.ok) return { ok: true, status: response.status, data: /** @type {ApiAnswer<M, P>} */ (data) };
  if (response.status === 401 && path !== '/api/login') onUnauthorised();
  const error = isJson && data?.error ? data.error : { code: 'http', message: String(response.status) };
  return {
    ok: false,
    status: response.status,
    code: String(error.code),
    message: String(error.message),
    retryAfterS: Number(response.headers.get('retry-after') ?? 0),
  };
}
