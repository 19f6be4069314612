// The comment form, for new threads, replies in place and edits: author
// fields (remembered), a Markdown textarea with Write/Preview tabs, errors
// next to the field at fault in the reader's language, and drafts that
// survive a failed request or a reload.
import { button, h, uid } from './dom.js';
import { authorName } from './comment.js';
import { later } from './env.js';
import { errorText } from './i18n.js';
import { get, put, recall, remember } from './store.js';

const AUTHOR = 'parley.author';
const DRAFTS = 'parley.drafts';
// The Markdown this browser posted, by comment id: a fallback for the edit
// form (the API returns the Markdown of one's own comments too).
const MARKDOWN = 'parley.markdown';

// Author fields: the name (also the label key) and the input's attributes.
const FIELDS = [
  ['name', { autocomplete: 'name', maxlength: 64 }],
  ['email', { type: 'email', autocomplete: 'email' }],
  ['website', { type: 'url', autocomplete: 'url', maxlength: 2048 }],
  ['affiliation', { autocomplete: 'organization-title', maxlength: 120 }],
];
const LIMITS = { 'author.name': 64, 'author.affiliation': 120, 'author.website': 2048 };

// commentForm builds a form. With parent (an item) it is a reply, with edit
// (an item) it edits that comment, with neither it starts a thread. done
// gets the comment the server answered with; cancel, when given, adds a
// Cancel button. It returns {el, focus}.
export function commentForm(w, { parent, edit, done, cancel }) {
  const t = w.t;
  const s = w.settings;
  const draftKey = [w.o.site, w.page.key, edit ? 'edit:' + edit.c.id : parent ? parent.c.id : ''].join('|');
  const top = h('p', { class: 'parley-error', role: 'alert' });
  const errors = { '': top }; // field path -> its error message
  const controls = {}; // field path -> its input

  // errorFor makes the error message of a control, linked to it.
  const errorFor = (path, id) => (errors[path] = h('p', { id: id + 'e', class: 'parley-error', role: 'alert' }));

  const author = get(AUTHOR) || {};
  const fields = !edit && h('div', { class: 'parley-fields' }, ...FIELDS.map(([name, attrs]) => {
    const path = 'author.' + name;
    const need = s['require_' + name];
    const id = uid();
    const hint = name === 'email' && h('span', { id: id + 'h', class: 'parley-hint' }, t('emailHint'));
    controls[path] = h('input', {
      ...attrs,
      id,
      name,
      value: author[name] || '',
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
    rows: 5,
    'aria-required': 'true',
    'aria-describedby': taId + 'e',
    oninput: saveDraft,
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
  function arrows(e) {
    const i = tabs.indexOf(e.currentTarget);
    const to = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to == null) return;
    e.preventDefault();
    select((to + tabs.length) % tabs.length, true);
  }
  select(0);

  const submit = h('button', { type: 'submit', class: 'parley-primary' }, t(edit ? 'save' : 'post'));
  const heading = !parent && !edit && h('h3', { id: uid() }, t('formTitle'));
  const form = h('form', {
    class: 'parley-form',
    novalidate: true,
    'aria-labelledby': heading && heading.id,
    'aria-label': parent ? t('replyTitle', { name: authorName(w, parent.c) }) : edit && t('edit'),
    onsubmit: send,
  },
  heading, top, fields,
  h('div', { class: 'parley-tabs', role: 'tablist', 'aria-label': t('body') }, ...tabs),
  ...panels, errorFor('body', taId),
  h('div', { class: 'parley-actions' },
    h('span', { class: 'parley-hint' }, t('markdown'), !edit && s.moderation === 'all' ? ' ' + t('moderated') : ''),
    cancel && button('parley-link', t('cancel'), cancel),
    submit));

  let timer;
  function saveDraft() {
    ready(); // a reader may start writing without a focus event: pasting, autofill
    clearTimeout(timer);
    timer = setTimeout(() => remember(DRAFTS, draftKey, ta.value), 400);
  }

  function limits() {
    return { ...LIMITS, body: s.max_length };
  }

  // extra resolves to what a post carries from the form's defences
  // (guard.js), made ready when the reader starts writing.
  let extra;
  function ready() {
    return extra || (extra = edit ? Promise.resolve(() => ({}))
      : later(w.o.server).then(m => m.guard(w, form), () => () => ({})));
  }

  let busy = false;
  // send posts the form; confirm says the reader was told it would be held
  // and sends it anyway.
  async function send(e, confirm) {
    if (e) e.preventDefault();
    if (busy) return;
    for (const p of Object.values(errors)) p.textContent = '';
    for (const c of Object.values(controls)) c.removeAttribute('aria-invalid');

    const body = ta.value;
    const who = {};
    if (!edit) for (const [name] of FIELDS) who[name] = controls['author.' + name].value.trim();
    if (who.website && !/^https?:\/\//i.test(who.website)) who.website = 'https://' + who.website;
    if (!body.trim()) return fail({ code: 'required', field: 'body' });
    for (const name of edit ? [] : ['name', 'email']) {
      if (s['require_' + name] && !who[name]) return fail({ code: 'required', field: 'author.' + name });
    }

    busy = true;
    submit.setAttribute('aria-disabled', 'true');
    submit.textContent = t('sending');
    clearTimeout(timer);
    remember(DRAFTS, draftKey, body); // kept until the server has it
    try {
      const r = edit
        ? await w.api.edit(edit.c.id, body, confirm)
        : await w.api.post({
          page: w.page.key,
          page_url: w.page.url,
          page_title: w.page.title,
          parent: parent ? parent.c.id : '',
          author: who,
          body,
          confirm_hold: confirm,
          ...await (await ready())(),
        });
      if (!edit) put(AUTHOR, who);
      remember(MARKDOWN, r.comment.id, body);
      remember(DRAFTS, draftKey, null);
      ta.value = '';
      select(0);
      done(r.comment);
    } catch (err) {
      if (err.code === 'would_hold') later(w.o.server).then(m => m.nudge(w, errors.body, ta, err, () => send(null, true)), () => fail(err));
      else fail(err);
    } finally {
      busy = false;
      submit.removeAttribute('aria-disabled');
      submit.textContent = t(edit ? 'save' : 'post');
    }
  }

  // fail shows an error next to the field at fault (else at the top of the
  // form) and moves focus there. What the reader typed stays.
  function fail(err) {
    const path = err.field in errors ? err.field : '';
    errors[path].textContent = errorText(t, err, limits());
    const control = controls[path];
    if (!control) return;
    control.setAttribute('aria-invalid', 'true');
    if (path === 'body') select(0);
    control.focus();
  }

  return { el: form, focus: () => ta.focus() };
}
