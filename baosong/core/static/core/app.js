/* Small behaviours shared by every page (no inline scripts: the pages run under a strict CSP). */
(function () {
  "use strict";

  // Live countdown to a deadline: <span class="countdown" data-due="ISO time">server text</span>.
  function pad(n) { return String(n).padStart(2, "0"); }
  function tick() {
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var ms = new Date(el.dataset.due) - new Date();
      if (isNaN(ms)) { return; }
      if (ms <= 0) {
        el.textContent = "已超时";
        el.classList.add("badge", "badge-bad");
        return;
      }
      var d = Math.floor(ms / 86400000), h = Math.floor(ms % 86400000 / 3600000);
      var m = Math.floor(ms % 3600000 / 60000), s = Math.floor(ms % 60000 / 1000);
      el.textContent = "剩余 " + (d ? d + " 天 " : "") + h + " 小时 " + pad(m) + " 分" + (d ? "" : " " + pad(s) + " 秒");
    });
    // Time waited since a moment (核实中，已等待 3 小时): <span class="elapsed" data-since="ISO time">server text</span>.
    document.querySelectorAll(".elapsed[data-since]").forEach(function (el) {
      var ms = new Date() - new Date(el.dataset.since);
      if (isNaN(ms) || ms < 0) { return; }
      var d = Math.floor(ms / 86400000), h = Math.floor(ms % 86400000 / 3600000), m = Math.floor(ms % 3600000 / 60000);
      el.textContent = "已等待 " + (d ? d + " 天 " + h + " 小时" : h ? h + " 小时 " + m + " 分" : m + " 分钟");
    });
  }

  // An input that sends its form as soon as it changes: a file once chosen (从 Word 导入 on the 工作台), a
  // radio button once picked (the sort order of 检索), a select whose choice reshapes the form (the form of
  // a new 数据报表 task brings its own levels).
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    var field = el instanceof HTMLInputElement || el instanceof HTMLSelectElement;
    if (!field || !el.hasAttribute("data-autosubmit") || !el.form) { return; }
    if (el.type === "file" && !el.files.length) { return; }
    el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
  });

  // A file over the size limit (data-max bytes, data-max-mb for the message) is refused when chosen, not after
  // a long upload that the server would answer with 413.
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (!(el instanceof HTMLInputElement) || el.type !== "file" || !el.dataset.max) { return; }
    var big = Array.prototype.filter.call(el.files, function (f) { return f.size > Number(el.dataset.max); });
    if (big.length) {
      window.alert("文件“" + big[0].name + "”超过 " + el.dataset.maxMb + " MB 上限，请压缩或拆分后再上传。");
      el.value = "";
    }
  }, true);

  // A read-only field whose whole value is selected on focus, ready to copy (a new API token).
  document.addEventListener("focusin", function (ev) {
    var el = ev.target;
    if (el instanceof HTMLInputElement && el.hasAttribute("data-select-on-focus")) { el.select(); }
  });

  // Colours that come from data (a publication's masthead colour): set through the CSSOM, which the
  // Content-Security-Policy allows, instead of a style attribute, which it does not.
  var PAINT = { paintColor: "color", paintBackground: "backgroundColor", paintBorder: "borderColor" };
  function paint(root) {
    root.querySelectorAll("[data-paint-color], [data-paint-background], [data-paint-border]").forEach(function (el) {
      Object.keys(PAINT).forEach(function (key) {
        if (el.dataset[key]) { el.style[PAINT[key]] = el.dataset[key]; }
      });
    });
  }

  // Lists become cards on narrow screens: each cell is labelled with its column's header (the CSS shows the
  // labels only below 640 px). Tables opt out with class "no-cards" (wide figures read better scrolled).
  function cardify(root) {
    root.querySelectorAll("table:not(.no-cards):not(.cards)").forEach(function (table) {
      var head = table.querySelector("tr");
      if (!head) { return; }
      var cells = head.children, labels = [];
      for (var i = 0; i < cells.length; i++) {
        if (cells[i].tagName !== "TH" || cells[i].colSpan > 1) { return; }
        labels.push(cells[i].textContent.trim());
      }
      if (labels.length < 2) { return; }
      table.classList.add("cards");
      head.classList.add("cards-head");
      table.querySelectorAll("tr").forEach(function (tr) {
        if (tr === head) { return; }
        Array.prototype.forEach.call(tr.children, function (td, n) {
          if (td.tagName === "TD" && labels[n] && td.colSpan === 1) { td.setAttribute("data-label", labels[n]); }
        });
      });
    });
  }

  // On a phone a filter panel starts folded unless some filters are in use, so the list is on the first screen.
  function foldFilters() {
    if (!window.matchMedia("(max-width: 640px)").matches) { return; }
    document.querySelectorAll("details[data-narrow-closed='1']").forEach(function (panel) { panel.open = false; });
  }

  document.addEventListener("DOMContentLoaded", function () { cardify(document); paint(document); foldFilters(); tick(); setInterval(tick, 1000); });
  document.addEventListener("htmx:afterSwap", function (ev) { cardify(ev.target); paint(ev.target); tick(); });
})();
