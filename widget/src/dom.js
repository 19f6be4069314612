// Tiny DOM helpers. Text always goes in as text nodes or textContent: the
// only markup the widget ever inserts is the server-sanitized comment HTML
// (see comment.js and form.js), never a string built here.

// h creates an element. Props set attributes, except that "on<event>" adds
// a listener; null, undefined and false props are skipped, true sets an
// empty attribute. Children are nodes or strings (as text); null and false
// children are skipped.
// Plain loops: a long thread calls it hundreds of times in a row, before
// the browser has optimized anything.
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const k in props) {
    const v = props[k];
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c != null && c !== false) el.append(c);
  return el;
}

// button makes a <button type="button">, never a form submitter.
export function button(cls, text, onclick, props) {
  return h('button', { type: 'button', class: cls, onclick, ...props }, text);
}

let seq = 0;

// uid returns a fresh element id, for label and aria links.
export function uid() {
  return 'parley-u' + ++seq;
}
