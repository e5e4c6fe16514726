/* The installable app: registers the service worker (/sw.js, timecredits/pwa/sw.js), which keeps
 * the app shell and the member's pass and card for when there is no signal. Pages work the same
 * without it. */
"use strict";

if ("serviceWorker" in navigator && navigator.onLine) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      /* A browser that refuses (private mode, no HTTPS) simply has no offline copies. */
    });
  });
}

/* A form sent back with errors: its summary of them (at the top of the form) is where the eye
 * and the screen reader go first, even when the form is far down a long page on a phone. A row's
 * own refusal (the verification queue's "Change hours or reject") is focused the same way, so a
 * refusal far down the queue is scrolled to rather than left out of sight; then a refusal said
 * in a notice (data-focus: the till's, a message above the page), then the first wrong field. */
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary") ||
    document.querySelector('.field-error[role="alert"][tabindex="-1"]') ||
    document.querySelector("[data-focus]") ||
    document.querySelector('main [aria-invalid="true"]');
  if (summary) summary.focus();
});

/* Switching language reloads the page: what was typed in its forms so far (not a password, not
 * a form's hidden fields) is kept for this tab in sessionStorage and typed back into the page
 * in the other language, once: only for the same person (a switch that failed offline must not
 * fill the next person's form on a shared phone) and only within a minute. */
(function () {
  var KEY = "typed:" + window.location.pathname;
  var FRESH_MS = 60000;
  var FIELDS = "main form input:not([type=hidden]):not([type=password]):not([type=submit]):not([type=file]), main form textarea, main form select";

  function fields() {
    return Array.prototype.slice.call(document.querySelectorAll(FIELDS));
  }

  /* Whom the page was drawn for (timecredits/pwa/owner.py); empty when no one is signed in. */
  function owner() {
    var holder = document.querySelector("[data-owner]");
    return holder ? holder.dataset.owner : "";
  }

  function keyOf(field, index) {
    return index + ":" + (field.name || field.id);
  }

  document.addEventListener("submit", function (event) {
    if (!event.target.classList || !event.target.classList.contains("language-switch")) return;
    var typed = {};
    fields().forEach(function (field, index) {
      var checkable = field.type === "checkbox" || field.type === "radio";
      if (checkable ? field.checked !== field.defaultChecked : field.value !== field.defaultValue) {
        typed[keyOf(field, index)] = checkable ? field.checked : field.value;
      }
    });
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify({ owner: owner(), at: Date.now(), typed: typed }));
    } catch (e) { /* storage refused (private mode): the page reloads as before */ }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    var kept;
    try {
      kept = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
      window.sessionStorage.removeItem(KEY);
    } catch (e) { return; }
    if (!kept || kept.owner !== owner() || !(Date.now() - kept.at < FRESH_MS)) return;
    var typed = kept.typed || {};
    fields().forEach(function (field, index) {
      var value = typed[keyOf(field, index)];
      if (value === undefined) return;
      if (field.type === "checkbox" || field.type === "radio") field.checked = value;
      else field.value = value;
    });
  });
})();

/* A form sent twice (a double tap on a slow phone) is sent once: a second send of the same form
 * while the first is on its way is dropped, so no one is told "already registered" or "already
 * decided" about what they have just done. Back to the page (bfcache) lets it be sent again. */
(function () {
  var WAIT_MS = 10000;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (Date.now() - Number(form.getAttribute("data-sent-at") || 0) < WAIT_MS) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent-at", String(Date.now()));
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent-at]").forEach(function (form) {
      form.removeAttribute("data-sent-at");
    });
  });
})();
