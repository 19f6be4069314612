// Progressive enhancement for Parley's admin page. Every feature here is a
// convenience on top of plain HTML forms, which work without this script.

// Select-all checkboxes: <input type=checkbox data-select-all="#form">
// ticks every name=id checkbox in that form. Hidden until the script runs,
// since without it the box would do nothing.
function selectAll() {
  for (const box of document.querySelectorAll("input[data-select-all]")) {
    const form = document.querySelector(box.dataset.selectAll);
    if (!form) continue;
    (box.closest("label") || box).hidden = false;
    const items = () => form.querySelectorAll('input[type=checkbox][name="id"]');
    box.addEventListener("change", () => {
      for (const item of items()) item.checked = box.checked;
    });
    form.addEventListener("change", (ev) => {
      if (ev.target === box) return;
      const all = [...items()];
      box.checked = all.length > 0 && all.every((i) => i.checked);
      box.indeterminate = !box.checked && all.some((i) => i.checked);
    });
  }
}

// Copy buttons: <button data-copy="#selector"> copies that element's text.
function copyButtons() {
  for (const btn of document.querySelectorAll("button[data-copy]")) {
    const source = document.querySelector(btn.dataset.copy);
    if (!source || !navigator.clipboard) continue;
    btn.hidden = false;
    const label = btn.textContent;
    btn.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent);
        btn.textContent = "Copied";
      } catch {
        btn.textContent = "Select the text and copy it";
      }
      setTimeout(() => { btn.textContent = label; }, 2000);
    });
  }
}

// Confirmations: a submit button with data-confirm asks first.
function confirmations() {
  document.addEventListener("click", (ev) => {
    const btn = ev.target.closest("button[data-confirm]");
    if (btn && !window.confirm(btn.dataset.confirm)) ev.preventDefault();
  });
}

// Live queue: <div data-events=URL data-show=URL> lists the comments held
// since the page was loaded, from the site's event stream, with a link
// that shows them. Names and pages go in as text.
function liveQueue() {
  const box = document.querySelector("[data-events]");
  if (!box || !window.EventSource) return;
  const held = new Map();
  const src = new EventSource(box.dataset.events);
  src.addEventListener("held", (ev) => {
    const c = JSON.parse(ev.data);
    if (document.getElementById("c-" + c.id)) return; // already listed
    held.set(c.id, c);
    const text = held.size === 1 ? "1 new comment is waiting: " : held.size + " new comments are waiting: ";
    const who = [...held.values()].slice(-3).map((c) => c.author || "anonymous").join(", ");
    const link = document.createElement("a");
    link.href = box.dataset.show;
    link.textContent = "Show them";
    box.replaceChildren(text + who + (held.size > 3 ? " and others" : "") + ". ", link);
    box.hidden = false;
  });
}

function init() {
  liveQueue();
  selectAll();
  copyButtons();
  confirmations();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
