/* Vigie — the caller console, keyboard first. No inline script (CSP): loaded with defer.
 *
 * J or Space: next call · R S P M L F X C: what happened · 1…9, 0: toggle a need ·
 * N: write a note · Enter: save (Ctrl+Enter also from a text field) · Escape: leave a field.
 * Shortcuts never fire while typing in a text field, except Ctrl+Enter. The single-key ones
 * (letters, digits, Space) can be switched off in the caller's settings (WCAG 2.1.4):
 * #console[data-shortcuts=off]; Enter, Ctrl+Enter and Escape then stay.
 */
(function () {
  "use strict";

  var NON_TEXT_INPUTS = ["radio", "checkbox", "button", "submit", "reset"];

  function isTyping(el) {
    if (!el) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag === "INPUT") return NON_TEXT_INPUTS.indexOf((el.type || "").toLowerCase()) === -1;
    return false;
  }

  function callForm() { return document.getElementById("call-form"); }
  function singleKeys() {
    var root = document.getElementById("console");
    return !root || root.dataset.shortcuts !== "off";
  }
  function nextButton() { return document.getElementById("next-call"); }

  function check(input) {
    if (!input) return;
    input.checked = true;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function hasNeeds(form) {
    return form.querySelector("input[name=needs]:checked") !== null;
  }

  // A need raised while "reassuring" is chosen makes the call a follow-up (the service agrees).
  function reconcile(form) {
    var chosen = form.querySelector("input[name=call]:checked");
    if (chosen && chosen.value === "reassuring" && hasNeeds(form)) {
      check(form.querySelector("input[name=call][value=follow_up]"));
    }
  }

  function focusCall() {
    var form = callForm();
    if (form) {
      var first = form.querySelector(".first-answer") || form.querySelector(".first-outcome");
      if (first) first.focus();
      return;
    }
    var next = nextButton();
    if (next) next.focus();
  }

  function submit(form) {
    if (form.dataset.sending === "1") return;
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  }

  document.addEventListener("change", function (e) {
    var el = e.target;
    var form = callForm();
    if (!form || !form.contains(el)) return;
    if (el.dataset && el.dataset.need && el.checked) {
      check(form.querySelector("input[name=needs][value='" + el.dataset.need + "']"));
    }
    if (el.dataset && el.dataset.needOff && el.checked) {
      var box = form.querySelector("input[name=needs][value='" + el.dataset.needOff + "']");
      if (box && box.checked) { box.checked = false; }
    }
    if (el.name === "needs" || el.name === "call") reconcile(form);
  });

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.metaKey) return;
    var active = document.activeElement;
    var form = callForm();
    var typing = isTyping(active);

    if (e.key === "Enter" && e.ctrlKey) {
      if (form) { e.preventDefault(); submit(form); }
      return;
    }
    if (e.key === "Escape" && typing) {
      active.blur();
      focusCall();
      return;
    }
    if (typing || e.ctrlKey) return;

    var key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    // Single-key shortcuts switched off: only Enter (save) below still applies.
    if (e.key !== "Enter" && !singleKeys()) return;

    if (e.key === "Enter") {
      // On a button or a link, Enter does what it always does.
      if (active && (active.tagName === "BUTTON" || active.tagName === "A" || active.tagName === "SUMMARY")) return;
      // A field of another form (the console's settings): its own Enter.
      if (active && active.form && active.form !== form) return;
      if (form) { e.preventDefault(); submit(form); }
      else if (nextButton()) { e.preventDefault(); nextButton().click(); }
      return;
    }
    if (key === "j" || (key === " " && !(active && (active.tagName === "BUTTON" || active.tagName === "A" || active.tagName === "INPUT" || active.tagName === "SUMMARY")))) {
      if (!form && nextButton()) { e.preventDefault(); nextButton().click(); }
      return;
    }
    if (!form) return;
    if (key === "n") {
      var notes = document.getElementById("notes");
      if (notes) { e.preventDefault(); notes.focus(); }
      return;
    }
    var outcome = form.querySelector("input[name=call][data-key='" + key + "']");
    if (outcome) {
      e.preventDefault();
      check(outcome);
      if (key === "c") {
        var when = document.getElementById("callback_at");
        if (when) when.focus();
      } else {
        outcome.focus();
      }
      return;
    }
    if (/^[0-9]$/.test(key)) {
      var need = form.querySelector("input[name=needs][data-key='" + key + "']");
      if (need) {
        e.preventDefault();
        need.checked = !need.checked;
        need.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  });

  // htmx: no double post while one is on its way; focus where the hand is after each swap.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var f = callForm();
    if (f && f.contains(e.target)) f.dataset.sending = "1";
  });
  document.addEventListener("htmx:afterRequest", function () {
    var f = callForm();
    if (f) f.dataset.sending = "";
  });
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.target && e.target.id === "call") focusCall();
  });

  // Print buttons (no inline onclick under the CSP).
  document.addEventListener("click", function (e) {
    var t = e.target;
    if (t && t.classList && t.classList.contains("print-button")) window.print();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", focusCall);
  else focusCall();
})();
