// The item editor: 突发事件 shows its 要素 at once; the action bar says what the live checks found (on a
// phone the checks panel is below the fold).
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
  const category = document.getElementById("id_category");
  const elements = document.getElementById("elements");
  if (category && elements) {
    category.addEventListener("change", function () {
      const emergency = category.value === "emergency";
      elements.classList.toggle("elements-plain", !emergency);
      elements.querySelectorAll("[data-when]").forEach(function (part) {
        part.hidden = (part.getAttribute("data-when") === "emergency") !== emergency;
      });
    });
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
