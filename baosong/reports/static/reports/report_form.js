// The item editor: a category shows its 要素 and writing template at once; the action bar says what the
// live checks found (on a phone the checks panel is below the fold).
(function () {
  "use strict";
  // 从 Word 导入 makes a new draft: say so before text typed above (and not saved) is left behind.
  const importForm = document.getElementById("import-docx");
  const reportForm = document.getElementById("report-form");
  if (importForm && reportForm) {
    importForm.addEventListener("submit", function (event) {
      const typed = Array.prototype.some.call(
        reportForm.querySelectorAll("input[name=title], textarea[name=body]"),
        function (field) { return field.value.trim() !== ""; }
      );
      if (typed && !window.confirm(importForm.getAttribute("data-typed-confirm"))) {
        event.preventDefault();
      }
    });
  }
  // The chosen category shows its own 要素 (data-for lists the categories that ask for a box) and offers
  // its writing template: filled into an empty body, or on request.
  const category = document.getElementById("id_category");
  const elements = document.getElementById("elements");
  const body = document.getElementById("id_body");
  const hint = document.querySelector("[data-template-hint]");
  const templatesNode = document.getElementById("category-templates");
  const templates = templatesNode ? JSON.parse(templatesNode.textContent) : {};
  let filled = "";  // the template last filled in automatically, replaced while the author has not typed
  function applyTemplate(force) {
    const text = templates[category.value] || "";
    if (!body || !text) { return; }
    const untouched = body.value.trim() === "" || body.value === filled;
    if (!untouched && !(force && window.confirm("正文已有内容，用写作模板替换吗？"))) { return; }
    body.value = text;
    filled = text;
    if (force) { body.dispatchEvent(new Event("input", { bubbles: true })); }
  }
  if (category && elements) {
    category.addEventListener("change", function () {
      const code = category.value;
      let any = false;
      elements.querySelectorAll("[data-for]").forEach(function (part) {
        const show = part.getAttribute("data-for").split(" ").indexOf(code) >= 0;
        part.hidden = !show;
        any = any || show;
      });
      elements.classList.toggle("elements-plain", !any);
      elements.querySelectorAll("[data-for-plain]").forEach(function (part) { part.hidden = any; });
      if (hint) { hint.hidden = !templates[code]; }
      if (body && body.value === filled && filled) { body.value = ""; filled = ""; }
      applyTemplate(false);
    });
    if (hint) {
      hint.querySelectorAll("[data-apply-template]").forEach(function (button) {
        button.addEventListener("click", function () { applyTemplate(true); });
      });
    }
    applyTemplate(false);
  }
  const checks = document.getElementById("checks");
  const summary = document.getElementById("checks-summary");
  function summarise() {
    if (!checks || !summary) { return; }
    const blocking = checks.querySelectorAll(".finding-block").length;
    const warnings = checks.querySelectorAll(".finding-warn").length;
    const done = blocking || warnings || checks.querySelector(".ok-text");
    summary.hidden = !done;
    summary.classList.toggle("is-block", blocking > 0);
    summary.classList.toggle("is-warn", !blocking && warnings > 0);
    summary.classList.toggle("is-ok", !blocking && !warnings);
    summary.textContent = blocking ? blocking + " 项不能提交" : warnings ? warnings + " 项提醒" : "✓ 检查通过";
  }
  // htmx leaves a 4xx answer unswapped: the autosave's refusal ("自动保存失败：…") must show, or the author
  // keeps typing under a stale "已自动保存".
  document.addEventListener("htmx:beforeSwap", function (ev) {
    const target = ev.detail.target;
    if (target && target.id === "autosave" && ev.detail.xhr.status >= 400 && ev.detail.xhr.status < 500) {
      ev.detail.shouldSwap = true;
      ev.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterSwap", function (ev) {
    if (ev.target === checks) { summarise(); }
  });
  summarise();
})();
