// mamori progressive enhancement. Everything works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Bar lengths come from data attributes, because inline style attributes are blocked by the CSP.
  document.querySelectorAll(".bar .fill span").forEach(function (el) {
    var pct = parseInt(el.parentElement.getAttribute("data-pct") || "0", 10);
    el.style.width = Math.max(4, Math.min(100, pct)) + "%";
  });
});
// htmx requests carry the page's CSRF token in a header.
document.addEventListener("htmx:configRequest", function (evt) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { evt.detail.headers["X-CSRF-Token"] = meta.getAttribute("content"); }
});
