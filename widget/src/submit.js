// Sending the comment form (form.js), in the later bundle: a reader who
// writes has it by then, since the form's defences (guard.js) come with
// it. f is what form.js hands over: the instance w, the form's parts
// (ta, submit and its label, errors and controls by field path), what it
// edits or answers, and its callbacks. Errors show next to the field at
// fault, in the reader's language, and move focus there; what the reader
// typed stays, and so does the draft until the server has it.
import { more } from './api.js';
import { nudge } from './guard.js';
import { errorText, laterText } from './i18n.js';
import { button } from './dom.js';
import { DRAFTS, MARKDOWN, put, remember } from './store.js';

const LIMITS = { 'author.name': 64, 'author.affiliation': 120, 'author.website': 2048 };

// send posts the form f; confirm says the reader was told it would be held
// and sends it anyway.
export async function send(f, confirm) {
  const { w, edit, parent, ta, submit, errors, controls } = f;
  const api = more(w.api);
  const s = w.settings;
  if (f.busy) return;
  for (const p of Object.values(errors)) p.textContent = '';
  for (const c of Object.values(controls)) c.removeAttribute('aria-invalid');

  const body = ta.value;
  const who = {};
  for (const path in controls) if (path !== 'body') who[path.slice(7)] = controls[path].value.trim(); // after "author."
  if (who.website && !/^https?:\/\//i.test(who.website)) who.website = 'https://' + who.website;
  if (!body.trim()) return fail(f, { code: 'required', field: 'body' });
  for (const name of edit ? [] : ['name', 'email']) {
    if (s['require_' + name] && !who[name]) return fail(f, { code: 'required', field: 'author.' + name });
  }

  f.busy = true;
  submit.setAttribute('aria-disabled', 'true');
  submit.textContent = laterText(w, 'sending');
  f.halt();
  remember(DRAFTS, f.draftKey, body); // kept until the server has it
  try {
    const r = edit
      ? await api.edit(edit.c.id, body, confirm)
      : await api.post({
        page: w.page.key,
        page_url: w.page.url,
        page_title: w.page.title,
        parent: parent ? parent.c.id : '',
        author: who,
        body,
        confirm_hold: confirm,
        ...await (await f.ready())(),
      });
    if (!edit) known(f, who);
    remember(MARKDOWN, r.comment.id, body);
    remember(DRAFTS, f.draftKey, null);
    ta.value = '';
    f.select(0);
    f.done(r.comment);
  } catch (err) {
    if (err.code === 'would_hold') nudge(w, errors.body, ta, err, () => send(f, true));
    else fail(f, err);
  } finally {
    f.busy = false;
    submit.removeAttribute('aria-disabled');
    submit.textContent = f.label;
  }
}

// fail shows an error next to the field at fault (else at the top of the
// form) and moves focus there.
function fail(f, err) {
  const path = err.field in f.errors ? err.field : '';
  f.errors[path].textContent = errorText(f.w.t, err, { ...LIMITS, body: f.w.settings.max_length });
  const control = f.controls[path];
  if (!control) return;
  control.setAttribute('aria-invalid', 'true');
  if (path === 'body') f.select(0);
  control.focus();
}

// known says whom the reader of form f posts as, "Posting as NAME
// (AFFILIATION) · change", where the form knows them; with a, they just
// posted as a, which the form remembers for the site. Change shows the
// author fields again.
export function known(f, a) {
  const { w, as } = f;
  if (a) put(f.mine, (f.author = a));
  if (!as || !f.author) return;
  f.form.classList.remove('parley-open');
  const aff = f.author.affiliation;
  as.replaceChildren(w.t('postingAs', { name: (f.author.name || w.t('anon')) + (aff ? ` (${aff})` : '') }), ' · ',
    button('parley-link', w.t('change'), () => {
      f.open();
      f.controls['author.name'].focus();
    }));
}
