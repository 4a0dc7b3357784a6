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
})();
