// The controller API of the server this page is served from (same origin).
//
// Reads are GET; every write is a POST with a JSON body (never a GET: the controller
// refuses writes by GET and checks that a write comes from its own origin). The password
// given at login is kept for this browser tab only (sessionStorage) and sent in the
// Password header.

const KEY = 'mw-password';
const listeners = new Set();

export function password() { return sessionStorage.getItem(KEY) || ''; }
export function setPassword(p) { sessionStorage.setItem(KEY, p); }
export function clearPassword() { sessionStorage.removeItem(KEY); }

// Called with no argument when the controller answers 403 (login needed).
export function onUnauthorized(fn) { listeners.add(fn); }

export class ApiError extends Error {
  constructor(path, status, message) {
    super(`${path}: ${message || 'HTTP ' + status}`);
    this.status = status;
  }
}

async function request(path, init) {
  const headers = Object.assign({}, init.headers || {});
  const p = password();
  if (p) headers.Password = p;
  const res = await fetch(path, Object.assign({}, init, { headers, credentials: 'same-origin' }));
  const type = res.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  if (res.status === 403) listeners.forEach((fn) => fn());
  if (!res.ok) {
    throw new ApiError(path, res.status, body && body.error ? body.error : '');
  }
  return body;
}

export function get(path, params) {
  const q = params ? '?' + new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== '')) : '';
  return request(path + q, { method: 'GET' });
}

// POST a JSON value (or a string/Blob as it is, for messages to learn).
export function post(path, body, headers = {}) {
  const raw = typeof body === 'string' || body instanceof Blob;
  return request(path, {
    method: 'POST',
    headers: Object.assign(raw ? {} : { 'Content-Type': 'application/json' }, headers),
    body: raw ? body : JSON.stringify(body),
  });
}
