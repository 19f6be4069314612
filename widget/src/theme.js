// The widget's theme: light or dark as the reader's page is, unless the
// page's script or snippet set one (data-theme). The first render picks it
// (widget.js); the later bundle looks again, once the page's own style
// sheets are more likely to be in.

// look returns the class of the widget's root in host for theme (light,
// dark, or anything else for auto): auto follows the host page; a theme
// set otherwise than the page paints its own background (parley-box), so
// its text stays readable.
export function look(theme, host) {
  const dark = hostDark(host);
  const t = ['light', 'dark'].includes(theme) ? theme : dark ? 'dark' : 'light';
  return `parley-root parley-${t}` + (dark !== (t === 'dark') ? ' parley-box' : '');
}

// hostDark tells whether the page around host is dark: by the color-scheme
// it declares (on :root, body, or in its <meta>), else by the nearest
// background behind host, else by the canvas, which is light unless the
// page opts in to a dark one, which then follows the reader's setting.
function hostDark(host) {
  const d = document;
  const cs = el => getComputedStyle(el);
  const said = [cs(d.documentElement).colorScheme, d.body && cs(d.body).colorScheme, d.querySelector('meta[name=color-scheme]')?.content];
  for (const s of said) if (/dark/.test(s) !== /light/.test(s)) return /dark/.test(s);
  for (let el = host; el; el = el.parentElement) {
    const [r, g, b, a = 1] = cs(el).backgroundColor.match(/[\d.]+/g) || [];
    if (+a) return r * 3 + g * 6 + b * 1 < 1280; // luminance below the middle
  }
  return /dark/.test(said) && matchMedia('(prefers-color-scheme: dark)').matches;
}
