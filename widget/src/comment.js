// One comment: a header (author, badge, time, affiliation), the sanitized
// body, and a footer with the votes and what the reader may do to it.
//
// A thread can hold hundreds of comments, so drawing one is cheap: the
// fixed parts are cloned from prototypes made once per language (parts),
// and the buttons carry their action in data-act, served by one listener on
// the thread's list (act) instead of a closure per button.
import { button, h } from './dom.js';
import { later } from './env.js';
import { errorText } from './i18n.js';

const BADGES = ['owner', 'moderator'];

// parts returns the prototypes for w's language; draw (widget.js) forgets
// them with w.parts = null when the language may have changed.
function parts(w) {
  if (w.parts) return w.parts;
  const t = w.t;
  const act = (name, text, props, cls = 'parley-link') => button(cls, text, null, { 'data-act': name, ...props });
  const vote = (name, text) => act(name, text, { 'aria-label': t(name), 'aria-pressed': 'false' }, 'parley-vote');
  const score = () => h('span', { class: 'parley-score' }, '0');
  return (w.parts = {
    // The footer as most comments have it: votes, Reply and Report. One
    // clone per comment: article changes it for the others.
    art: h('article', { class: 'parley-comment', tabindex: -1 },
      h('header', { class: 'parley-head' },
        h('span', { class: 'parley-who' }),
        h('a', { class: 'parley-time' }, h('time'))),
      h('div', { class: 'parley-body' }),
      h('footer', { class: 'parley-foot' },
        h('span', { class: 'parley-votes', role: 'group', 'aria-label': t('votes') }, vote('up', '▲'), score(), vote('down', '▼')),
        act('reply', t('reply')),
        act('flag', t('report'), { 'aria-expanded': 'false' }))),
    // One cannot vote on one's own comment: the score between inert arrows,
    // and nothing while it is 0.
    mine: h('span', { class: 'parley-votes parley-own', role: 'group', 'aria-label': t('votes') }, h('i', {}, '▲'), score(), h('i', {}, '▼')),
    edit: act('edit', t('edit')),
    del: act('del', t('del')),
  });
}

const clone = el => el.cloneNode(true);

// commentView makes the list item of comment c shown at depth, and registers
// it in w.items. An item is {c, depth, parent, kids, li, art, ...}: kids
// counts the replies on screen, so a deleted comment with replies can stay
// as a placeholder.
export function commentView(w, c, depth) {
  const parent = c.parent && w.items.get(c.parent);
  const item = { c, depth, parent, kids: 0, li: h('li', { class: 'parley-item', 'data-depth': depth }) };
  if (parent) parent.kids++;
  w.items.set(c.id, item);
  item.li.append(article(w, item));
  return item;
}

// authorName is the name to show for a comment's author.
export function authorName(w, c) {
  return (c.author && c.author.name) || w.t('anon');
}

