/* The portal's reading aids: 长者模式 (large type), 高对比度, the article's 大/中/小 type size and 打印.
   Loaded synchronously in <head>, before the stylesheet: the visitor's choices (kept in localStorage, no
   login needed) become classes on <html> before the first paint, so a page never flashes the default look.
   A static file, no inline script: the portal will run under a strict Content-Security-Policy. */
(function () {
  "use strict";
  var root = document.documentElement;
  var PREFIX = "baosong.portal.";
  var SIZES = ["l", "m", "s"];

  function load(name) {
    try {
      return window.localStorage.getItem(PREFIX + name);
    } catch (e) {
      return null; // storage disabled (private mode, file:// in some browsers): defaults only
    }
  }

  function save(name, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(PREFIX + name);
      } else {
        window.localStorage.setItem(PREFIX + name, value);
      }
    } catch (e) {
      /* not remembered, still applied on this page */
    }
  }

  function applySize(size) {
    SIZES.forEach(function (s) {
      root.classList.remove("size-" + s);
    });
    if (size === "l" || size === "s") {
      root.classList.add("size-" + size);
    }
  }

  root.classList.add("js");
  if (load("elder") === "1") root.classList.add("elder");
  if (load("contrast") === "1") root.classList.add("contrast");
  applySize(load("size"));

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  function syncButtons() {
    each("[data-pref]", function (button) {
      var on = root.classList.contains(button.getAttribute("data-pref"));
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    var current = root.classList.contains("size-l") ? "l" : root.classList.contains("size-s") ? "s" : "m";
    each("[data-size]", function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-size") === current ? "true" : "false");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    each("[data-pref]", function (button) {
      button.addEventListener("click", function () {
        var name = button.getAttribute("data-pref");
        var on = root.classList.toggle(name);
        save(name, on ? "1" : null);
        syncButtons();
      });
    });
    each("[data-size]", function (button) {
      button.addEventListener("click", function () {
        var size = button.getAttribute("data-size");
        applySize(size);
        save("size", size === "m" ? null : size);
        syncButtons();
      });
    });
    each("[data-print]", function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });
    syncButtons();
  });
})();
