// Calls to the gateway's JSON API (docs/api.md). Errors come back as { ok: false, status, code, message }.

let onUnauthorised = () => {};

export function setUnauthorisedHandler(handler) {
  onUnauthorised = handler;
}

export async function api(method, path, body) {
  let response;
  try {
    // Every state-changing call is JSON, also without a body: the gateway refuses anything else.
    const changes = method !== 'GET' && method !== 'HEAD';
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
  if (response.ok) return { ok: true, status: response.status, data };
  if (response.status === 401 && path !== '/api/login') onUnauthorised();
  const error = isJson && data?.error ? data.error : { code: 'http', message: String(response.status) };
  return {
    ok: false,
    status: response.status,
    code: error.code,
    message: error.message,
    retryAfterS: Number(response.headers.get('retry-after') ?? 0),
  };
}
