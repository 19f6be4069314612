// The later bundle's styles (later.css), added to a widget's shadow root
// beside the main style sheet, the way widget.js adds that one: a
// constructed style sheet where the browser has them (a host page's CSP
// for inline styles does not apply), else a <style> element.
import css from './later.css';
import { h } from './dom.js';

let sheet;

// style makes sure w's shadow root has the later bundle's styles. Call it
// again after a reload, which gives the root its main sheet alone.
export function style(w) {
  const root = w.host.shadowRoot;
  const view = root && root.firstElementChild;
  if (!view) return;
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    if (!view.querySelector('style.parley-later')) view.append(h('style', { class: 'parley-later' }, css));
  }
}
