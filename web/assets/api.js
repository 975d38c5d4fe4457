// The JSON API (docs/API.md): fetch with the session cookie, the CSRF token
// on changing requests, and errors as ApiError with the API's field.
// SPDX-License-Identifier: AGPL-3.0-or-later

let csrfToken = null;

export function setCsrf(token) { csrfToken = token || null; }

/** The store's temporary faults (503 with Retry-After): each has its own
 * message in the catalogues, err.<code> and err.<code>.title. */
const STORE_FAULTS = ['store_busy', 'disk_full', 'read_only'];

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || null;
    this.field = e.field || null;
    this.body = body;
    /** 'err.store_busy' etc. for a store fault, else null. */
    this.fault = status === 503 && STORE_FAULTS.includes(this.code) ? `err.${this.code}` : null;
  }
}

/** Calls the API; resolves to the parsed JSON (null for 204), or throws ApiError.
 * `type` sends `body` as it is (a file's text) with that media type. */
export async function api(method, path, body, type) {
  const opt = {method, headers: {Accept: 'application/json'}, credentials: 'same-origin'};
  if (type) {
    opt.headers['Content-Type'] = type;
    opt.body = body;
  } else if (body !== undefined) {
    opt.headers['Content-Type'] = 'application/json';
    opt.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) opt.headers['X-CSRF-Token'] = csrfToken;
  let r;
  try {
    r = await fetch(path, opt);
  } catch (e) {
    throw new ApiError(0, {error: {code: 'network', message: String(e)}});
  }
  if (r.status === 204) return null;
  let data = null;
  try { data = await r.json(); } catch { data = null; }
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);
/** POSTs a file's text as it is (an inventory CSV upload). */
export const postText = (path, text, type = 'text/csv') => api('POST', path, text, type);
