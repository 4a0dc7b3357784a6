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

// Reading tools (no inline JS; without JS every paper and abstract stays on the page):
// "Expand all" for abstracts, a short intro on phones, and reader filters kept in localStorage.
(function () {
  "use strict";
  var KEY = "digest-filters";
  document.documentElement.classList.add("js");

  function load() {
    try {
      var data = JSON.parse(localStorage.getItem(KEY) || "{}");
      return {include: Array.isArray(data.include) ? data.include : [], exclude: Array.isArray(data.exclude) ? data.exclude : []};
    } catch (e) { return {include: [], exclude: []}; }
  }

  function save(filters) {
    try { localStorage.setItem(KEY, JSON.stringify(filters)); } catch (e) { /* this page only */ }
  }

  // "a, -b" -> {include: ["a"], exclude: ["b"]}; a minus in the include field is an exclusion.
  function parse(includeText, excludeText) {
    var out = {include: [], exclude: []};
    function add(list, term) {
      term = term.trim().toLowerCase();
      if (term.charAt(0) === "-") { list = out.exclude; term = term.slice(1).trim(); }
      if (term && list.indexOf(term) < 0) { list.push(term); }
    }
    excludeText.split(",").forEach(function (t) { add(out.exclude, t.trim().replace(/^-/, "")); });
    includeText.split(",").forEach(function (t) { add(out.include, t); });
    return out;
  }

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // What a filter reads: the title, the curator's note or the preview, and the tags -- what the
  // reader sees of the paper in every list (week and month pages carry no abstracts).
  function entryText(entry) {
    if (!entry.digestText) {
      entry.digestText = Array.prototype.map.call(
        entry.querySelectorAll(".entry__title, .entry__note, .entry__preview, .tags"),
        function (el) { return el.textContent; }).join(" ");
    }
    return entry.digestText;
  }

  function matcher(term) {
    var word = new RegExp("(^|[^\\w])" + escapeRegExp(term), "i");  // at the start of a word: robot finds robotics
    return function (entry) {
      var tags = (entry.getAttribute("data-tags") || "").toLowerCase().split(" ");
      if (tags.indexOf(term.replace(/^#/, "")) >= 0) { return true; }
      return word.test(entryText(entry));
    };
  }

  function apply(scope, filters) {
    var includes = filters.include.map(matcher), excludes = filters.exclude.map(matcher);
    var shown = 0, hidden = 0, matched = 0;
    scope.querySelectorAll("li.entry").forEach(function (entry) {
      var hide = excludes.some(function (m) { return m(entry); });
      var match = !hide && includes.some(function (m) { return m(entry); });
      entry.classList.toggle("is-hidden", hide);
      entry.classList.toggle("is-match", match);
      if (hide) { hidden += 1; } else { shown += 1; }
      if (match) { matched += 1; }
    });
    var status = scope.querySelector(".reader-filter__status");
    if (status) {
      var parts = [];
      if (filters.include.length) { parts.push(matched + " highlighted"); }
      if (filters.exclude.length) { parts.push(hidden + " hidden"); }
      status.textContent = parts.join(", ");
    }
  }

  function setupFilters(scope) {
    var form = scope.querySelector(".reader-filter__form");
    if (!form) { return; }
    var filters = load();
    form.elements.include.value = filters.include.join(", ");
    form.elements.exclude.value = filters.exclude.join(", ");
    apply(scope, filters);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      filters = parse(form.elements.include.value, form.elements.exclude.value);
      form.elements.include.value = filters.include.join(", ");
      form.elements.exclude.value = filters.exclude.join(", ");
      save(filters);
      apply(scope, filters);
    });
    form.addEventListener("reset", function () {
      filters = {include: [], exclude: []};
      save(filters);
      apply(scope, filters);
    });
  }

  function setupExpandAll(scope) {
    var button = scope.querySelector(".expand-all");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-pressed") !== "true";
      scope.querySelectorAll("details.entry__abstract").forEach(function (d) { d.open = open; });
      button.setAttribute("aria-pressed", open ? "true" : "false");
      button.textContent = open ? "Collapse all abstracts" : "Expand all abstracts";
    });
  }

  function setupIntro(intro) {
    intro.classList.add("is-clamped");
    if (intro.children.length < 2 && intro.scrollHeight <= intro.clientHeight + 2) { return; }
    var more = document.createElement("button");
    more.type = "button";
    more.className = "intro-more";
    more.textContent = "Read the whole introduction";
    more.setAttribute("aria-expanded", "false");
    intro.insertAdjacentElement("afterend", more);
    more.addEventListener("click", function () {
      intro.classList.remove("is-clamped");
      more.hidden = true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-filterable]").forEach(function (scope) {
      var tools = scope.querySelector(".reader-tools");
      if (tools) { tools.hidden = false; }
      setupExpandAll(scope);
      setupFilters(scope);
    });
    var intro = document.querySelector(".digest__intro");
    if (intro) { setupIntro(intro); }
  });
})();
