// The comment form, for new threads, replies in place and edits: a
// Markdown textarea with Write/Preview tabs first, then the author fields,
// shown once the reader starts writing and remembered per site (a reader
// we know sees "Posting as NAME · change" instead), errors next to the
// field at fault in the reader's language, and drafts that survive a
// failed request or a reload.
import { button, h, uid } from './dom.js';
import { authorName } from './comment.js';
import { later } from './env.js';
import { errorText } from './i18n.js';
import { AUTHOR, DRAFTS, MARKDOWN, get, recall, remember } from './store.js';

// Author fields: the name (also the label key and, but for the
// affiliation, its autocomplete token), its maximum length, and its type.
const FIELDS = [
  ['name', 64],
  ['email', null, 'email'],
  ['website', 2048, 'url'],
  ['affiliation', 120],
];

// commentForm builds a form. With parent (an item) it is a reply, with edit
// (an item) it edits that comment, with neither it starts a thread. done
// gets the comment the server answered with; cancel, when given, adds a
// Cancel button. Sending it is in the later bundle (submit.js), which a
// reader who writes has by then. It returns {el, focus}.
export function commentForm(w, { parent, edit, done, cancel }) {
  const t = w.t;
  const s = w.settings;
  const draftKey = [w.o.site, w.page.key, edit ? 'edit:' + edit.c.id : parent ? parent.c.id : ''].join('|');
  const top = h('p', { class: 'parley-error', role: 'alert' });
  const errors = { '': top }; // field path -> its error message
  const controls = {}; // field path -> its input

  // errorFor makes the error message of a control, linked to it.
  const errorFor = (path, id) => (errors[path] = h('p', { id: id + 'e', class: 'parley-error', role: 'alert' }));

  // Whom the reader posted as on this site (store.js AUTHOR); older
  // versions kept one for all sites.
  const mine = AUTHOR + '.' + w.o.site;
  const author = get(mine) || get(AUTHOR);
  const fields = !edit && h('div', { class: 'parley-fields' }, ...FIELDS.map(([name, maxlength, type]) => {
    const path = 'author.' + name;
    const need = s['require_' + name];
    const id = uid();
    const hint = name === 'email' && h('span', { id: id + 'h', class: 'parley-hint' }, t('emailHint'));
    controls[path] = h('input', {
      type,
      maxlength,
      autocomplete: name[8] ? 'organization-title' : type || name,
      id,
      name,
      value: (author || {})[name] || '',
      'aria-required': need && 'true',
      'aria-describedby': (hint ? id + 'h ' : '') + id + 'e',
    });
    return h('div', { class: 'parley-field' },
      h('label', { for: id }, t(name), ' ', h('span', { class: 'parley-hint' }, t(need ? 'required' : 'optional'))),
      controls[path], hint, errorFor(path, id));
  }));

  const taId = uid();
  const ta = (controls.body = h('textarea', {
    id: taId,
    name: 'body',
    rows: parent ? 2 : 5,
    'aria-required': 'true',
    'aria-describedby': taId + 'e',
    oninput: () => {
      if (!f.author) open();
      saveDraft();
    },
    onfocus: ready,
    onkeydown: e => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && submit.click(),
  }));
  // Prefill an edit with its Markdown: the server sends it with one's own
  // comments; else what this browser posted; else the text on screen.
  ta.value = recall(DRAFTS, draftKey) ||
    (edit ? edit.c.markdown || recall(MARKDOWN, edit.c.id) || edit.body.innerText : '');

  // Write/Preview tabs (WAI-ARIA tabs: arrow keys, Home and End move).
  const pv = h('div', { class: 'parley-body' });
  const panels = [
    h('div', { role: 'tabpanel' }, h('label', { for: taId, class: 'parley-sr' }, t('body')), ta),
    h('div', { role: 'tabpanel', class: 'parley-preview', tabindex: 0 }, pv),
  ];
  const tabs = ['write', 'preview'].map((key, i) => {
    const tab = button('parley-tab', t(key), () => select(i), { role: 'tab', id: uid(), onkeydown: arrows });
    panels[i].id = uid();
    tab.setAttribute('aria-controls', panels[i].id);
    panels[i].setAttribute('aria-labelledby', tab.id);
    return tab;
  });
  function select(i, focus) {
    tabs.forEach((tab, j) => {
      tab.setAttribute('aria-selected', i === j);
      tab.tabIndex = i === j ? 0 : -1;
      panels[j].hidden = i !== j;
    });
    if (focus) tabs[i].focus();
    if (i === 1) later(w.o.server).then(m => m.preview(w, ta, pv), err => (pv.textContent = errorText(t, err)));
  }
  // Two tabs: the arrow keys go to the other one.
  function arrows(e) {
    const i = tabs.indexOf(e.currentTarget);
    const to = { ArrowLeft: 1 - i, ArrowRight: 1 - i, Home: 0, End: 1 }[e.key];
    if (to == null) return;
    e.preventDefault();
    select(to, true);
  }
  select(0);

  const label = t(edit ? 'save' : parent ? 'reply' : 'post');
  const submit = h('button', { type: 'submit', class: 'parley-primary' }, label);
  const heading = !parent && !edit && h('h3', { id: uid() }, t('formTitle'));
  // "Posting as NAME (AFFILIATION) · change", for a reader we know.
  const as = !edit && h('span', { class: 'parley-as' });
  const form = h('form', {
    class: 'parley-form',
    novalidate: true,
    'aria-labelledby': heading && heading.id,
    'aria-label': parent ? t('replyTitle', { name: authorName(w, parent.c) }) : edit && t('edit'),
    onsubmit: send,
    // Focus in the new-comment form (in a reply form: typing) asks a new
    // reader who they are; focus in a field keeps the fields open.
    onfocusin: e => ((!f.author && !parent) || e.target.closest('.parley-fields')) && open(),
  },
  heading, top,
  h('div', { class: 'parley-tabrow' },
    h('div', { class: 'parley-tabs', role: 'tablist', 'aria-label': t('body') }, ...tabs),
    h('span', { class: 'parley-hint' }, t('markdown'), !edit && s.moderation === 'all' ? ' ' + t('moderated') : '')),
  ...panels, errorFor('body', taId), fields,
  h('div', { class: 'parley-actions' }, as,
    cancel && button('parley-link', t('cancel'), cancel),
    submit));

  function open() {
    form.classList.add('parley-open');
  }

  let timer;
  function saveDraft() {
    ready(); // a reader may start writing without a focus event: pasting, autofill
    clearTimeout(timer);
    timer = setTimeout(() => remember(DRAFTS, draftKey, ta.value), 400);
  }

  // extra resolves to what a post carries from the form's defences
  // (guard.js), made ready when the reader starts writing.
  let extra;
  function ready() {
    return extra || (extra = edit ? Promise.resolve(() => ({}))
      : later(w.o.server).then(m => m.guard(w, form), () => () => ({})));
  }

  // What sending the form (submit.js, in the later bundle) works with.
  // It says whom a reader we know posts as (submit.js known), which takes
  // no room of its own: it shares the row of the buttons.
  const f = { w, form, as, mine, author, open, edit, parent, ta, submit, label, errors, controls, draftKey, done, select, ready, halt: () => clearTimeout(timer) };
  // Also what a verified reader or a member sees (identity.js).
  if (as) later(w.o.server).then(m => m.known(f));
  function send(e) {
    e.preventDefault();
    later(w.o.server).then(m => m.send(f), err => (top.textContent = errorText(t, err)));
  }

  return { el: form, focus: () => ta.focus() };
}
