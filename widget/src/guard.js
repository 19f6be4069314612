// The comment form's defences, loaded when a reader starts writing (the
// server's moderation pipeline holds what they catch): a honeypot field no
// person sees, the form token that shows the reader took a moment to
// write, and the nudge when the server says a comment would wait for a
// moderator.
import { button, h } from './dom.js';
import { laterText } from './i18n.js';

// guard readies the defences of a new-comment form (its element el) and
// returns what each post of it carries: a promise of {form_token, honeypot}.
export function guard(w, el) {
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
  return () => token.then(form_token => ({ form_token, honeypot: hp.value }));
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
