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
// Assessments: the "reason it does not apply" field is shown only with "not applicable"
// (or when it already holds text), and after "save and next" (or a link to one question,
// #r-N) the keyboard focus starts on that question's first field.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".na-reason[data-na-for]").forEach(function (box) {
    var status = document.getElementById(box.getAttribute("data-na-for"));
    var input = box.querySelector("input");
    if (!status || !input) { return; }
    var update = function () { box.hidden = status.value !== "not_applicable" && input.value.trim() === ""; };
    status.addEventListener("change", update);
    update();
  });
});
// After the page has loaded and the browser has scrolled to the fragment (which resets the focus).
function focusQuestion() {
  var m = /^#r-(\d+)$/.exec(window.location.hash);
  var section = m && document.getElementById("r-" + m[1]);
  if (!section) { return; }
  var field = section.querySelector("fieldset:not([disabled]) select, fieldset:not([disabled]) input:not([type=hidden]), fieldset:not([disabled]) textarea");
  if (field) { field.focus(); }
}
window.addEventListener("load", function () { window.setTimeout(focusQuestion, 0); });
window.addEventListener("hashchange", focusQuestion);
