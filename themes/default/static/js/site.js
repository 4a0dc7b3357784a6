// Light/dark mode: follows the system until the reader picks one; the choice persists.
(function () {
  "use strict";
  var KEY = "digest-theme";
  var root = document.documentElement;
  var stored = null;
  try { stored = localStorage.getItem(KEY); } catch (e) { /* storage may be blocked */ }
  if (stored === "light" || stored === "dark") { root.setAttribute("data-theme", stored); }

  function current() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) { return chosen; }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function sync(button) {
    var dark = current() === "dark";
    button.setAttribute("aria-pressed", dark ? "true" : "false");
    button.querySelector(".theme-toggle__label").textContent = dark ? "Light mode" : "Dark mode";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".theme-toggle");
    if (!button) { return; }
    button.hidden = false;
    sync(button);
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem(KEY, next); } catch (e) { /* keep it for this page only */ }
      sync(button);
    });
  });
})();
