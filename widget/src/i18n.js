// Translation: t(key, vars) in the reader's language. English is built into
// the bundle and fills any key a locale lacks; other languages arrive as
// locale bundles (env.js loadLocale).
import en, { later } from './locales/en.js';

// translator returns t for one language: tag is the BCP 47 tag used for
// plural rules and numbers, table the language's strings. Entries may be
// plural objects {one, few, many, other} picked by vars.n, where a number
// key is an exact form ({1: 'yesterday'}); "{name}" in an entry is
// replaced by vars.name (numbers formatted for the language).
export function translator(tag, table) {
  const plural = new Intl.PluralRules(tag);
  // The numbers are counts. Below 1000 every language we speak writes them
  // in plain digits, unless the tag asks for others (-u-nu-), so those skip
  // Intl's number formatting, whose first use in a tab is slow (time.js).
  const num = n => (n < 1000 && !/-u-/.test(tag) ? n : n.toLocaleString(tag));
  function t(key, vars = {}) {
    let s = table[key] || en[key] || key;
    if (typeof s === 'object') s = s[vars.n] || s[plural.select(vars.n)] || s.other;
    return s.replace(/\{(\w+)\}/g, (m, k) => (typeof vars[k] === 'number' ? num(vars[k]) : vars[k] ?? m));
  }
  t.has = key => key in table || key in en;
  return t;
}

// errorText says what went wrong with an API call in the reader's language:
// by code and field ("e_invalid_email"), else by code, else the server's own
// message (which is English). limits gives the maximum length of a field,
// for too_long.
export function errorText(t, err, limits = {}) {
  const field = (err.field || '').split('.').pop();
  const n = limits[err.field];
  let code = err.code === 'unauthorized' ? 'forbidden' : err.code;
  if (code === 'too_long' && !n) code = 'payload_too_large';
  for (const key of [`e_${code}_${field}`, 'e_' + code]) {
    if (t.has(key)) return t(key, { n });
  }
  return err.message || t('e_internal');
}

// laterText is w.t for the strings of the later bundle (later.js), whose
// English travels with that bundle rather than in embed.js.
// Its entries may be plural and have placeholders, as with translator; in
// English only {name} and one/other plurals of {n} are used.
export function laterText(w, key, vars = {}) {
  if (w.t.has(key)) return w.t(key, vars);
  let s = later[key];
  if (typeof s === 'object') s = vars.n === 1 ? s.one : s.other;
  return s.replace(/\{(\w+)\}/g, (m, k) => vars[k] ?? m);
}
