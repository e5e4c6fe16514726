/* The member's pass (activities/pass.html): a new code every 30 seconds, through
 * js/live-code.js, with a countdown. Refresh fetches one at once. Without a connection the
 * phone's code soon stops working, so the page shows the member card's code instead (kept in a
 * <template>) and says so; when the connection returns, the live code comes back.
 * Without JavaScript the page shows one code and Refresh reloads the page. */
window.liveCode("[data-pass]", function (pass) {
  "use strict";
  var qr = pass.querySelector("[data-pass-qr]");
  var countdown = pass.querySelector("[data-countdown]");
  var seconds = pass.querySelector("[data-seconds]");
  var offlineCopy = pass.querySelector("[data-offline-copy]");
  var offlineLive = pass.querySelector("[data-offline-live]");
  var cardCode = pass.querySelector("template[data-card-qr]");
  var liveHint = pass.querySelector("[data-live-hint]");
  var passLabel = qr.getAttribute("aria-label");
  var showingCard = false;

  function showCard() {
    if (showingCard) return;
    showingCard = true;
    qr.replaceChildren(cardCode.content.cloneNode(true));
    qr.setAttribute("aria-label", qr.getAttribute("data-card-label"));
    countdown.hidden = true;
    liveHint.hidden = true;
  }

  // An offline copy served by the service worker: the card's code, until the connection returns.
  if (!offlineCopy.hidden) {
    showCard();
    window.addEventListener("online", function () { window.location.reload(); });
    return null;
  }

  countdown.hidden = false;
  return {
    hangMs: 8000, // then the card's code, rather than a live one run out
    retryMs: 15000,
    show: function (code) {
      qr.innerHTML = code.qr;
      qr.setAttribute("aria-label", passLabel);
      showingCard = false;
      offlineLive.hidden = true;
      countdown.hidden = false;
      liveHint.hidden = false;
    },
    lost: function () {
      offlineLive.hidden = false;
      showCard();
    },
    tick: function (msLeft) {
      var left = Math.max(0, Math.ceil(msLeft / 1000));
      seconds.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    },
  };
});
