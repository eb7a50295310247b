// The form editor: add fields to a section and add sections; the server reads s<i>.f<j>.* names.
(function () {
  "use strict";
  const form = document.getElementById("fe-form");
  if (!form) return;
  function nextIndex(nodes, attr) {
    let n = 0;
    nodes.forEach(function (el) { n = Math.max(n, Number(el.dataset[attr] || 0) + 1); });
    return n;
  }
  form.addEventListener("click", function (ev) {
    if (!ev.target.classList.contains("fe-add-field")) return;
    const section = ev.target.closest(".fe-section");
    const body = section.querySelector("tbody");
    let j = 0;
    body.querySelectorAll("input[name$='.label']").forEach(function (input) {
      const m = input.name.match(/\.f(\d+)\.label$/);
      if (m) j = Math.max(j, Number(m[1]) + 1);
    });
    body.insertAdjacentHTML("beforeend", section.querySelector("template.fe-blank-field").innerHTML.replace(/__j__/g, String(j)));
    body.lastElementChild.querySelector("input").focus();
  });
  document.getElementById("fe-add-section").addEventListener("click", function () {
    const box = document.getElementById("fe-sections");
    const i = nextIndex(box.querySelectorAll(".fe-section"), "index");
    const html = document.getElementById("fe-blank-section").innerHTML.replace(/__i__/g, String(i));
    box.insertAdjacentHTML("beforeend", html);
    box.lastElementChild.querySelector(".fe-add-field").click();
  });
})();
