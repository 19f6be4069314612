// Asking before a reader deletes their own comment: the footer's controls
// give way to the question with a confirm and a cancel button, an
// in-widget step, since window.confirm would block the host page. Its
// element ids come from the comment's id: this bundle's copy of dom.js's
// uid counter would repeat the main bundle's. Then the comment leaves the
// screen (removed), which only ever follows this question, so that too
// stays out of embed.js.
import { more } from './api.js';
import { article } from './comment.js';
import { button, h } from './dom.js';
import { laterText } from './i18n.js';

// confirmDelete asks about item's comment; opener is its Delete button and
// note (comment.js) shows a failure under the comment.
export function confirmDelete(w, item, opener, note) {
  const foot = item.foot;
  const saved = [...foot.childNodes];
  const back = () => {
    foot.replaceChildren(...saved);
    opener.focus();
  };
  const no = button('parley-link', w.t('cancel'), back);
  const ok = button('parley-link', w.t('del'), async () => {
    try {
      await more(w.api).remove(item.c.id);
    } catch (err) {
      back();
      note(w, item, err);
      return;
    }
    foot.replaceChildren(...saved);
    removed(w, item);
  });
  // Focus lands on Cancel; the group's name reads the question out with it.
  const q = h('span', { id: `parley-${item.c.id}-q` }, laterText(w, 'confirmDel'));
  foot.replaceChildren(h('span', {
    class: 'parley-confirm',
    role: 'group',
    'aria-labelledby': q.id,
    onkeydown: e => e.key === 'Escape' && back(),
  }, q, ok, no));
  no.focus();
}

// removed takes a deleted comment off the screen, or leaves a placeholder
// when it has replies, and moves focus to what is nearest.
function removed(w, item) {
  const c = item.c;
  w.total -= c.status !== 'pending';
  if (item.kids) {
    item.c = { id: c.id, parent: c.parent, created: c.created, deleted: true };
    article(w, item);
  } else {
    item.li.remove();
    w.items.delete(c.id);
    if (item.parent) item.parent.kids--;
  }
  w.count();
  (item.kids ? item.art : item.parent ? item.parent.art : w.host.shadowRoot.getElementById('parley-heading')).focus();
  w.announce(laterText(w, 'removed'));
}
