// What the later bundle adds to every comment on screen, and to those
// drawn after it (comment.js calls w.deco): the author's avatar, made here
// from the name, with no request to anyone (a member's is the picture their
// site gave), a verified reader's mark after the name, and, on a comment this browser
// reported, a note saying so in the Report button's place. widget.css
// keeps the avatar's room free from the first render, so nothing moves
// when it comes.
import { h } from './dom.js';
import { laterText } from './i18n.js';
import { mark } from './identity.js';
import { get, remember } from './store.js';

// REPORTED holds, per site (REPORTED + site id), the ids of the comments
// this browser reported.
const REPORTED = 'parley.reported.';
let marks = {}; // those ids, of the last site decorated

// hue is a stable hash of name (FNV-1a over its code points) as a colour
// hue: the same name has the same colour everywhere.
export function hue(name) {
  let x = 2166136261;
  for (const ch of name) x = Math.imul(x ^ ch.codePointAt(0), 16777619);
  return (x >>> 0) % 360;
}

// initials are the first letters of the first and the last word of name.
export function initials(name) {
  const words = name.trim().split(/\s+/);
  const first = s => [...s][0] || '';
  return (first(words[0]) + (words.length > 1 ? first(words[words.length - 1]) : '')).toUpperCase() || '?';
}

// decorate makes w draw avatars and reported notes, starting with the
// comments already shown.
export function decorate(w) {
  marks = get(REPORTED + w.o.site) || {};
  w.deco = item => deco(w, item);
  if (w.items) for (const item of w.items.values()) if (!item.c.deleted) deco(w, item);
}

// reported remembers that this browser reported comment id, for w's site.
export function reported(w, id) {
  marks[id] = 1;
  remember(REPORTED + w.o.site, id, 1, 500);
}

// said replaces the Report button el with a note that it was used.
export function said(w, el, key) {
  const note = h('span', { class: 'parley-meta', tabindex: -1 }, laterText(w, key));
  el.replaceWith(note);
  return note;
}

function deco(w, item) {
  const { art, c } = item;
  if (art.querySelector('.parley-av')) return;
  const a = c.author || {};
  const name = a.name || '';
  const cls = 'parley-av' + (['owner', 'moderator'].includes(a.badge) ? ' parley-staff' : '');
  const made = () => {
    const av = h('span', { class: cls, 'aria-hidden': 'true' }, name ? initials(name) : '?');
    if (name) av.style.setProperty('--hue', hue(name));
    else av.classList.add('parley-anon');
    return av;
  };
  // A member's picture, as their site gave it (https only, and no
  // Referer to tell that site where it is shown); the initials if it
  // does not load.
  const pic = /^https:\/\/[^\s/]/i.test(a.avatar) && h('img', {
    class: cls + ' parley-pic',
    src: a.avatar,
    alt: '',
    referrerpolicy: 'no-referrer',
    loading: 'lazy',
    decoding: 'async',
    onerror: () => pic.replaceWith(made()),
  });
  art.prepend(pic || made());
  // After a verified reader's name, the mark.
  if (a.verified) art.querySelector('.parley-who').append(' ', mark(w));
  const flag = !c.mine && marks[c.id] && item.foot.querySelector('[data-act=flag]');
  if (flag) said(w, flag, 'alreadyReported');
}
