// Progressive enhancement for Parley's admin page. Every feature here is a
// convenience on top of plain HTML forms, which work without this script.

// Select-all checkboxes: <input type=checkbox data-select-all="#form">
// ticks every name=id checkbox in that form. Hidden until the script runs,
// since without it the box would do nothing.
function selectAll() {
  for (const box of document.querySelectorAll("input[data-select-all]")) {
    const form = document.querySelector(box.dataset.selectAll);
    if (!form) continue;
    box.hidden = false;
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

function init() {
  selectAll();
  copyButtons();
  confirmations();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
