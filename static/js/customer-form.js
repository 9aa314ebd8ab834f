// Customer form: show the fields of the chosen kind of customer (private person or
// company). Without JavaScript every field stays in the form.
(function () {
  "use strict";
  function sync() {
    var checked = document.querySelector('input[name="kind"]:checked');
    var kind = checked ? checked.value : "particulier";
    document.querySelectorAll("[data-kind]").forEach(function (el) { el.hidden = el.dataset.kind !== kind; });
  }
  function init() {
    document.querySelectorAll('input[name="kind"]').forEach(function (el) { el.addEventListener("change", sync); });
    sync();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
