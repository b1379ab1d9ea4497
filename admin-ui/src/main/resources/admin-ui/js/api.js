/**
 * The HTTP API client. It adds the administrator's bearer token and turns every non-2xx answer into an ApiError
 * that carries the status and the server's `errors` list.
 */

const TOKEN_KEY = 'consolecms.adminToken';

/** The token of this browser tab (sessionStorage only: gone when the tab closes). */
export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** A non-2xx answer (or no answer at all: status 0). */
export class ApiError extends Error {
  constructor(status, message, errors) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    /** `[{field, message}]` as the server sent them; may be empty. */
    this.errors = errors || [];
  }
}

let onUnauthorized = () => {};

/** Called when the server answers 401 to a signed-in request (token revoked or changed). */
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

async function request(method, path, body, probeToken) {
  const token = probeToken || session.token();
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
    });
  } catch (networkError) {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.', []);
  }
  const text = await response.text();
  let json = null;
  if (text && (response.headers.get('Content-Type') || '').includes('json')) {
    try { json = JSON.parse(text); } catch (ignored) { json = null; }
  }
  if (response.ok) return json;
  const errors = Array.isArray(json && json.errors) ? json.errors : [];
  const message = (json && (json.message || json.error)) || errors.map((e) => e.message).join(' ')
    || `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
  const failure = new ApiError(response.status, String(message), errors);
  if (response.status === 401 && token && !probeToken) onUnauthorized(failure);
  throw failure;
}

/** JSON over HTTP with the session's token. Each method resolves to the parsed body (or null). */
export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body === undefined ? {} : body),
  patch: (path, body) => request('PATCH', path, body),
  delete: (path) => request('DELETE', path),
  /** Checks a token without storing it; rejects with an ApiError (401 for a wrong token). */
  probe: (token) => request('GET', '/api/collections', undefined, token),
};

/** A query string from an object, skipping empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Joins a collection's base path and a sub-path without doubling slashes. */
export function join(base, sub) {
  return `${base.replace(/\/+$/, '')}/${String(sub).replace(/^\/+/, '')}`;
}
