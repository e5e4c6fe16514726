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
