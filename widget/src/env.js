// What both entry points (embed.js and count.js) need from their
// surroundings: the <script> that loaded them, the server's base URL, the
// reader's language, and the on-demand loading of the locale bundles and
// of the parts that come after the thread.
import { registry } from './register.js';

/* global PARLEY_LOCALES */
// locales returns the map from a language code to the hash in the name of
// its locale bundle, widget/i18n/<lang>.<hash>.js under the server's base
// URL. widget.go injects it (esbuild define) after hashing the locale
// bundles. English is built in and not listed. A function, not a constant:
// the later bundle, which imports this module but is built without the
// define, then keeps no reference to the undefined name.
const locales = () => PARLEY_LOCALES;

// findScript returns the <script> element that loaded this bundle, by its
// stable name (embed.js) or its content-hashed one (/widget/parley.<hash>.js).
// document.currentScript is only set while the script first runs, so call it
// from top-level code.
export function findScript(name, hashed) {
  return document.currentScript ||
    document.querySelector(`script[data-site][src*="${name}"],script[data-site][src*="/widget/${hashed}."]`);
}

// serverBase turns a script URL into the server's base URL, with a trailing
// slash, so that a server mounted under a sub-path works:
// https://c.example/x/embed.js and https://c.example/x/widget/parley.1a2b3c4d.js
// both give https://c.example/x/.
export function serverBase(src) {
  const u = new URL(src, location.href);
  return u.origin + u.pathname.replace(/(\/widget\/[\w-]+\.[\da-f]+\.js|\/[^/]*)$/, '/');
}

// pickLang chooses the language: the wanted one (data-lang), else the host
// page's <html lang>, else the browser's; the first that we have strings
// for. It returns [code, tag]: the code names the string table, the tag
// (e.g. "pt-BR") is what Intl formats dates and numbers with.
export function pickLang(wanted) {
  for (const tag of [wanted, document.documentElement.lang, navigator.language]) {
    const code = (tag || '').toLowerCase().split(/[-_]/)[0];
    if (code === 'en' || (/^[a-z]{2,3}$/.test(code) && locales()[code])) {
      try {
        return [code, Intl.getCanonicalLocales(tag)[0]];
      } catch {
        return [code, code];
      }
    }
  }
  return ['en', 'en'];
}

const loading = {};

// load resolves to what the bundle at path (relative to the server's base
// URL) registers on its global, read by got: it adds the bundle as a
// <script> the first time (no eval, no fetch: a plain script from the server
// the page already trusts). It rejects with {code: "network"} if the bundle
// cannot be had, and tries again on the next call.
export function load(base, path, got) {
  return loading[path] || (loading[path] = new Promise((resolve, reject) => {
    const done = () => {
      const v = got();
      if (v) return resolve(v);
      delete loading[path];
      reject({ code: 'network' });
    };
    if (got()) return done();
    const s = document.createElement('script');
    s.src = base + path;
    s.onload = s.onerror = done;
    document.head.append(s);
  }));
}

/* global PARLEY_LATER */
// later resolves to the parts of the widget that load after the thread is
// shown (later.js), from the server at base; widget.go injects the bundle's
// path (esbuild define) after hashing it.
export function later(base) {
  return load(base, PARLEY_LATER, () => self.__parleyLater);
}

// loadLocale resolves to the string table of lang from its locale bundle.
export function loadLocale(base, lang) {
  return load(base, `widget/i18n/${lang}.${locales()[lang]}.js`, () => registry()[lang]);
}
