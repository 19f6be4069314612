// One comment: a header (author, badge, time, affiliation), the sanitized
// body, and a footer with the votes and what the reader may do to it.
import { button, h, uid } from './dom.js';
import { errorText } from './i18n.js';

const BADGES = ['owner', 'moderator'];

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
  const art = h('article', { id: 'parley-' + c.id, class: 'parley-comment', tabindex: -1 });
  if (item.art) item.art.replaceWith(art);
  Object.assign(item, { art, time: null, left: null, own: [], err: null });
  if (c.deleted) {
    art.classList.add('parley-deleted');
    art.append(h('p', {}, t('deleted')));
    return art;
  }

  const a = c.author || {};
  const name = authorName(w, c);
  const created = new Date(c.created);
  item.time = h('time', { datetime: c.created, title: clock.full(created) }, clock.ago(created));
  const head = h('header', { class: 'parley-head' },
    h('span', { class: 'parley-who' }, /^https?:\/\/\S/i.test(a.website)
      ? h('a', { href: a.website, rel: 'nofollow ugc noopener noreferrer' }, name)
      : name),
    BADGES.includes(a.badge) && h('span', { class: 'parley-badge' }, t(a.badge)),
    h('a', { class: 'parley-time', href: location.href.split('#')[0] + '#parley-' + c.id }, item.time),
    c.edited && h('span', { class: 'parley-meta', title: clock.full(new Date(c.edited)) }, t('edited')),
    c.status === 'pending' && h('span', { class: 'parley-pending' }, t('pending')),
    item.depth > w.maxDepth && item.parent &&
      h('span', { class: 'parley-meta' }, t('replyTo', { name: authorName(w, item.parent.c) })),
    a.affiliation && h('span', { class: 'parley-aff' }, a.affiliation));

  item.body = h('div', { class: 'parley-body' });
  // The server-sanitized HTML: the one place the widget inserts markup.
  item.body.innerHTML = c.html || '';

  const foot = (item.foot = h('footer', { class: 'parley-foot' }));
  const live = c.status !== 'pending';
  if (live) foot.append(votes(w, item));
  if (live && !w.locked) foot.append(button('parley-link', t('reply'), e => w.reply(item, e.currentTarget)));
  if (c.mine) {
    item.left = h('span', { class: 'parley-meta' });
    item.own = [
      button('parley-link', t('edit'), e => w.edit(item, e.currentTarget)),
      button('parley-link', t('del'), e => ask(w, item, e.currentTarget, t('confirmDel'), t('del'),
        () => w.api.remove(c.id),
        () => w.removed(item))),
      item.left,
    ];
    foot.append(...item.own);
    refresh(w, item);
  }
  art.append(head, item.body, foot);
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

// votes draws the score with up and down buttons; aria-pressed shows the
// reader's vote, and pressing it again takes the vote back. One cannot vote
// on one's own comment, so that shows the score alone.
function votes(w, item) {
  const c = item.c;
  const score = h('span', { class: 'parley-score' }, String(c.score || 0));
  if (c.mine) return h('span', { class: 'parley-votes' }, h('span', { class: 'parley-sr' }, w.t('votes')), score);
  const up = button('parley-vote', '▲', () => cast(1), { 'aria-label': w.t('up') });
  const down = button('parley-vote', '▼', () => cast(-1), { 'aria-label': w.t('down') });
  const press = () => {
    up.setAttribute('aria-pressed', c.vote === 1);
    down.setAttribute('aria-pressed', c.vote === -1);
  };
  async function cast(value) {
    try {
      const r = await w.api.vote(c.id, c.vote === value ? 0 : value);
      c.score = r.score;
      c.vote = r.vote;
      score.textContent = r.score;
      press();
      note(w, item);
    } catch (err) {
      note(w, item, err);
    }
  }
  press();
  return h('span', { class: 'parley-votes', role: 'group', 'aria-label': w.t('votes') }, up, score, down);
}

// ask swaps the footer's controls for a question with a confirm and a cancel
// button: an in-widget step, since window.confirm would block the host page.
// On confirm it sends the request, puts the controls back and runs done.
function ask(w, item, opener, question, yes, request, done) {
  const foot = item.foot;
  const saved = [...foot.childNodes];
  const back = () => {
    foot.replaceChildren(...saved);
    opener.focus();
  };
  const no = button('parley-link', w.t('cancel'), back);
  const ok = button('parley-link', yes, async () => {
    try {
      await request();
    } catch (err) {
      back();
      note(w, item, err);
      return;
    }
    foot.replaceChildren(...saved);
    done();
  });
  // Focus lands on Cancel; the group's name reads the question out with it.
  const q = h('span', { id: uid() }, question);
  foot.replaceChildren(h('span', {
    class: 'parley-confirm',
    role: 'group',
    'aria-labelledby': q.id,
    onkeydown: e => e.key === 'Escape' && back(),
  }, q, ok, no));
  no.focus();
}

// note shows (or, without err, clears) an error under one comment.
function note(w, item, err) {
  if (!item.err) item.err = item.art.appendChild(h('p', { class: 'parley-error', role: 'alert' }));
  item.err.textContent = err ? errorText(w.t, err) : '';
}
