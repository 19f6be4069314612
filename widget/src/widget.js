// One widget instance: the shadow root and the discussion section in it,
// the thread's state, and what the reader does to it. main.js makes the
// instances; thread.js, comment.js and form.js draw the parts, reading the
// shared state from the instance object w.
import css from './widget.css';
import { client } from './api.js';
import { act, article, refresh } from './comment.js';
import { button, h } from './dom.js';
import { later, loadLocale, pickLang } from './env.js';
import { commentForm } from './form.js';
import { errorText, translator } from './i18n.js';
import en from './locales/en.js';
import { look } from './theme.js';
import { buildTree, placeComment, placeTree, placeUnder } from './thread.js';
import { clock } from './time.js';

const SORTS = ['oldest', 'newest', 'top'];
let sheet;

// adopt styles a shadow root: one constructed style sheet shared by every
// instance where the browser has them (a host page's CSP for inline styles
// does not apply to those), else a <style> element in view, the root's
// content.
function adopt(root, view) {
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    root.adoptedStyleSheets = [sheet];
  } catch {
    view.append(h('style', {}, css));
  }
}

// disqus returns the page that the host's Disqus snippet describes, for a
// blog that swapped only the script tag: disqus_config, if the page has
// one, sets this.page.identifier, url and title. Anything it throws (or no
// such function) just means no such page.
function disqus() {
  const c = { page: {} };
  try {
    self.disqus_config.call(c);
  } catch {
    // not a Disqus page
  }
  return c.page;
}

// wanted is the comment id a #parley-<id> permalink in the URL points to
// (not a magic link's #parley-verify=CODE, for identity.js).
function wanted() {
  const m = /^#parley-([^=]+)$/.exec(location.hash);
  return m && m[1];
}

