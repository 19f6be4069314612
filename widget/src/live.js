// Live updates. Once the thread is shown, the widget follows the page's
// server-sent events and brings what others do to the thread on screen
// without a reload: new comments in their place, edits and pins, scores,
// and comments that are no longer public. When the server cannot replay a
// gap (it restarted, or too much happened), the thread is fetched again
// and merged into what is shown. It also puts the feed link under the
// thread, and beside it the reader's "Your data" (mydata.js). Part of the later bundle (later.js), which embed.js loads right
// after a thread is rendered (widget.js fill).
//
// The stream, GET .../events?page=KEY&since=VERSION, where VERSION is the
// page version of the thread answer: every event carries the page version
// after its change as its id (EventSource sends the last one back on its
// own reconnects, and the widget as since= when it opens a new stream).
//
//	event: comment   a public comment, as in the thread answer but without
//	                 the caller's own fields: new, or changed
//	event: remove    {id}: no longer public
//	event: score     {id, score}
//	event: resync    {version}: fetch the thread again
//
// Nothing here re-renders what did not change, moves focus the reader did
// not move, or scrolls what the reader is looking at (steady).
import { article, authorName } from './comment.js';
import { h } from './dom.js';
import { laterText } from './i18n.js';
import { dataLink } from './mydata.js';
import { style } from './sheet.js';
import { placeTree, placeUnder } from './thread.js';

const TYPES = ['comment', 'remove', 'score', 'resync'];

// After EventSource gives up (an HTTP error, not a dropped connection,
// which it retries by itself), a new one is tried after RETRY ms, twice as
// long each time up to MAX_RETRY.
const RETRY = 5000;
const MAX_RETRY = 5 * 60000;

// live runs after every rendering of a thread (widget.js fill): a first
// load, a reload and a change of sort. d is the thread answer it showed.
export function live(w, d) {
  style(w);
  dataLink(w, feedLink(w));
  if (w.stream) w.stream.stop();
  w.stream = null;
  if (!self.EventSource) return;
  hook(w);
  watch(w.api);
  w.stream = follow(w, d.page && d.page.version);
}

// feedLink puts the link to the page's Atom feed under the thread, once,
// and returns the paragraph it is in.
function feedLink(w) {
  const section = w.list.parentNode;
  let a = section.querySelector('.parley-feed a');
  if (!a) {
    a = h('a', { rel: 'alternate', type: 'application/atom+xml', title: laterText(w, 'feedTitle') }, laterText(w, 'feed'));
    section.append(h('p', { class: 'parley-feed' }, a));
  }
  a.href = `${w.o.server}api/v1/sites/${encodeURIComponent(w.o.site)}/feed.atom?page=${encodeURIComponent(w.page.key)}`;
  return a.parentNode;
}

// hook ends the stream when the page's script destroys the widget or
// shows another page in it.
function hook(w) {
  if (w.hooked) return;
  w.hooked = true;
  const { destroy, reload } = w;
  const stop = () => w.stream && w.stream.stop();
  w.destroy = () => {
    stop();
    destroy();
  };
  w.reload = opts => {
    stop();
    return reload(opts);
  };
}

// watch wraps the API client's post and remove so that the stream knows
// what the reader is doing: their new comment and their deletion come back
// through the stream too, maybe before the answer that widget.js shows
// them with.
function watch(api) {
  if (api.posts) return;
  const { post, remove } = api;
  api.posts = new Set(); // posts under way
  api.dels = new Set(); // ids of the reader's deletions under way
  api.post = body => {
    const p = post(body);
    api.posts.add(p);
    // A task later, when widget.js has shown the comment.
    const done = () => setTimeout(() => api.posts.delete(p));
    p.then(done, done);
    return p;
  };
  api.remove = id => {
    api.dels.add(id);
    const p = remove(id);
    const done = () => setTimeout(() => api.dels.delete(id), 1000);
    p.then(done, done);
    return p;
  };
}

