// The inbox: 全选 ticks every row; urgent items count down to their deadline.
(function () {
  "use strict";
  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      const name = box.getAttribute("data-check-all");
      document.querySelectorAll('input[name="' + name + '"]').forEach(function (c) {
        c.checked = box.checked;
      });
    });
  });
  function tick() {
    document.querySelectorAll(".countdown").forEach(function (el) {
      const ms = new Date(el.dataset.due) - new Date();
      if (ms <= 0) { el.textContent = "已超时"; el.className = "badge badge-bad"; return; }
      const h = Math.floor(ms / 3600000), m = Math.floor((ms % 3600000) / 60000), s = Math.floor((ms % 60000) / 1000);
      el.textContent = "剩余 " + h + " 小时 " + String(m).padStart(2, "0") + " 分 " + String(s).padStart(2, "0") + " 秒";
    });
  }
  tick();
  setInterval(tick, 1000);
})();