// article draws the <article> of an item, replacing the one on screen; call
// it again after the comment changed.
export function article(w, item) {
  const { t, clock } = w;
  const c = item.c;
  const p = parts(w);
  const art = c.deleted
    ? h('article', { class: 'parley-comment parley-deleted', tabindex: -1 }, h('p', {}, t('deleted')))
    : clone(p.art);
  art.id = 'parley-' + c.id;
  if (item.art) item.art.replaceWith(art);
  Object.assign(item, { art, time: null, left: null, own: [], err: null });
  if (c.deleted) return art;

  const head = art.firstChild;
  const body = head.nextSibling;
  const foot = body.nextSibling;
  const who = head.firstChild;
  const link = who.nextSibling;
  const a = c.author || {};
  const name = authorName(w, c);
  if (/^https?:\/\/\S/i.test(a.website)) {
    who.append(h('a', { href: a.website, rel: 'nofollow ugc noopener noreferrer' }, name));
  } else {
    who.textContent = name;
  }
  const created = new Date(c.created);
  const time = (item.time = link.firstChild);
  time.dateTime = c.created;
  clock.title(time, created);
  time.textContent = clock.ago(created);
  link.href = location.href.split('#')[0] + '#parley-' + c.id;
  // After the name: the badge, then "Pinned" on a pinned thread.
  if (c.pinned && !c.parent) who.after(h('span', { class: 'parley-pinned' }, t('pinned')));
  if (BADGES.includes(a.badge)) who.after(h('span', { class: 'parley-badge' }, t(a.badge)));
  if (c.edited) clock.title(head.appendChild(h('span', { class: 'parley-meta' }, t('edited'))), new Date(c.edited));
  if (c.status === 'pending') head.append(h('span', { class: 'parley-pending' }, t('pending')));
  if (item.depth > w.maxDepth && item.parent) {
    head.append(h('span', { class: 'parley-meta' }, t('replyTo', { name: authorName(w, item.parent.c) })));
  }
  if (a.affiliation) head.append(h('span', { class: 'parley-aff' }, a.affiliation));

  item.body = body;
  // The server-sanitized HTML: the one place the widget inserts markup.
  body.innerHTML = c.html || '';

  item.foot = foot;
  // [up, score, down], or [label, score] on one's own comment.
  let votes = foot.firstChild;
  const reply = votes.nextSibling;
  if (c.mine) {
    votes.replaceWith((votes = clone(p.mine)));
    votes.hidden = !c.score;
    item.left = h('span', { class: 'parley-meta' });
    item.own = [clone(p.edit), clone(p.del), item.left];
    foot.lastChild.replaceWith(...item.own); // for Report
    refresh(w, item);
  }
  if (c.status === 'pending') {
    votes.remove();
    reply.remove();
  } else {
    if (c.score) votes.children[1].textContent = c.score;
    if (c.vote) votes[c.vote > 0 ? 'firstChild' : 'lastChild'].setAttribute('aria-pressed', 'true');
    if (w.locked) reply.remove();
  }
  // What the later bundle adds to each comment (its avatar...), once here.
  if (w.deco) w.deco(item);
  return art;
}

// refresh updates what changes with the clock: the relative time, and the
// time left to edit one's own comment; the edit and delete controls go away
// when that time is over.
export function refresh(w, item) {
  const c = item.c;
  if (item.time) item.time.textContent = w.clock.ago(new Date(c.created));
  if (!item.left) return;
  const ms = Date.parse(c.editable_until) - Date.now();
  if (ms > 0) {
    item.left.textContent = w.t('editFor', { n: Math.ceil(ms / 60000) });
  } else {
    for (const el of item.own) el.remove();
    item.left = null;
  }
}

// ACTIONS are what the comments' buttons do, by their data-act.
const ACTIONS = {
  up: vote,
  down: vote,
  reply: (w, item, b) => w.reply(item, b),
  edit: (w, item, b) => w.edit(item, b),
  del: (w, item, b) => lazy(w, item, m => m.confirmDelete(w, item, b, note)),
  flag: (w, item, b) => lazy(w, item, m => m.flag(w, item, b)),
};

// act serves a click anywhere in the thread: a comment's button (one of its
// footer's, not something in its body) does its action.
export function act(w, e) {
  const b = e.target.closest('button[data-act]');
  const art = b && b.closest('article');
  const item = art && w.items.get(art.id.slice(7)); // after "parley-"
  if (item && item.foot.contains(b)) ACTIONS[b.dataset.act](w, item, b);
}

// vote is what the vote buttons do: the later bundle casts it (vote.js).
function vote(w, item, b) {
  lazy(w, item, m => m.cast(w, item, b));
}

// lazy runs fn with the later bundle (the Report dialog, the question
// before a deletion, voting), loading it the first time; if that fails, the error
// shows under the comment.
function lazy(w, item, fn) {
  later(w.o.server).then(m => {
    note(w, item);
    fn(m);
  }, err => note(w, item, err));
}

// note shows (or, without err, clears) an error under one comment.
export function note(w, item, err) {
  if (!item.err) item.err = item.art.appendChild(h('p', { class: 'parley-error', role: 'alert' }));
  item.err.textContent = err ? errorText(w.t, err) : '';
}
