// Dates for people: "3 hours ago" in the text, the full date and time in
// the title attribute, both in the reader's language.

const STEPS = [
  ['year', 31536000],
  ['month', 2592000],
  ['week', 604800],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

// clock returns the formatters for one language tag.
export function clock(tag) {
  const rel = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' });
  const abs = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeStyle: 'short' });
  return {
    // ago formats a past date relative to now. A date slightly in the future
    // (a client clock behind the server's) reads as "now".
    ago(date) {
      const secs = Math.min(0, (date - Date.now()) / 1000);
      for (const [unit, size] of STEPS) {
        if (-secs >= size) return rel.format(Math.round(secs / size), unit);
      }
      return rel.format(0, 'second');
    },
    full: date => abs.format(date),
  };
}
