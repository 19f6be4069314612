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
import { mark, verifyForm, verifyLink, who as identity } from './identity.js';
import { style } from './sheet.js';
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
  // A field left empty; other languages translate it as the API's error.
  const empty = field => fail(f, { code: 'required', field, message: laterText(w, 'e_required') });
  if (!body.trim()) return empty('body');
  // A verified reader's address, and a member's name and address, are
  // the server's to fill in.
  const id = identity(w.o.site);
  if (id) who.email = '';
  for (const name of edit || (id && id.member) ? [] : id ? ['name'] : ['name', 'email']) {
    if (s['require_' + name] && !who[name]) return empty('author.' + name);
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
    else if (err.code === 'verification_required' || err.code === 'sign_in_required') {
      // The site takes comments from verified readers (or members) only.
      fail(f, { ...err, field: '' });
      if (err.code[0] === 'v' && !parent && !edit) verifyForm(f);
    } else {
      if (err.field in errors && err.field !== 'body') f.open();
      fail(f, err);
    }
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
// author fields again. A verified reader posts as "NAME ✓ (verified)",
// with no e-mail field (the server knows the address); a member "Signed
// in as NAME", with no author fields at all (the site says who they are).
// The new-comment form of an instance that sends mail offers the others
// "Verify your e-mail".
export function known(f, a) {
  const { w, as, controls } = f;
  if (a) put(f.mine, (f.author = a));
  if (!as) return;
  style(w);
  if (!f.parent) w.mainForm = f;
  const t = w.t;
  const id = identity(w.o.site);
  const fields = f.form.querySelector('.parley-fields');
  const mail = controls['author.email'].parentNode;
  const offer = !f.parent && w.settings.notify && !id;
  if (id && id.member) {
    fields.hidden = true;
    f.author = f.author || {};
    f.form.classList.remove('parley-open');
    return as.replaceChildren(laterText(w, 'signedInAs', { name: id.name || t('anon') }), ' ', mark(w));
  }
  mail.hidden = !!id;
  if (offer && !mail.querySelector('.parley-vlink')) mail.append(verifyLink(f));
  if (id && !f.author) {
    // On a device that just confirmed: the name the server knows.
    if (!controls['author.name'].value) controls['author.name'].value = id.name || '';
    f.author = { name: id.name };
  }
  if (!f.author) return;
  f.form.classList.remove('parley-open');
  const aff = f.author.affiliation;
  as.replaceChildren(t('postingAs', { name: (f.author.name || t('anon')) + (aff ? ` (${aff})` : '') }),
    ...(id ? [' ', mark(w, true), ' ', laterText(w, 'asVerified')] : []), ' · ',
    button('parley-link', t('change'), () => {
      f.open();
      controls['author.name'].focus();
    }),
    ...(offer ? [' · ', verifyLink(f)] : []));
}
