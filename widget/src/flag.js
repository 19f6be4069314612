// The Report control of a comment that is not the reader's own. It opens a
// small group under the comment (a disclosure: the Report button says
// whether it is expanded): an optional note, then one button per reason,
// which sends the report, and Cancel. Escape or Cancel closes it and gives
// focus back to the Report button; once sent, a thank-you takes the
// button's place and focus.
//
// It is part of the later bundle (later.js), left out of embed.js. It
// shares no state with embed.js, so its element ids come from the
// comment's id rather than from dom.js's uid, whose counter would start
// again in that bundle.
import { button, h } from './dom.js';
import { errorText, laterText } from './i18n.js';

// The API's reasons; the key of a label is the reason in camelCase.
const REASONS = ['spam', 'abuse', 'off-topic', 'other'];

// flagMenu opens the report group of item; opener is its Report button.
export function flagMenu(w, item, opener) {
  const t = key => laterText(w, key);
  if (item.flag) return item.flag.children[2].focus(); // the note
  const title = `parley-${item.c.id}-flag`;
  const noteId = title + '-note';
  const err = h('p', { class: 'parley-error', role: 'alert' });
  const note = h('textarea', { id: noteId, rows: 2, maxlength: 500 });
  let busy;
  item.foot.after(item.flag = h('div', {
      class: 'parley-flag',
      role: 'group',
      'aria-labelledby': title,
      onkeydown: e => e.key === 'Escape' && close(opener),
    },
    h('p', { id: title }, t('reportTitle')),
    h('label', { for: noteId }, t('reportNote'), ' ', h('span', { class: 'parley-hint' }, t('optional'))),
    note, err,
    h('div', { class: 'parley-actions' },
      ...REASONS.map(r => button('parley-link', t(r.replace('-t', 'T')), () => send(r))),
      button('parley-link', t('cancel'), () => close(opener)))));
  opener.setAttribute('aria-expanded', true);
  note.focus();

  // close takes the group away and gives focus to el, if any.
  function close(el) {
    item.flag.remove();
    item.flag = null;
    opener.setAttribute('aria-expanded', false);
    if (el) el.focus();
  }

  // done closes the group and says key's text in the button's place.
  function done(key) {
    const said = h('span', { class: 'parley-meta', tabindex: -1 }, t(key));
    opener.replaceWith(said);
    close(said);
  }

  async function send(reason) {
    if (busy) return;
    busy = true;
    err.textContent = '';
    try {
      await w.api.flag(item.c.id, reason, note.value);
      done('reported');
    } catch (x) {
      if (x.code === 'already_flagged') done('alreadyReported');
      else err.textContent = errorText(w.t, x, { note: 500 });
    }
    busy = false;
  }
}
