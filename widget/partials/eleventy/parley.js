// Parley comments as an Eleventy (2.0+) async shortcode. In eleventy.config.js:
//
//   import parley from "./_includes/parley.js";
//   eleventyConfig.addAsyncShortcode("parley", parley({ server: "https://comments.example.com", site: "myblog" }));
//
// and in a template: {% parley %} (Nunjucks/Liquid), or {% parley "my-post" %}
// for a page id of your own. include: false skips the build-time thread.
const esc = s => String(s).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

export default function parley({ server, site, include = true }) {
  const base = server.replace(/\/$/, "");
  return async function (pageId) {
    const id = pageId || this.page.url;
    const q = encodeURIComponent(id);
    let thread = "";
    if (include) {
      try {
        const res = await fetch(`${base}/api/v1/sites/${encodeURIComponent(site)}/comments.html?page=${q}`);
        if (res.ok) thread = await res.text();
      } catch (err) {
        console.warn(`parley: ${err}`);
      }
    }
    return `<div id="parley">${thread}</div>
<script src="${esc(base)}/embed.js" data-site="${esc(site)}" data-page-id="${esc(id)}" async></script>
<noscript><a href="${esc(base)}/sites/${esc(encodeURIComponent(site))}/discussion?page=${esc(q)}">Read the comments</a></noscript>`;
  };
}
