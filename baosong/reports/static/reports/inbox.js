// The inbox and the ledger: 全选 ticks every row (the countdowns and the folded filters on a phone are
// core/app.js's).
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
})();
