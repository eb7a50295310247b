// The period picker (月/季/年 + year + month or quarter): show only the select the chosen type needs.
// The server builds the period (YYYY-MM, YYYY-Qn, YYYY) from the selects, so the form works without this.
(function () {
  "use strict";
  function sync(picker) {
    const kind = picker.querySelector("[data-period-kind]").value;
    picker.querySelectorAll("[data-period-part]").forEach(function (part) {
      part.hidden = part.getAttribute("data-period-part") !== kind;
    });
  }
  document.querySelectorAll("[data-period-picker]").forEach(function (picker) {
    picker.querySelector("[data-period-kind]").addEventListener("change", function () {
      sync(picker);
    });
    sync(picker);
  });
})();
