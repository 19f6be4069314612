// Reader identity, in the later bundle: verified readers and the blog's
// signed-in members.
//
// A reader asks for a magic link to their address (verifyForm, from the
// comment form); the mail links to this page with #parley-verify=CODE,
// where a box asks them to confirm (a visit changes nothing: only the
// button's POST does). A blog with its own accounts signs its member in
// with data-sso="PAYLOAD" (or Parley.render's sso, or Parley.signIn), and
// signs them out with data-sso="" (or Parley.signOut). Either way the
// server answers with the token this device keeps from then on and who
// the reader is; both are kept in localStorage (the identity under
// IDENTITY, with its site), so the form knows whom it posts as without a
// request, and the thread is shown again with the reader's comments as
// theirs.
import { request } from './api.js';
import { button, h } from './dom.js';
import { errorText, laterText } from './i18n.js';
import { get, put, setToken, token } from './store.js';

const IDENTITY = 'parley.identity';

// who returns the identity this browser holds on site, or null.
export function who(site) {
  const id = get(IDENTITY);
  return id && id.site === site ? id : null;
}

// keep stores the token and the identity of a confirmation or sign-in
// answer r; mid is the member id the payload said.
function keep(w, r, mid) {
  setToken(r.reader_token);
  const id = { ...r.reader, site: w.o.site };
  if (id.member) id.member_id = '' + (id.member_id || mid);
  put(IDENTITY, id);
}

// forget makes this browser an anonymous reader again: no token, no
// identity. The reader's comments stay on the server.
function forget() {
  try {
    localStorage.removeItem('parley.token');
    localStorage.removeItem(IDENTITY);
  } catch {
    // nothing kept
  }
}

const sites = w => `sites/${encodeURIComponent(w.o.site)}/`;
const tr = (w, key, vars) => laterText(w, key, vars);

// redraw shows the thread again, as the reader now is.
function redraw(w) {
  const { pageId, pageUrl, pageTitle } = w.o;
  return w.reload({ pageId, pageUrl, pageTitle });
}

// notice puts a short message at the top of the widget and returns it.
function notice(w, text) {
  const bar = w.list.parentNode.querySelector('.parley-bar');
  const p = h('p', { class: 'parley-said', role: 'status', tabindex: -1 }, text);
  bar.after(p);
  return p;
}

// identity runs after every rendering of a thread (later.js live): the
// first time, it signs in the member of the snippet's payload; every
// time, a magic link in the URL gets its box.
export function identity(w) {
  w.shownAs = token();
  if (!w.idStarted) {
    w.idStarted = true;
    if (typeof w.o.sso === 'string') sign(w, w.o.sso);
  }
  confirmBox(w);
}

// memberId is the id in a payload's JSON part, decoded here to tell
// whether the member signed in on this device is the payload's.
function memberId(p) {
  try {
    const bin = atob(p.split('.')[0].replace(/-/g, '+').replace(/_/g, '/'));
    const id = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, c => c.charCodeAt(0)))).id;
    return id == null ? null : '' + id;
  } catch {
    return null;
  }
}

let queue = Promise.resolve();

// sign is Parley.signIn(payload), data-sso and render's sso; with null it
// is Parley.signOut(). One at a time: with several widgets on the page,
// the first signs in and the others see it done.
export function sign(w, p) {
  queue = queue.then(() => signNow(w, p)).catch(() => {});
  return queue;
}

async function signNow(w, p) {
  if (!w.list.isConnected) return; // destroyed meanwhile
  const id = who(w.o.site);
  w.o.sso = p;
  // Signed out: by the page's script (null) everyone; by the blog's
  // snippet ("") its member.
  if (!p) {
    if (p === null ? id || token() : id && id.member) {
      forget();
      await redraw(w);
    }
    return;
  }
  const mid = memberId(p);
  if (id && id.member && mid != null && id.member_id === mid) {
    if (w.shownAs !== token()) await redraw(w);
    return;
  }
  try {
    const r = await request(w.o.server, 'POST', sites(w) + 'sso', { payload: p });
    keep(w, r, mid);
    await redraw(w);
  } catch (err) {
    // For the site's developer; the reader just comments as a guest.
    console.warn(`Parley: the sign-in payload was refused (${err.code}): ${err.message || ''}`);
    if (id && id.member) {
      forget();
      await redraw(w);
    }
    notice(w, tr(w, 'ssoFailed'));
  }
}

