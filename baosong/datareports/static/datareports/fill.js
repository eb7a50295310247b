// The return's fill page: rows added and removed, conditional columns, validation as the user types,
// autosave of the draft, file uploads. Without this script the page still saves and submits.
(function () {
  "use strict";
  const form = document.getElementById("dr-form");
  if (!form) return;
  const touched = new Set();
  let showAll = false;
  let timer = null;
  let saving = null;
  const savedLabel = document.getElementById("dr-saved");
  const summary = document.getElementById("dr-problems");

  function rowOf(el) { return el.closest(".dr-row"); }

  function applyConditions(scope) {
    (scope || form).querySelectorAll(".dr-field[data-when]").forEach(function (field) {
      const source = form.querySelectorAll('[name="' + field.dataset.when + '"]');
      const allowed = field.dataset.whenIn.split("|");
      let on = false;
      source.forEach(function (input) {
        if ((input.type === "checkbox" || input.type === "radio") ? input.checked && allowed.includes(input.value)
            : allowed.includes(input.value)) on = true;
      });
      field.hidden = !on;
      field.querySelectorAll("input, select, textarea").forEach(function (i) { i.disabled = !on; });
    });
  }

  function showProblems(problems) {
    form.querySelectorAll(".dr-error").forEach(function (e) { e.textContent = ""; });
    form.querySelectorAll(".dr-field.invalid").forEach(function (e) { e.classList.remove("invalid"); });
    let hidden = 0;
    problems.forEach(function (p) {
      const name = p.section + "." + (p.row === null ? 0 : p.row) + "." + p.field;
      const slot = p.field ? form.querySelector('.dr-error[data-for="' + name + '"]') : null;
      if (slot && (showAll || touched.has(name))) {
        slot.textContent = p.message;
        slot.parentElement.classList.add("invalid");
      } else {
        hidden += 1;
      }
    });
    summary.textContent = problems.length ? "还有 " + problems.length + " 处需要填写或修改。" : "填写完整，可以上报。";
    summary.classList.toggle("ok", !problems.length);
  }

  function post(url, extraHeaders) {
    const headers = Object.assign({ Accept: "application/json" }, extraHeaders || {});
    return fetch(url, { method: "POST", body: new FormData(form), headers: headers, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); });
  }

  function save() {
    timer = null;
    saving = post(form.dataset.save, { "X-Autosave": "1" }).then(function (res) {
      if (!res.ok) { savedLabel.textContent = res.body.detail || "自动保存失败，请点“保存草稿”。"; return; }
      savedLabel.textContent = "已自动保存 " + res.body.saved_at;
      Object.keys(res.body.ids || {}).forEach(function (section) {
        const rows = form.querySelectorAll('.dr-section[data-section="' + section + '"] .dr-rows > .dr-row');
        res.body.ids[section].forEach(function (id, i) {
          const input = rows[i] && rows[i].querySelector('input[name$="._id"]');
          if (input && !input.value) input.value = id;
        });
      });
      showProblems(res.body.problems || []);
    }).catch(function () { savedLabel.textContent = "网络中断，内容仍在本页；恢复后会自动保存。"; })
      .finally(function () { saving = null; });
  }

  function schedule() {
    savedLabel.textContent = "正在保存…";
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 700);
  }

  function renumber(section) {
    section.querySelectorAll(".dr-rows > .dr-row").forEach(function (row, i) {
      const n = row.querySelector(".dr-n");
      if (n) n.textContent = String(i + 1);
    });
  }

  form.addEventListener("input", function (ev) {
    if (ev.target.name) touched.add(ev.target.name.replace(/\.(name|title|unit)$/, ""));
    applyConditions(rowOf(ev.target));
    schedule();
  });
  form.addEventListener("change", function (ev) {
    if (ev.target.name) touched.add(ev.target.name.replace(/\.(name|title|unit)$/, ""));
    applyConditions(rowOf(ev.target));
    if (ev.target.dataset.upload) upload(ev.target);
    else schedule();
  });

  form.querySelectorAll(".dr-add").forEach(function (button) {
    button.addEventListener("click", function () {
      const section = button.closest(".dr-section");
      const rows = section.querySelector(".dr-rows");
      let next = 0;
      rows.querySelectorAll(".dr-row").forEach(function (r) { next = Math.max(next, Number(r.dataset.index) + 1); });
      const html = section.querySelector("template.dr-blank").innerHTML.replace(/__i__/g, String(next));
      rows.insertAdjacentHTML("beforeend", html);
      renumber(section);
      const added = rows.lastElementChild;
      applyConditions(added);
      const first = added.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    });
  });

  form.addEventListener("click", function (ev) {
    if (!ev.target.classList.contains("dr-remove")) return;
    const row = rowOf(ev.target);
    const section = row.closest(".dr-section");
    if (!window.confirm("删除这一行？")) return;
    row.remove();
    renumber(section);
    schedule();
  });

  function upload(input) {
    const file = input.files[0];
    if (!file) return;
    const body = new FormData();
    body.append("file", file);
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    const box = input.closest(".dr-file");
    box.querySelector("[data-file-name]").textContent = "正在上传…";
    fetch(form.dataset.upload, { method: "POST", body: body, headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        if (!res.ok) { box.querySelector("[data-file-name]").textContent = res.body.detail || "上传失败"; return; }
        ["stored", "name", "type", "size"].forEach(function (k) {
          box.querySelector('input[name="' + input.dataset.upload + "." + k + '"]').value = res.body[k];
        });
        box.querySelector("[data-file-name]").textContent = res.body.name;
        schedule();
      });
  }

  form.addEventListener("submit", function (ev) {
    if (ev.submitter && ev.submitter.getAttribute("formaction")) return;  // 保存草稿: a plain post
    showAll = true;
    if (timer) { clearTimeout(timer); timer = null; }
    ev.preventDefault();
    post(form.dataset.validate).then(function (res) {
      const problems = (res.body && res.body.problems) || [];
      if (problems.length) {
        showProblems(problems);
        const first = form.querySelector(".dr-field.invalid input, .dr-field.invalid select, .dr-field.invalid textarea");
        if (first) first.focus();
        return;
      }
      Promise.resolve(saving).then(function () { HTMLFormElement.prototype.submit.call(form); });
    });
  });

  applyConditions();
  const initial = document.getElementById("dr-problems-data");
  if (initial) showProblems(JSON.parse(initial.textContent));
})();
