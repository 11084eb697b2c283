/* Vigie — food aid: a button with data-print prints the page (no inline script: CSP). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
