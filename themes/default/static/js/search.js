// Starts Pagefind's search UI; the index is built next to the site by `digest build`.
(function () {
  "use strict";
  var element = document.getElementById("search");
  if (!element || typeof window.PagefindUI !== "function") { return; }
  new window.PagefindUI({
    element: "#search",
    bundlePath: element.getAttribute("data-bundle"),
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
