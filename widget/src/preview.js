// The Preview tab: the comment as the server renders it, which is exactly
// what posting it would store.
import { more } from './api.js';
import { errorText, laterText } from './i18n.js';

// preview shows the rendering of the text area ta's text in pv.
export async function preview(w, ta, pv) {
  const text = ta.value;
  if (!text.trim()) return (pv.textContent = laterText(w, 'nothing'));
  pv.textContent = '…';
  try {
    const r = await more(w.api).preview(text);
    // Rendered and sanitized by the same server code as a posted comment.
    if (ta.value === text) pv.innerHTML = r.html;
  } catch (err) {
    pv.textContent = errorText(w.t, err, { body: w.settings.max_length });
  }
}
