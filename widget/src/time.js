// Dates for people: "3 hours ago" in the text, the full date and time in
// the title attribute, both in the reader's language.
//
// In a fresh tab, Chromium's first Intl formatter of any kind (relative
// time, date or number) takes 40 to 200 ms while it loads locale data, more
// than drawing a 200-comment thread; Intl.PluralRules takes under 1 ms. So
// the relative times are phrases from the string tables (now, minute ...
// year in en.js), as Intl.RelativeTimeFormat words them (the browser tests
// compare), and the full dates, which only show on hover, wait until the
// render is on screen.

const STEPS = [
  ['year', 31536000],
  ['month', 2592000],
  ['week', 604800],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

// clock returns the formatters for one language: t gives the phrases
// (i18n.js), tag is the BCP 47 tag of the full dates.
export function clock(t, tag) {
  let abs;
  let todo = [];
  return {
    // ago formats a past date relative to now. A date slightly in the future
    // (a client clock behind the server's) reads as "now".
    ago(date) {
      const secs = Math.min(0, (date - Date.now()) / 1000);
      for (const [unit, size] of STEPS) {
        if (-secs >= size) return t(unit, { n: -Math.round(secs / size) });
      }
      return t('now');
    },
    // title sets the full date as el's title: at once when the date
    // formatter exists, else in a task after the next frame, so that the
    // render is painted first (in a hidden tab, once it is shown). That task
    // makes the formatter, sets the titles asked for until then and the
    // mark parley:dates.
    title(el, date) {
      if (abs) {
        el.title = abs.format(date);
      } else if (todo.push([el, date]) < 2) {
        requestAnimationFrame(() => setTimeout(() => {
          abs = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeStyle: 'short' });
          for (const [e, d] of todo) e.title = abs.format(d);
          todo = null;
          performance.mark('parley:dates');
        }));
      }
    },
  };
}