// createWidget renders into host with the options o of Parley.render and
// returns the instance: {host, reload(o), destroy()} for the page, plus the
// state the other modules share (t, clock, api, page, settings, items,
// total...). What follows a reader's deletion is in the later bundle
// (confirm.js removed), which asks before it.
export function createWidget(host, o) {
  const root = host.shadowRoot || host.attachShadow({ mode: 'open' });
  // A thread the page came with (comments.html, included when the site was
  // built) stays on screen through a <slot> until this one replaces it.
  const pre = !root.firstChild && host.querySelector('[data-parley-thread]');
  if (pre) root.append(h('slot'));
  const w = { host, o, reload, destroy, reply, edit, announce, count };
  let gen = 0; // bumped by every (re)load: answers for an older one are dropped
  let heading, live, slot, status, alert, more, cursor, busy;
  addEventListener('hashchange', jump);
  const timer = setInterval(tick, 60000);
  start();
  return w;

  // reload shows another page, for single-page apps: opts replace the page
  // options (pageId, pageUrl, pageTitle; unset ones are found again from the
  // document) and may change the others.
  function reload(opts) {
    Object.assign(o, { pageId: null, pageUrl: null, pageTitle: null }, opts);
    return start();
  }

  // destroy empties the shadow root and stops the timer and listeners.
  function destroy() {
    gen++;
    clearInterval(timer);
    removeEventListener('hashchange', jump);
    root.replaceChildren();
  }

  async function start() {
    const my = ++gen;
    const canon = document.querySelector('link[rel="canonical"]');
    const dq = disqus(); // after the data- attributes; its identifier may be a number
    const url = o.pageUrl || dq.url || (canon && canon.href) || location.href.split('#')[0];
    w.page = { key: '' + (o.pageId || dq.identifier || url), url, title: o.pageTitle || dq.title || document.title };
    w.sort = SORTS.includes(o.sort) ? o.sort : 'oldest';
    w.api = client(o.server, o.site);
    // Ask for the comments and the strings at once.
    const first = w.api.list(w.page.key, w.sort);
    const settled = first.catch(() => {}); // failures are handled by fill
    let [lang, tag] = pickLang(o.lang);
    const strings = lang === 'en' ? en : loadLocale(o.server, lang).catch(() => {
      tag = 'en';
      return en;
    });
    const table = await strings;
    if (my !== gen) return;
    w.t = translator(tag, table);
    w.clock = clock(w.t, tag);
    // The section is built (and its style sheet parsed) while the comments
    // are on their way, and shown with them when they come soon: no frame
    // of "Loading…".
    const view = draw(tag);
    await (pre ? settled : Promise.race([settled, new Promise(r => setTimeout(r, 100))]));
    if (my !== gen) return;
    root.replaceChildren(view);
    await fill(first, my, true);
  }

  // draw builds the empty section, off screen, and returns it.
  function draw(tag) {
    const t = w.t;
    w.parts = null; // comment.js's prototypes, in the language of t
    heading = h('h2', { id: 'parley-heading', class: 'parley-heading', tabindex: -1 }, t('heading'));
    live = h('div', { class: 'parley-sr', 'aria-live': 'polite' });
    slot = h('div');
    status = h('p', { class: 'parley-note' });
    // One listener serves the buttons of every comment (comment.js act).
    w.list = h('ol', { class: 'parley-thread', onclick: e => act(w, e) });
    alert = h('p', { class: 'parley-error', role: 'alert' });
    more = button('parley-more', t('more'), () => loadMore(true));
    more.hidden = true;
    const sort = h('select', { id: 'parley-sort', onchange: e => resort(e.target.value) },
      ...SORTS.map(s => h('option', { value: s, selected: s === w.sort }, t(s))));
    const view = h('div', { class: look(o.theme, host), lang: tag },
      h('section', { 'aria-labelledby': 'parley-heading' },
        h('div', { class: 'parley-bar' }, heading,
          h('span', { class: 'parley-sort' }, h('label', { for: 'parley-sort' }, t('sort')), ' ', sort)),
        live, slot, status, w.list, alert, more));
    adopt(root, view);
    return view;
  }

  // fill shows the first page of comments from the request req.
  async function fill(req, my, first) {
    const t = w.t;
    status.textContent = t('loading');
    let d;
    try {
      d = await req;
    } catch (err) {
      if (my !== gen) return;
      // A page the site does not allow: the server says what its owner
      // is to do (as text), and trying again would not help.
      if (err.code === 'origin_not_allowed') return (status.textContent = err.message);
      const why = err.code === 'forbidden_origin' ? ' ' + errorText(t, err) : '';
      status.replaceChildren(t('loadFailed') + why, ' ', button('parley-link', t('retry'),
        () => fill(w.api.list(w.page.key, w.sort), my, first)));
      return;
    }
    if (my !== gen) return;
    w.settings = d.settings || {};
    w.maxDepth = w.settings.max_depth ?? 5;
    w.locked = !!(d.page && d.page.locked);
    w.items = new Map();
    w.list.replaceChildren();
    if (first) {
      slot.replaceChildren(w.locked
        ? h('p', { class: 'parley-note' }, t('locked'))
        : commentForm(w, { done: added }).el);
    }
    show(d);
    if (first) performance.mark('parley:rendered');
    // Live updates and the feed link come with the later bundle (live.js).
    later(o.server).then(m => m.live(w, d), count);
    await jump();
  }

  // show adds a page of threads from an API answer and returns the item of
  // the first new comment.
  function show(d) {
    w.total = d.total || 0;
    const fresh = (d.comments || []).filter(c => !w.items.has(c.id));
    // Built off-screen and attached at once: one insertion into the page.
    // A page may start inside a thread: its first replies go under their
    // parent, already on screen.
    const frag = document.createDocumentFragment();
    for (const node of buildTree(fresh)) {
      const parent = node.c.parent && w.items.get(node.c.parent);
      if (parent) placeUnder(w, parent, node);
      else placeTree(w, [node], frag, 0, null);
    }
    w.list.append(frag);
    cursor = d.next_cursor;
    more.hidden = !cursor;
    count();
    return fresh[0] && w.items.get(fresh[0].id);
  }

  // count updates the heading and the empty state, from w.total.
  function count() {
    heading.textContent = w.total ? w.t('comments', { n: w.total }) : w.t('heading');
    status.textContent = w.items.size ? '' : w.t('empty');
  }

  // loadMore fetches the next page of threads; from the button, focus moves
  // to the first new one. It reports whether that worked.
  async function loadMore(focus) {
    const my = gen;
    if (busy) return false;
    busy = true;
    alert.textContent = '';
    try {
      const d = await w.api.list(w.page.key, w.sort, cursor);
      if (my !== gen) return false;
      const item = show(d);
      if (focus && item) item.art.focus();
      return true;
    } catch (err) {
      if (my === gen) alert.textContent = errorText(w.t, err);
      return false;
    } finally {
      busy = false;
    }
  }

  function resort(sort) {
    w.sort = sort;
    fill(w.api.list(w.page.key, sort), ++gen, false);
  }

  // added shows the reader's new comment as the server answered it, moves
  // focus to it and announces it.
  function added(c) {
    const item = placeComment(w, c);
    w.total += c.status !== 'pending';
    count();
    item.art.focus();
    announce(w.t(c.status === 'pending' ? 'held' : 'posted'));
  }

  // reply opens the form under a comment; opener gets focus back on cancel.
  function reply(item, opener) {
    open(item, opener, { parent: item }, added);
  }

  // edit opens the form in place of a comment's body.
  function edit(item, opener) {
    const opened = open(item, opener, { edit: item }, c => {
      item.c = { ...item.c, ...c };
      article(w, item);
      item.art.focus();
      announce(w.t('saved'));
    });
    // The comment's own footer (Reply, Edit, Delete) goes while it is edited.
    if (opened) item.body.hidden = item.foot.hidden = true;
  }

  // open puts a form under a comment, one at a time: with one open already,
  // it focuses that and reports false.
  function open(item, opener, opts, done) {
    if (item.form) {
      item.form.focus();
      return false;
    }
    const close = () => {
      item.form.el.remove();
      item.form = null;
      item.body.hidden = item.foot.hidden = false;
    };
    item.form = commentForm(w, {
      ...opts,
      done: c => {
        close();
        done(c);
      },
      cancel: () => {
        close();
        opener.focus();
      },
    });
    item.art.after(item.form.el);
    item.form.focus();
    return true;
  }

  // announce speaks msg through the polite live region.
  function announce(msg) {
    live.textContent = '';
    setTimeout(() => (live.textContent = msg), 100);
  }

  // tick runs every minute: relative times and edit windows.
  function tick() {
    if (w.items) for (const item of w.items.values()) refresh(w, item);
  }

  // jump scrolls to and highlights the comment of a #parley-<id> permalink.
  // Its element lives in the shadow root, where the browser does not look.
  // A comment on a later page of the thread is fetched first: 20 pages at
  // most.
  async function jump() {
    const id = wanted();
    for (let i = 0; i < 20 && id && cursor && w.items && !w.items.has(id); i++) {
      if (!(await loadMore())) return;
    }
    const item = w.items && w.items.get(id);
    if (!item) return;
    const old = root.querySelector('.parley-target');
    if (old) old.classList.remove('parley-target');
    item.art.classList.add('parley-target');
    item.art.scrollIntoView({ block: 'center' });
    item.art.focus({ preventScroll: true });
  }
}
