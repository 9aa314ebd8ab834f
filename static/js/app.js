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
  // Close the user menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.usermenu[open], details.dropdown[open]").forEach(function (d) {
      if (!d.contains(event.target)) d.removeAttribute("open");
    });
  });
})();
