// The Report control of a comment that is not the reader's own. It opens a
// small form under the comment (a disclosure: the Report button says
// whether it is expanded): the reasons as radio buttons, an optional note,
// and Report, which sends it, and Cancel. Escape or Cancel closes it and
// gives focus back to the Report button; once sent, a note takes the
// button's place and focus, and this browser remembers the report
// (avatar.js), so the comment says so after a reload too.
//
// It is part of the later bundle (later.js), left out of embed.js. It
// shares no state with embed.js, so its element ids come from the
// comment's id rather than from dom.js's uid, whose counter would start
// again in that bundle.
import { more } from './api.js';
import { reported, said } from './avatar.js';
import { button, h } from './dom.js';
import { errorText, laterText } from './i18n.js';

// The API's reasons; the key of a label is the reason in camelCase.
const REASONS = ['spam', 'abuse', 'off-topic', 'other'];

// flagMenu opens the report form of item; opener is its Report button.
export function flagMenu(w, item, opener) {
  const t = key => laterText(w, key);
  if (item.flag) return item.flag.querySelector('input').focus();
  const title = `parley-${item.c.id}-flag`;
  const noteId = title + '-note';
  const err = h('p', { class: 'parley-error', role: 'alert' });
  const note = h('textarea', { id: noteId, rows: 2, maxlength: 500 });
  const radios = REASONS.map(r => h('input', { type: 'radio', name: title, value: r }));
  let busy;
  item.foot.after(item.flag = h('form', {
      class: 'parley-flag',
      role: 'group',
      'aria-labelledby': title,
      onkeydown: e => e.key === 'Escape' && close(opener),
      onsubmit: send,
    },
    h('p', { id: title }, t('reportTitle')),
    h('div', { class: 'parley-reasons', role: 'radiogroup', 'aria-labelledby': title },
      ...radios.map((r, i) => h('label', {}, r, ' ', t(REASONS[i].replace('-t', 'T'))))),
    h('label', { for: noteId }, t('reportNote'), ' ', h('span', { class: 'parley-hint' }, w.t('optional'))),
    note, err,
    h('div', { class: 'parley-actions' },
      button('parley-link', w.t('cancel'), () => close(opener)),
      h('button', { type: 'submit', class: 'parley-primary' }, w.t('report')))));
  opener.setAttribute('aria-expanded', true);
  radios[0].focus();

  // close takes the form away and gives focus to el, if any.
  function close(el) {
    item.flag.remove();
    item.flag = null;
    opener.setAttribute('aria-expanded', false);
    if (el) el.focus();
  }

  // done closes the form, remembers the report and says key's text in the
  // button's place.
  function done(key) {
    reported(w, item.c.id);
    close(said(w, opener, key));
  }

  async function send(e) {
    e.preventDefault();
    const reason = (radios.find(r => r.checked) || {}).value;
    if (busy) return;
    if (!reason) {
      err.textContent = laterText(w, 'e_required');
      return radios[0].focus();
    }
    busy = true;
    err.textContent = '';
    try {
      await more(w.api).flag(item.c.id, reason, note.value);
      done('reported');
    } catch (x) {
      if (x.code === 'already_flagged') done('alreadyReported');
      else err.textContent = errorText(w.t, x, { note: 500 });
    }
    busy = false;
  }
}
