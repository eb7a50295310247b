// Composing an issue: reorder items by drag and drop or Alt+Arrow keys; the new order is saved at once
// and the print preview reloads. Without JavaScript the 上移/下移 buttons do the same.
(function () {
  const list = document.getElementById("issue-items");
  if (!list || !list.dataset.editable) return;
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  let dragged = null;

  function save() {
    const body = new URLSearchParams();
    list.querySelectorAll("li[data-id]").forEach((li) => body.append("order", li.dataset.id));
    fetch(list.dataset.reorderUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "HX-Request": "true" },
      body: body,
    }).then((r) => {
      // A refusal comes as a small HTML fragment (core.refusals): show its text.
      if (!r.ok) return r.text().then((t) => alert(new DOMParser().parseFromString(t, "text/html").body.textContent.trim() || "保存顺序失败，请刷新页面。"));
      const preview = document.getElementById("issue-preview");
      if (preview) preview.contentWindow.location.reload();
    });
  }

  list.addEventListener("dragstart", (e) => {
    dragged = e.target.closest("li[data-id]");
    if (dragged) dragged.classList.add("dragging");
  });
  list.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
  });
  list.addEventListener("dragover", (e) => {
    e.preventDefault();
    const over = e.target.closest("li[data-id]");
    if (!dragged || !over || over === dragged) return;
    const rect = over.getBoundingClientRect();
    const after = e.clientY > rect.top + rect.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("drop", (e) => {
    e.preventDefault();
    save();
  });
  list.addEventListener("keydown", (e) => {
    const li = e.target.closest("li[data-id]");
    if (!li || e.target !== li || !e.altKey) return;
    if (e.key === "ArrowUp" && li.previousElementSibling) {
      list.insertBefore(li, li.previousElementSibling);
    } else if (e.key === "ArrowDown" && li.nextElementSibling) {
      list.insertBefore(li.nextElementSibling, li);
    } else {
      return;
    }
    e.preventDefault();
    li.focus();
    save();
  });
})();
