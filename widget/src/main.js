// Entry point of embed.js. It reads the snippet's data- attributes, exposes
// window.Parley for single-page apps, and renders into the target element
// (#parley unless data-target says otherwise) once that exists:
//
//   <div id="parley"></div>
//   <script src="https://comments.example.com/embed.js" data-site="myblog" async></script>
//
// A blog moving from Disqus may swap only the script tag: without #parley
// the widget renders into #disqus_thread, and the page's disqus_config
// stands in for the page attributes (widget.js).
import { findScript, later, serverBase } from './env.js';
import { createWidget } from './widget.js';

// Performance marks for whoever measures: 'parley:start' when the script
// runs, 'parley:rendered' when a widget first shows its thread.
performance.mark('parley:start');

const script = findScript('embed.js', 'parley');
const server = script ? serverBase(script.src) : '';
const shown = new Map(); // target element -> instance

// element finds a target: an element or a selector; by default #parley,
// else Disqus's #disqus_thread.
function element(target) {
  const q = s => document.querySelector(s);
  return target ? (typeof target === 'string' ? q(target) : target) : q('#parley') || q('#disqus_thread');
}

// render draws a widget into opts.target (an element or a selector; default
// #parley, else #disqus_thread), replacing one already there, and returns
// the instance. Options:
// site (required), pageId, pageUrl, pageTitle, theme (light|dark|auto), lang,
// sort (oldest|newest|top), server (the Parley server's base URL; default:
// where embed.js came from), sso (the blog's signed sign-in payload for its
// member; "" when no one is signed in).
function render(opts = {}) {
  const el = element(opts.target);
  if (!el) throw new Error('Parley: no element ' + (opts.target || '#parley'));
  if (!opts.site) throw new Error('Parley: site is required');
  destroy(el);
  const o = { ...opts, server: opts.server ? opts.server.replace(/\/?$/, '/') : server };
  const w = createWidget(el, o);
  shown.set(el, w);
  return w;
}

// destroy removes the widget from a target (element or selector) or an
// instance.
function destroy(x) {
  const el = x && x.host ? x.host : element(x);
  const w = shown.get(el);
  if (w) {
    w.destroy();
    shown.delete(el);
  }
}

// sign is Parley.signIn(payload), the blog's signed payload for its
// member, and, with null, Parley.signOut(): the later bundle's identity.js
// does it for every widget shown.
const sign = p => shown.forEach(w => later(w.o.server).then(m => m.sign(w, p)));

if (!window.Parley) {
  window.Parley = { render, destroy, signIn: sign, signOut: () => sign(null) };
  const d = script ? script.dataset : {};
  // data-auto="false" leaves rendering to Parley.render.
  if (d.site && d.auto !== 'false') {
    const auto = () => {
      const el = element(d.target);
      // The dataset's camelCase names are render's options: pageId, theme...
      if (el && !shown.has(el)) render({ ...d, target: el });
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', auto);
    else auto();
  }
}