// more reports whether the thread has pages the reader has not loaded.
function more(w) {
  const b = w.list.parentNode.querySelector('.parley-more');
  return !!b && !b.hidden;
}

// counted reports whether a comment counts in the thread's total.
const counted = c => !c.deleted && c.status !== 'pending';

// follow opens the stream of the thread w shows, from the page version
// since, and returns {stop}. It closes the stream while the tab is hidden
// and opens it again, from the last version seen, when it is shown.
function follow(w, since) {
  const items = w.items; // this thread's: every rendering makes a new map
  const root = w.host.shadowRoot;
  const url = `${w.o.server}api/v1/sites/${encodeURIComponent(w.o.site)}/events?page=${encodeURIComponent(w.page.key)}`;
  let last = since ?? null;
  let es = null;
  let timer;
  let wait = RETRY;
  let stopped = false;
  let syncing = false; // a resync is under way: it opens the next stream
  let synced = 0; // when the server last had the widget resync
  let queue = Promise.resolve(); // events are applied one after another, in order
  const names = []; // authors of new comments not yet announced
  let sayTimer;

  const current = () => !stopped && w.items === items;

  const apply = {
    comment: upsert,
    remove: ({ id }) => {
      const item = items.get(id);
      if (item && !w.api.dels.has(id)) drop(item);
    },
    score: ({ id, score }) => {
      const item = items.get(id);
      if (item) setScore(item, score);
    },
    resync: () => resync(true),
  };

  document.addEventListener('visibilitychange', visibility);
  open();
  return { stop };

  function open() {
    close();
    if (stopped || syncing || document.visibilityState === 'hidden') return;
    es = new EventSource(url + (last != null ? '&since=' + last : ''));
    for (const type of TYPES) es.addEventListener(type, receive);
    es.onopen = () => (wait = RETRY);
    es.onerror = () => {
      if (es && es.readyState === EventSource.CLOSED) retry();
    };
  }

  function close() {
    clearTimeout(timer);
    if (es) es.close();
    es = null;
  }

  function retry() {
    close();
    timer = setTimeout(open, wait);
    wait = Math.min(wait * 2, MAX_RETRY);
  }

  function stop() {
    stopped = true;
    close();
    document.removeEventListener('visibilitychange', visibility);
  }

  // visibility closes the stream while the tab is hidden; shown again, a
  // new one catches up from the last version seen.
  function visibility() {
    if (document.visibilityState === 'hidden') close();
    else if (!es) open();
  }

  function receive(e) {
    if (!current()) return stop();
    // A resync ends the stream, and EventSource's own reconnect would
    // resume from the same version and be told the same again: the next
    // stream starts after the merge, from the version fetched.
    if (e.type === 'resync') close();
    const v = parseInt(e.lastEventId, 10);
    if (v > (last ?? -1)) last = v;
    let data;
    try {
      data = JSON.parse(e.data);
    } catch {
      return;
    }
    if (data) queue = queue.then(() => current() && apply[e.type](data)).catch(() => {});
  }

  // upsert shows a comment from the stream: in place of the one shown with
  // its id, keeping what only the reader's own copy has, or as a new one.
  async function upsert(c) {
    if (!c.id) return;
    // The reader's own new comment: widget.js shows it from the answer to
    // its post, which may still be on its way.
    if (!items.has(c.id) && w.api.posts.size) {
      await Promise.allSettled([...w.api.posts]);
      await new Promise(r => setTimeout(r));
      if (!current()) return;
    }
    const item = items.get(c.id);
    if (item) {
      const old = item.c;
      return update(item, {
        ...c,
        mine: old.mine,
        markdown: old.markdown,
        status: old.status && 'approved',
        editable_until: old.editable_until,
        vote: old.vote,
      });
    }
    if (c.deleted) return;
    const parent = c.parent && items.get(c.parent);
    if (c.parent && !parent && !more(w)) return resync(false); // its parent is not shown: the thread knows why
    // A reply to a comment on a page not loaded, or a thread that comes
    // after those pages, shows with "Show more"; it counts at once.
    const elsewhere = c.parent ? !parent : w.sort !== 'newest' && more(w);
    if (!elsewhere) {
      place(c, null, parent, w.sort === 'newest' ? firstUnpinned() : null);
      say(c);
    }
    w.total++;
    w.count();
  }

  // place shows a new comment c: before the item next (a sibling), else
  // as the last reply of parent, else as a thread before the list item
  // before (or at the end).
  function place(c, next, parent, before) {
    const node = { c, kids: [] };
    steady(w, () => {
      if (next) placeTree(w, [node], next.li.parentNode, next.depth, next.li);
      else if (parent) placeUnder(w, parent, node);
      else placeTree(w, [node], w.list, 0, before);
      return items.get(c.id).li;
    });
  }

  // firstUnpinned is the list item of the first thread that is not pinned:
  // newest first, a new thread goes there.
  function firstUnpinned() {
    for (const li of w.list.children) {
      const item = items.get(li.firstChild.id.slice(7)); // after "parley-"
      if (li.dataset.depth === '0' && !(item && item.c.pinned)) return li;
    }
    return null;
  }

  // update shows the comment of item changed to next: in place when only
  // its body, edit time or score changed; else its article is drawn again.
  function update(item, next) {
    const old = item.c;
    const same = k => JSON.stringify(old[k] || null) === JSON.stringify(next[k] || null);
    const redraw = !['author', 'pinned', 'deleted', 'status', 'mine'].every(same) || !old.edited !== !next.edited;
    w.total += counted(next) - counted(old);
    item.c = next;
    if (redraw) steady(w, () => draw(item));
    else if (!next.deleted) {
      steady(w, () => {
        // The server-sanitized HTML, as comment.js sets it.
        if (!same('html')) item.body.innerHTML = next.html || '';
        if (next.edited && !same('edited')) w.clock.title(item.art.firstChild.querySelector('.parley-meta'), new Date(next.edited));
      });
      setScore(item, next.score);
      const votes = item.foot.querySelectorAll('.parley-vote');
      if (votes.length === 2 && !same('vote')) {
        votes[0].setAttribute('aria-pressed', next.vote === 1);
        votes[1].setAttribute('aria-pressed', next.vote === -1);
      }
    }
    w.count();
  }

  // draw draws item's article again: an open edit form keeps the body
  // hidden, focus in the article stays in it; an open Report group goes.
  function draw(item) {
    const hidden = item.body && item.body.hidden;
    const focused = item.art.contains(root.activeElement);
    item.flag = null;
    article(w, item);
    if (hidden && item.body) item.body.hidden = item.foot.hidden = true;
    if (focused) item.art.focus({ preventScroll: true });
  }

  function setScore(item, score) {
    item.c.score = score;
    const el = item.foot && item.foot.querySelector('.parley-score');
    if (!el) return;
    el.textContent = score;
    if (item.c.mine) el.parentNode.hidden = !score; // comment.js: no bare 0 on one's own
  }

  // drop shows that item's comment is no longer public, as the thread
  // shows it: a placeholder while replies (or the reader's reply form)
  // hang under it, else gone; so goes a placeholder left without replies.
  function drop(item) {
    const focused = item.li.contains(root.activeElement);
    w.total -= counted(item.c);
    steady(w, () => gone(item));
    w.count();
    if (!focused) return;
    let to = item;
    while (to && !to.li.isConnected) to = to.parent;
    (to ? to.art : root.querySelector('.parley-heading')).focus({ preventScroll: true });
  }

  function gone(item) {
    const c = item.c;
    if (item.kids || item.form) {
      if (!c.deleted) {
        item.c = { id: c.id, parent: c.parent, created: c.created, deleted: true };
        draw(item);
      }
      return;
    }
    item.li.remove();
    items.delete(c.id);
    const p = item.parent;
    if (p && !--p.kids && p.c.deleted) gone(p);
  }

  // resync fetches the thread again, as many pages of it as the reader has
  // loaded, and merges it into what is shown: missing comments are added
  // where the thread has them, changed ones updated, vanished ones taken
  // out. Asked by the server (told), the next stream starts from the
  // version fetched; should the fetch fail, it starts later from the same
  // version, and the server asks again.
  async function resync(told) {
    const shown = [...items.keys()];
    const list = [];
    const seen = new Set();
    let d;
    let cursor;
    let version;
    syncing = true;
    try {
      for (let i = 0; i < 20; i++) {
        d = await w.api.list(w.page.key, w.sort, cursor);
        if (!current()) return;
        for (const c of d.comments || []) {
          list.push(c);
          seen.add(c.id);
        }
        if (i === 0) version = d.page && d.page.version;
        cursor = d.next_cursor;
        if (!cursor || shown.every(id => seen.has(id))) break;
      }
    } catch {
      syncing = false;
      if (current() && !es) retry();
      return;
    }
    syncing = false;
    if (told && version != null) last = version;
    // A server that asks again at once is given time, more each time.
    const again = told && Date.now() - synced < RETRY;
    if (told) synced = Date.now();
    if (!es) again ? retry() : open();

    // Taken out first, last first: replies before their parents. Only an
    // answer that holds the whole thread tells what vanished.
    if (!cursor) {
      for (const art of [...w.list.querySelectorAll('article.parley-comment')].reverse()) {
        const item = items.get(art.id.slice(7));
        if (item && !seen.has(item.c.id)) drop(item);
      }
    }
    // Then in display order, so that parents come before their replies.
    const siblings = new Map(); // parent id ('' for threads) -> comments in order
    for (const c of list) {
      const k = c.parent || '';
      if (!siblings.has(k)) siblings.set(k, []);
      siblings.get(k).push(c);
    }
    for (const c of list) {
      const item = items.get(c.id);
      if (item) {
        update(item, c);
        continue;
      }
      const parent = c.parent && items.get(c.parent);
      if (c.parent && !parent) continue;
      const sibs = siblings.get(c.parent || '');
      let next = null;
      for (let i = sibs.indexOf(c) + 1; i < sibs.length && !next; i++) next = items.get(sibs[i].id);
      if (!next && !parent && more(w)) continue; // a thread on a page not loaded
      place(c, next, parent, null);
      if (!c.deleted && !c.mine) say(c);
    }
    w.total = d.total || 0;
    w.count();
  }

  // say announces new comments through the widget's polite live region,
  // a burst of them at once.
  function say(c) {
    names.push(authorName(w, c));
    clearTimeout(sayTimer);
    sayTimer = setTimeout(() => {
      w.announce(names.length > 1
        ? laterText(w, 'newComments', { n: names.length })
        : laterText(w, 'newComment', { name: names[0] }));
      names.length = 0;
    }, 300);
  }
}

// steady makes change to the thread without moving what the reader looks
// at: when it moves the first comment in view (the change is above it,
// out of view), the page scrolls by as much, as CSS scroll anchoring
// does. change may return the element it added: one that starts in view
// is left to push down what follows it.
function steady(w, change) {
  // The first comment not wholly above the viewport, found by bisection:
  // the articles are in document order, top to bottom.
  const arts = w.list.querySelectorAll('article.parley-comment');
  let lo = 0;
  let hi = arts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arts[mid].getBoundingClientRect().bottom > 0) hi = mid;
    else lo = mid + 1;
  }
  const anchor = arts[lo];
  // With the whole thread above the viewport, its end is the mark.
  const y = () => (anchor ? anchor.getBoundingClientRect().top : w.list.getBoundingClientRect().bottom);
  const before = y();
  const el = change();
  if (before > innerHeight || (anchor && !anchor.isConnected) || (el && el.getBoundingClientRect().top >= 0)) return;
  const moved = y() - before;
  if (moved) scrollBy(0, moved);
}
