// Small behaviours shared by every page; htmx does the rest.
(function () {
  "use strict";
  function hideToasts(root) {
    root.querySelectorAll(".toast").forEach(function (toast) {
      setTimeout(function () { toast.classList.add("toast-hide"); }, 6000);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { hideToasts(document); });
  // Server-side toasts sent with HX-Trigger: {"toast": {"message": "...", "level": "success"}}
  document.body && document.body.addEventListener("toast", function (event) {
    var box = document.getElementById("toasts");
    if (!box || !event.detail) return;
    var div = document.createElement("div");
    div.className = "toast toast-" + (event.detail.level || "info");
    div.setAttribute("role", "status");
    div.textContent = event.detail.message;
    box.appendChild(div);
    hideToasts(box);
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
  // Close the user menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.usermenu[open], details.dropdown[open]").forEach(function (d) {
      if (!d.contains(event.target)) d.removeAttribute("open");
    });
  });
})();
