// localStorage helpers. Storage may be missing or throw (blocked storage,
// private modes, full quota), so every access is guarded: a failure only
// means we forget.

const TOKEN = 'parley.token';

// get returns the JSON value stored under key, or null.
export function get(key) {
  try {
    return JSON.parse(localStorage.getItem(key));
  } catch {
    return null;
  }
}

// put stores value as JSON under key.
export function put(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // forget it
  }
}

// token returns the reader token: the secret that proves "this is my
// comment", issued by the server on the first write.
export function token() {
  try {
    return localStorage.getItem(TOKEN);
  } catch {
    return null;
  }
}

// setToken keeps a newly issued reader token.
export function setToken(value) {
  try {
    localStorage.setItem(TOKEN, value);
  } catch {
    // forget it
  }
}

// remember sets key to value (deletes it when value is null or empty) in the
// small map stored under name, keeping only the newest limit entries: drafts
// and the Markdown of one's own comments must not grow without bound.
export function remember(name, key, value, limit = 30) {
  const map = get(name) || {};
  delete map[key];
  if (value) map[key] = value;
  const keys = Object.keys(map);
  for (const k of keys.slice(0, Math.max(0, keys.length - limit))) delete map[k];
  put(name, map);
}

// recall returns what remember stored under name and key.
export function recall(name, key) {
  return (get(name) || {})[key];
}

// DRAFTS holds what readers were writing, by site, page and form (form.js).
export const DRAFTS = 'parley.drafts';

// MARKDOWN holds the Markdown this browser posted, by comment id: a
// fallback for the edit form (the API returns the Markdown of one's own
// comments too).
export const MARKDOWN = 'parley.markdown';

// AUTHOR + '.' + site holds the author fields as last posted on a site
// (form.js); AUTHOR alone is where older versions kept them for all.
export const AUTHOR = 'parley.author';
