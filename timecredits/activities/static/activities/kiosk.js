/* The door screen (activities/kiosk.html): a new check-in code every 30 seconds, fetched as JSON
 * from the page's data-code-url, so the page is never reloaded on a timer. "Show a new code"
 * fetches one at once; without JavaScript it is a link that loads the page, and its new code. */
(function () {
  "use strict";
  var kiosk = document.querySelector("[data-kiosk]");
  if (!kiosk) return;
  var qr = kiosk.querySelector("[data-kiosk-qr]");
  var status = kiosk.querySelector("[data-kiosk-status]");
  var offline = kiosk.querySelector("template[data-msg-offline]").content.textContent;
  var codeUrl = kiosk.getAttribute("data-code-url");
  var RETRY_MS = 5000;
  // A connection that hangs is a lost one: say so and try again after this long.
  var FETCH_MS = 8000;
  var deadline = Date.now() + (parseInt(kiosk.getAttribute("data-seconds-left"), 10) || 30) * 1000;
  var busy = false;

  function refresh() {
    if (busy) return;
    busy = true;
    window.liveCode(codeUrl, FETCH_MS)
      .then(function (code) {
        if (!code) return;
        qr.innerHTML = code.qr;
        status.textContent = "";
        deadline = Date.now() + code.seconds_left * 1000;
      })
      .catch(function () {
        status.textContent = offline;
        deadline = Date.now() + RETRY_MS;
      })
      .finally(function () {
        busy = false;
      });
  }

  window.setInterval(function () {
    if (Date.now() >= deadline) refresh();
  }, 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && Date.now() >= deadline) refresh();
  });
  kiosk.querySelector("[data-kiosk-refresh]").addEventListener("click", function (event) {
    event.preventDefault();
    refresh();
  });
})();
