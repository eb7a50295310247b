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
  }

  // A file input that sends its form as soon as a file is chosen (从 Word 导入 on the 工作台).
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el instanceof HTMLInputElement && el.type === "file" && el.hasAttribute("data-autosubmit") && el.files.length) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });

  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
  document.addEventListener("htmx:afterSwap", tick);
})();
