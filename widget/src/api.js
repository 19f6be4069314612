// Client of Parley's public JSON API (notes/api-contract.md). Every request
// carries the reader token when we have one, and any answer that issues a
// token stores it. Failures reject with the API's error object
// {code, message, field} plus status, or with {code: "network"} when the
// server could not be reached.
import { setToken, token } from './store.js';

// request does one call to path under the API of the server at base (a
// URL ending in a slash) and resolves to the answer. The later bundle's
// calls (mydata.js) use it too.
export async function request(base, method, path, body) {
  const headers = {};
  const tok = token();
  if (tok) headers.Authorization = 'Bearer ' + tok;
  if (body) headers['Content-Type'] = 'application/json';
  let res;
  let data = {};
  try {
    res = await fetch(base + 'api/v1/' + path, {
      method,
      headers,
      body: body && JSON.stringify(body),
      credentials: 'omit',
    });
    if (res.status !== 204) data = await res.json().catch(() => ({}));
  } catch {
    throw { code: 'network' };
  }
  if (!res.ok) throw { status: res.status, code: 'internal', ...data.error };
  if (data.reader_token) setToken(data.reader_token);
  return data;
}

// client returns the API calls for one site on the server at base that a
// first render makes: reading the thread. The later bundle adds the others
// (more).
export function client(base, site) {
  return {
    base,
    site,
    list(page, sort, cursor) {
      const q = new URLSearchParams({ page, sort });
      if (cursor) q.set('cursor', cursor);
      return request(base, 'GET', `sites/${encodeURIComponent(site)}/comments?${q}`);
    },
  };
}

// more adds to api (of client) the calls that write, once, and returns it.
export function more(api) {
  if (api.post) return api;
  const { base, site } = api;
  const sites = `sites/${encodeURIComponent(site)}/`;
  const comment = id => `${sites}comments/${encodeURIComponent(id)}`;
  const call = (method, path, body) => request(base, method, path, body);
  return Object.assign(api, {
    post: comment => call('POST', sites + 'comments', comment),
    edit: (id, body, confirm_hold) => call('PATCH', comment(id), { body, confirm_hold }),
    remove: id => call('DELETE', comment(id)),
    vote: (id, value) => call('PUT', comment(id) + '/vote', { value }),
    flag: (id, reason, note) => call('POST', comment(id) + '/flag', { reason, note }),
    preview: body => call('POST', 'preview', { site, body }),
  });
}
