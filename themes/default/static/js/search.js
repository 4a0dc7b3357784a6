// Starts Pagefind's search UI; the index is built next to the site by `digest build`.
(function () {
  "use strict";
  var element = document.getElementById("search");
  if (!element || typeof window.PagefindUI !== "function") { return; }
  // one Pagefind bundle per shard of the archive, searched together
  // the paths are relative to this page; Pagefind resolves relative paths against its own
  // script instead, so make them absolute
  var bundles = (element.getAttribute("data-bundles") || "").split(" ").filter(Boolean).map(function (path) {
    return new URL(path, document.baseURI).pathname;
  });
  if (!bundles.length) { return; }
  new window.PagefindUI({
    element: "#search",
    bundlePath: bundles[0],
    mergeIndex: bundles.slice(1).map(function (path) { return { bundlePath: path }; }),
    showSubResults: false,
    showImages: false,
    resetStyles: false
  });
  // Pagefind's input has a placeholder but no label; give it one for screen readers.
  function label() {
    var input = element.querySelector("input[type=text], input[type=search], input:not([type])");
    if (input && !input.hasAttribute("aria-label")) { input.setAttribute("aria-label", "Search papers"); return true; }
    return !!input;
  }
  if (!label()) {
    var observer = new MutationObserver(function () { if (label()) { observer.disconnect(); } });
    observer.observe(element, { childList: true, subtree: true });
  }
})();
