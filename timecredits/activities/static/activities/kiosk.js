/* The door screen (activities/kiosk.html): a new check-in code every 30 seconds, through
 * js/live-code.js, so the page is never reloaded on a timer. Without a connection it says so
 * (the code on screen still works for a minute) and tries again every 5 seconds. */
window.liveCode("[data-kiosk]", function (kiosk) {
  "use strict";
  var qr = kiosk.querySelector("[data-kiosk-qr]");
  var status = kiosk.querySelector("[data-kiosk-status]");
  var offline = kiosk.querySelector("template[data-msg-offline]").content.textContent;

  return {
    hangMs: 8000,
    retryMs: 5000,
    show: function (code) {
      qr.innerHTML = code.qr;
      status.textContent = "";
    },
    lost: function () {
      status.textContent = offline;
    },
  };
});