// confirmBox shows, at the top of the widget, the question of a magic
// link in the URL (#parley-verify=CODE), once.
function confirmBox(w) {
  const m = /(?:^#|&)parley-verify=([\w-]+)/.exec(location.hash);
  const section = w.list.parentNode;
  if (!m || section.querySelector('.parley-notice')) return;
  const err = h('p', { class: 'parley-error', role: 'alert' });
  const ok = button('parley-primary', tr(w, 'confirm'), go);
  const acts = h('div', { class: 'parley-actions' }, ok);
  const box = h('div', { class: 'parley-notice', role: 'group', 'aria-labelledby': 'parley-vq' },
    h('p', { id: 'parley-vq' }, tr(w, 'confirmAsk')), err, acts);
  section.querySelector('.parley-bar').after(box);
  box.scrollIntoView({ block: 'center' });
  ok.focus({ preventScroll: true });
  let busy;

  async function go() {
    if (busy) return;
    busy = true;
    err.textContent = '';
    try {
      const r = await request(w.o.server, 'POST', sites(w) + 'verify/confirm', { code: m[1] });
      keep(w, r);
      unhash();
      await redraw(w);
      notice(w, tr(w, 'confirmed', { name: r.reader.email || r.reader.name || '' })).focus();
    } catch (x) {
      if (x.code === 'link_invalid' || x.code === 'link_expired') {
        unhash();
        err.textContent = tr(w, x.code === 'link_expired' ? 'linkExpired' : 'linkInvalid');
        const again = button('parley-primary', tr(w, 'askAgain'), () => {
          box.remove();
          if (w.mainForm) verifyForm(w.mainForm);
        });
        acts.replaceChildren(button('parley-link', tr(w, 'close'), () => box.remove()), again);
        again.focus();
      } else {
        err.textContent = errorText(w.t, x);
      }
    }
    busy = false;
  }
}

// unhash takes the magic link's code out of the URL.
function unhash() {
  history.replaceState(history.state, '', location.href.split('#')[0]);
}

// verifyLink is the "Verify your e-mail" button of form f.
export function verifyLink(f) {
  return button('parley-link parley-vlink', tr(f.w, 'verifyLink'), () => verifyForm(f));
}

// verifyForm opens, under the comment form f, the small form that asks
// for a magic link, prefilled with the form's e-mail address. Not a
// <form> of its own (forms do not nest): Enter in it sends it.
export function verifyForm(f) {
  const { w } = f;
  const t = w.t;
  if (f.verify && f.verify.isConnected) return f.verify.querySelector('input,button').focus();
  const mail = f.controls['author.email'];
  const input = h('input', {
    type: 'email',
    id: 'parley-ve',
    name: 'verify-email',
    autocomplete: 'email',
    value: mail ? mail.value.trim() : '',
    'aria-describedby': 'parley-vee',
    onkeydown: e => e.key === 'Enter' && (e.preventDefault(), ask()),
  });
  const err = h('p', { id: 'parley-vee', class: 'parley-error', role: 'alert' });
  const close = () => {
    box.remove();
    f.ta.focus();
  };
  const box = (f.verify = h('div', { class: 'parley-verify', role: 'group', 'aria-labelledby': 'parley-vt' },
    h('p', { id: 'parley-vt' }, tr(w, 'verifyAbout')),
    h('label', { for: 'parley-ve' }, t('email')), input, err,
    h('div', { class: 'parley-actions' }, button('parley-link', t('cancel'), close),
      button('parley-primary', tr(w, 'sendLink'), ask))));
  f.form.append(box);
  input.focus();
  let busy;

  async function ask() {
    const email = input.value.trim();
    err.textContent = '';
    input.removeAttribute('aria-invalid');
    if (!email) return fault({ code: 'required', field: 'email', message: tr(w, 'e_required') });
    if (busy) return;
    busy = true;
    try {
      const view = w.host.shadowRoot.firstElementChild;
      await request(w.o.server, 'POST', sites(w) + 'verify',
        { email, page_url: location.href.split('#')[0], lang: view ? view.lang : '' });
      const said = h('p', { role: 'status', tabindex: -1 }, tr(w, 'linkSent', { name: email }));
      box.replaceChildren(said, h('div', { class: 'parley-actions' }, button('parley-link', tr(w, 'close'), close)));
      said.focus();
    } catch (x) {
      fault(x);
    }
    busy = false;
  }

  function fault(x) {
    err.textContent = errorText(t, x);
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

// mark is a verified reader's check mark: a check to see, "verified" to
// hear, and "Verified reader" on hover; quiet, only the check (where
// "(verified)" follows it in words).
export function mark(w, quiet) {
  return quiet
    ? h('span', { class: 'parley-ok', 'aria-hidden': 'true' }, '✓')
    : h('span', { class: 'parley-ok', title: tr(w, 'verifiedTitle') },
      h('span', { 'aria-hidden': 'true' }, '✓'), h('span', { class: 'parley-sr' }, tr(w, 'verified')));
}
