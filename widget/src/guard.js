// The comment form's defences, loaded when a reader starts writing (the
// server's moderation pipeline holds what they catch): a honeypot field no
// person sees, the form token that shows the reader took a moment to
// write, and the nudge when the server says a comment would wait for a
// moderator. Along with them, on an instance that sends mail, comes the
// opt-in to an e-mail when someone replies.
import { button, h } from './dom.js';
import { laterText } from './i18n.js';
import { style } from './sheet.js';
import { get, put } from './store.js';

// NOTIFY is where the reader's last answer to the opt-in is remembered,
// beside the author fields (form.js).
const NOTIFY = 'parley.notify';

// guard readies the defences of a new-comment or reply form (its element
// el) and returns what each post of it carries: a promise of {form_token,
// honeypot}, plus {notify, lang} where the instance sends mail.
export function guard(w, el) {
  const opt = w.settings.notify ? optIn(w, el) : () => ({});
  const hp = h('input', { name: 'phone', tabindex: -1, autocomplete: 'off' });
  const box = h('div', { 'aria-hidden': 'true' }, h('label', {}, 'Phone ', hp));
  // Off screen rather than display: none, which robots skip. Set through
  // the CSSOM, which a host page's CSP allows.
  Object.assign(box.style, { position: 'absolute', left: '-9999px', width: '1px', height: '1px', overflow: 'hidden' });
  el.append(box);
  const token = w.settings.form_check
    ? fetch(`${w.o.server}api/v1/sites/${encodeURIComponent(w.o.site)}/form`, { credentials: 'omit' })
      .then(r => r.json())
      .then(d => d.form_token, () => '')
    : Promise.resolve('');
  return () => token.then(form_token => ({ form_token, honeypot: hp.value, ...opt() }));
}

// optIn adds "E-mail me when someone replies" under the e-mail field of
// the form el, usable only while that field holds an address, and returns
// what a post carries for it: whether to notify, and in which language
// (the widget's, which the server's mail speaks too).
function optIn(w, el) {
  const email = el.querySelector('input[name=email]');
  if (!email) return () => ({});
  style(w);
  const box = h('input', {
    type: 'checkbox',
    name: 'notify',
    checked: get(NOTIFY) === true,
    onchange: () => put(NOTIFY, box.checked),
  });
  const sync = () => (box.disabled = !email.value.trim());
  email.addEventListener('input', sync);
  sync();
  // The label wraps the box: its name without an id, which this bundle's
  // copy of dom.js's uid would repeat.
  email.parentNode.append(h('label', { class: 'parley-check' }, box, ' ', laterText(w, 'notify')));
  return () => ({
    notify: box.checked && !!email.value.trim(),
    lang: ((el.closest('[lang]') || {}).lang || 'en').split('-')[0].toLowerCase(),
  });
}

// nudge says, in the message p under the text area ta, why the server
// would hold the comment (err is its would_hold answer: links, suspect
// words or both) and offers to edit it or to send it as it is (resend).
export function nudge(w, p, ta, err, resend) {
  const t = key => laterText(w, key);
  const links = err.reasons.some(r => r.code === 'links');
  const words = err.reasons.some(r => r.code !== 'links');
  p.replaceChildren(t(links && words ? 'heldBoth' : links ? 'heldLinks' : 'heldWords') + ' ' + t('heldChoice') + ' ',
    button('parley-link', w.t('edit'), () => {
      p.textContent = '';
      ta.focus();
    }), ' ',
    button('parley-link', t('sendAnyway'), () => {
      p.textContent = '';
      resend();
    }));
}
