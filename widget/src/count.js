// Entry point of count.js: fills every element marked data-parley-count with
// its page's comment count, asking for all of them in one request.
//
//   <a href="/posts/hello/" data-parley-count></a>            the link's URL is the page key
//   <span data-parley-count="hello-world"></span>             an explicit page key (data-page-id)
//   <span data-parley-count="..." data-parley-count-format="number"></span>   just the number
//   <script src="https://comments.example.com/count.js" data-site="myblog" async></script>
//
// So are Disqus's count links, for a blog that swapped only the script tag:
//
//   <a href="/posts/hello/#disqus_thread"></a>                the link's URL is the page key
//   <span data-disqus-identifier="hello-world"></span>        the identifier is (on a link too)
//
// window.ParleyCount.update(root) fills the elements again, for single-page
// apps.
import { findScript, loadLocale, pickLang, serverBase } from './env.js';
import { comments as english } from './locales/en.js';

const BATCH = 100; // the counts endpoint takes at most this many pages

const script = findScript('count.js', 'count');
const d = script ? script.dataset : {};
const base = script ? serverBase(script.src) : '';

const MARKED = '[data-parley-count],a[href$="#disqus_thread"],[data-disqus-identifier]';

const keyOf = el => el.dataset.parleyCount || el.dataset.disqusIdentifier || (el.href || '').split('#')[0];

function update(root = document) {
  const els = [...root.querySelectorAll(MARKED)];
  const keys = [...new Set(els.map(keyOf).filter(Boolean))];
  if (!d.site || !keys.length) return;
  const [lang, tag] = pickLang(d.lang);
  const forms = lang === 'en' ? Promise.resolve(english) : loadLocale(base, lang).then(t => t.comments, () => english);
  const plural = new Intl.PluralRules(tag);
  for (let i = 0; i < keys.length; i += BATCH) {
    fetch(`${base}api/v1/sites/${encodeURIComponent(d.site)}/counts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ pages: keys.slice(i, i + BATCH) }),
      credentials: 'omit',
    })
      .then(res => (res.ok ? res.json() : Promise.reject(res.status)))
      .then(async ({ counts }) => {
        const f = await forms;
        for (const el of els) {
          const n = counts[keyOf(el)];
          if (typeof n !== 'number') continue;
          el.textContent = el.dataset.parleyCountFormat === 'number'
            ? n
            : (f[plural.select(n)] || f.other).replace('{n}', n.toLocaleString(tag));
        }
      })
      .catch(() => {}); // counts are decoration: leave the elements as they are
  }
}

window.ParleyCount = { update };
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => update());
else update();
