// Irreversible actions ask first. A form, or the button that submits it, or a link or htmx button carries
// data-confirm="…consequence…？"; dismissing the dialog stops the action. No inline handlers: the pages
// are meant to run under a strict Content-Security-Policy.
(function () {
  "use strict";

  function ask(message) {
    return !message || window.confirm(message);
  }

  // Capture phase on the document: runs before htmx's or any other handler on the form itself.
  document.addEventListener(
    "submit",
    function (event) {
      const form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      const submitter = event.submitter;
      const message =
        (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (!ask(message)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // Links and buttons that act without submitting a form (e.g. htmx buttons).
  document.addEventListener(
    "click",
    function (event) {
      const el = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
      if (!el || el instanceof HTMLFormElement) return;
      // A submit button inside a form asks in the submit handler above (after the form's validation).
      if (el instanceof HTMLButtonElement && el.type === "submit" && el.form) return;
      if (el instanceof HTMLInputElement && el.type === "submit" && el.form) return;
      if (!ask(el.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
})();
