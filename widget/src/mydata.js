// "Your data": a reader takes out, or takes back, everything they wrote on
// the site. A quiet button under the thread, beside the feed link, shown
// while this browser holds a reader token (the reader has commented or
// voted: the token is what says which comments are theirs), opens a
// dialog: download one's comments and votes as a JSON file (GET .../me),
// or delete them all (DELETE .../me) once the dialog has asked.
//
// Part of the later bundle (live.js adds the button). A modal <dialog>:
// the browser moves focus into it, keeps it there and closes it on
// Escape. Its ids are fixed: there is one at a time in a shadow root.
import { request } from './api.js';
import { button, h } from './dom.js';
import { errorText, laterText } from './i18n.js';
import { AUTHOR, put, token } from './store.js';

// dataLink puts the "Your data" button into p (the paragraph under the
// thread) once, and shows it while the browser holds a reader token.
export function dataLink(w, p) {
  let b = p.querySelector('.parley-data');
  if (!b) {
    b = button('parley-link parley-data', laterText(w, 'yourData'), () => open(w, b), { 'aria-haspopup': 'dialog' });
    p.append(b);
  }
  const api = w.api;
  api.sync = () => (b.hidden = !token());
  api.sync();
  // A first comment, vote or report brings the token: show the button then.
  if (api.synced) return;
  api.synced = true;
  for (const k of ['post', 'vote', 'flag']) {
    const f = api[k];
    api[k] = (...args) => {
      const r = f(...args);
      r.then(() => api.sync(), () => {});
      return r;
    };
  }
}

// open shows the dialog; opener (the button) gets focus back when it closes.
function open(w, opener) {
  const t = (key, vars) => laterText(w, key, vars);
  const me = `sites/${encodeURIComponent(w.o.site)}/me`;
  const err = h('p', { class: 'parley-error', role: 'alert' });
  const said = h('p', { class: 'parley-note', role: 'status' });
  const acts = h('div', { class: 'parley-actions' });
  const dlg = h('dialog', {
    class: 'parley-dialog',
    'aria-labelledby': 'parley-data-title',
    'aria-describedby': 'parley-data-about',
    onclose: () => {
      dlg.remove();
      if (opener.isConnected) opener.focus();
    },
  },
  h('h3', { id: 'parley-data-title' }, t('yourData')),
  h('p', { id: 'parley-data-about' }, t('dataAbout')),
  acts, said, err);
  let busy;
  const close = button('parley-link', t('close'), () => dlg.close());
  const download = button('parley-primary', t('download'), () => run(save));
  const ask = button('parley-link', t('delMine'), confirm);
  const menu = () => acts.replaceChildren(download, ask, close);
  menu();
  // In the section, so that the theme's colours reach it.
  w.list.parentNode.append(dlg);
  dlg.showModal();

  // run does one call at a time, and shows how it failed.
  async function run(fn) {
    if (busy) return;
    busy = true;
    err.textContent = said.textContent = '';
    try {
      await fn();
    } catch (x) {
      err.textContent = errorText(w.t, x);
    }
    busy = false;
  }

  // save downloads the reader's data as a file, through a Blob: the API
  // wants the token in a header, which a plain link cannot send.
  async function save() {
    const data = await request(w.o.server, 'GET', me);
    const name = `${w.o.site}-my-comments.json`;
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    const a = h('a', { href: url, download: name, hidden: true });
    dlg.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    said.textContent = t('downloaded', { name });
  }

  // confirm asks in the dialog before deleting; focus lands on Cancel.
  function confirm() {
    const no = button('parley-link', w.t('cancel'), () => {
      menu();
      ask.focus();
    });
    const yes = button('parley-primary parley-danger', t('delAll'), () => run(erase));
    const q = h('p', { id: 'parley-data-q' }, t('confirmDelMine'));
    acts.replaceChildren(h('div', { class: 'parley-confirm', role: 'group', 'aria-labelledby': q.id }, q, yes, no));
    no.focus();
  }

  // erase deletes everything, forgets whom this browser posted as here,
  // shows the thread again without the reader's comments and says how
  // many went.
  async function erase() {
    const r = await request(w.o.server, 'DELETE', me);
    put(AUTHOR + '.' + w.o.site, null);
    put(AUTHOR, null);
    const { pageId, pageUrl, pageTitle } = w.o;
    dlg.close();
    await w.reload({ pageId, pageUrl, pageTitle });
    const note = h('p', { class: 'parley-note', role: 'status', tabindex: -1 }, t('deletedMine', { n: r.comments || 0 }));
    w.list.before(note);
    note.focus();
  }
}
