// Small behaviours shared by every page; htmx does the rest.
(function () {
  "use strict";
  function hideToasts(root) {
    root.querySelectorAll(".toast").forEach(function (toast) {
      setTimeout(function () { toast.classList.add("toast-hide"); }, 6000);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { hideToasts(document); });
  // List filters (<details class="filter-drawer">) are closed in the HTML so that a phone
  // sees the list first; a wide screen shows them through CSS (::details-content). Where
  // that selector is unknown, open them here on a wide screen.
  document.addEventListener("DOMContentLoaded", function () {
    var modern = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    if (modern || !window.matchMedia("(min-width: 901px)").matches) return;
    document.querySelectorAll("details.filter-drawer").forEach(function (d) { d.open = true; });
  });
  // Escape closes an open disclosure menu and gives the focus back to its summary.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.usermenu[open], details.dropdown[open]").forEach(function (d) {
      d.removeAttribute("open");
      var summary = d.querySelector("summary");
      if (summary && d.contains(document.activeElement)) summary.focus();
    });
  });
  // <select data-autosubmit> / <input data-autosubmit>: a change submits the form (the
  // page keeps a <noscript> button). Listeners here, never on*= attributes: the
  // Content-Security-Policy forbids inline code.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.hasAttribute || !field.hasAttribute("data-autosubmit") || !field.form) return;
    field.form.submit();
  });
  // Inside [data-drop-empty-params], htmx GET requests leave out the empty fields (a
  // short URL in the address bar).
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (event.detail.verb !== "get" || !elt || !elt.closest || !elt.closest("[data-drop-empty-params]")) return;
    var data = event.detail.formData;
    Array.from(new Set(data.keys())).forEach(function (key) {
      if (data.getAll(key).every(function (value) { return value === ""; })) data.delete(key);
    });
  });
  // A 400 answer aimed at a [data-swap-on-400] target is a form with its errors: show it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 400 && target && target.hasAttribute("data-swap-on-400")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // [data-dialog-open="<id>"] opens the <dialog> of that id as a modal (the e-payment
  // transactions of an order); a <form method="dialog"> inside closes it, no script needed.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest("[data-dialog-open]");
    if (!opener) return;
    var dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
    if (dialog && dialog.showModal && !dialog.open) dialog.showModal();
  });
  // Close the user menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.usermenu[open], details.dropdown[open]").forEach(function (d) {
      if (!d.contains(event.target)) d.removeAttribute("open");
    });
  });
})();
