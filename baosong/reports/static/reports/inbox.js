// The inbox and the ledger: 全选 ticks every row (the countdowns are core/app.js's). On a phone the
// filters start folded unless some are in use, so the list is on the first screen.
(function () {
  "use strict";
  document.querySelectorAll("details[data-narrow-closed='1']").forEach(function (panel) {
    if (window.matchMedia("(max-width: 640px)").matches) { panel.open = false; }
  });
  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      const name = box.getAttribute("data-check-all");
      document.querySelectorAll('input[name="' + name + '"]').forEach(function (c) {
        c.checked = box.checked;
      });
    });
  });
})();
