/* Vigie — irreversible actions ask first (templates/includes/confirm_button.html).
 *
 * A button with data-confirm="<dialog id>" opens that dialog instead of posting; the dialog's
 * own submit button posts the form with confirmed=1. Without this script the button posts
 * unconfirmed and the server answers a confirmation page: the server never acts unconfirmed.
 * No inline script (CSP): loaded with defer from base.html.
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-confirm]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-confirm"));
      if (!dialog || typeof dialog.showModal !== "function") return; // old browser: server page
      event.preventDefault();
      var form = opener.form;
      // Check the form's own fields (e.g. the reason for a cancellation) before asking.
      if (form && !form.reportValidity()) return;
      dialog.showModal();
      return;
    }
    var closer = event.target.closest("[data-confirm-close]");
    if (closer) {
      var open = closer.closest("dialog");
      if (open) open.close();
    }
  });
})();
