// Lead statistics (L-5): source categories unfold into their sources. Without
// JavaScript every source row shows; with it, the categories start folded and their
// button (aria-expanded, aria-controls) unfolds them. No inline code: CSP.
(function () {
  "use strict";
  function setExpanded(button, expanded) {
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
    var group = button.closest(".stats-category");
    if (group) group.classList.toggle("is-collapsed", !expanded);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".stats-category .unfold").forEach(function (button) {
      setExpanded(button, false);
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".stats-category .unfold");
    if (!button) return;
    setExpanded(button, button.getAttribute("aria-expanded") !== "true");
  });
})();
