// The item editor: 突发事件 shows its 要素 at once; an attachment over the limit is refused before upload.
(function () {
  "use strict";
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
  const fileInput = document.getElementById("attachment-file");
  if (fileInput) {
    fileInput.addEventListener("change", function () {
      // Tell the author at once instead of after a long upload.
      if (this.files[0] && this.files[0].size > Number(this.dataset.max)) {
        window.alert("附件不能超过 " + this.dataset.maxMb + " MB，请压缩后再上传。");
        this.value = "";
      }
    });
  }
})();
