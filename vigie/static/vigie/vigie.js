/* Vigie — the header's menu stays on one row (docs/design.md, "Header").
 *
 * The entries that do not fit move, from the last, into the "Plus" drop-down; they come back
 * when the window widens. Without this script the row scrolls sideways inside itself (never the
 * page). No inline script (CSP): loaded with defer from base.html.
 */
(function () {
  "use strict";

  function fit() {
    var list = document.querySelector(".mainnav-list");
    var more = document.querySelector(".mainnav-more");
    if (!list || !more) return;
    var overflow = more.querySelector(".mainnav-overflow");
    while (overflow.firstElementChild) list.appendChild(overflow.firstElementChild);
    more.hidden = true;
    if (list.scrollWidth <= list.clientWidth + 1) return;
    more.hidden = false; // the "Plus" button takes room too: measure with it shown
    while (list.children.length > 1 && list.scrollWidth > list.clientWidth + 1) {
      overflow.insertBefore(list.lastElementChild, overflow.firstElementChild);
    }
    more.classList.toggle("current", !!overflow.querySelector("[aria-current]"));
  }

  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      fit();
    });
  });
  document.addEventListener("DOMContentLoaded", fit);
  if (document.readyState !== "loading") fit();

  // A drop-down closes on a click elsewhere or on Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.mainnav-more[open]").forEach(function (d) {
      if (!d.contains(event.target)) d.open = false;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.mainnav-more[open]").forEach(function (d) {
      d.open = false;
      d.querySelector("summary").focus();
    });
  });
})();
