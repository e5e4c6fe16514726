/* The door screen (activities/kiosk.html): a new check-in code every 30 seconds, through
 * js/live-code.js, so the page is never reloaded on a timer. Without a connection it says so
 * (the code on screen still works for a minute) and tries again every 5 seconds. */
(function () {
  "use strict";
  var kiosk = document.querySelector("[data-kiosk]");
  if (!kiosk) return;
  var qr = kiosk.querySelector("[data-kiosk-qr]");
  var status = kiosk.querySelector("[data-kiosk-status]");
  var offline = kiosk.querySelector("template[data-msg-offline]").content.textContent;

  window.liveCode(kiosk, {
    hangMs: 8000,
    retryMs: 5000,
    show: function (code) {
      qr.innerHTML = code.qr;
      status.textContent = "";
    },
    lost: function () {
      status.textContent = offline;
    },
  });
})();
