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
