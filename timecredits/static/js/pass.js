/* The member's pass (activities/pass.html): a new code every 30 seconds, fetched as JSON from
 * the page's data-code-url, with a countdown. Refresh fetches one at once. Without a connection
 * the phone's code soon stops working, so the page shows the member card's code instead (kept
 * in a <template>) and says so; when the connection returns, the live code comes back.
 * Without JavaScript the page shows one code and Refresh reloads the page. */
(function () {
  "use strict";
  var pass = document.querySelector("[data-pass]");
  if (!pass) return;
  var qr = pass.querySelector("[data-pass-qr]");
  var countdown = pass.querySelector("[data-countdown]");
  var seconds = pass.querySelector("[data-seconds]");
  var offlineCopy = pass.querySelector("[data-offline-copy]");
  var offlineLive = pass.querySelector("[data-offline-live]");
  var cardCode = pass.querySelector("template[data-card-qr]");
  var refreshButton = pass.querySelector("[data-refresh]");
  var liveHint = pass.querySelector("[data-live-hint]");
  var codeUrl = pass.getAttribute("data-code-url");
  var passLabel = qr.getAttribute("aria-label");
  var deadline = Date.now() + (parseInt(pass.getAttribute("data-seconds-left"), 10) || 0) * 1000;
  var busy = false;
  var showingCard = false;
  var retryAt = 0;
  var RETRY_MS = 15000;
  // A connection that hangs (signal bars, no data) is a lost one: the card's code after this long.
  var FETCH_MS = 8000;

  function showCard() {
    if (showingCard) return;
    showingCard = true;
    qr.replaceChildren(cardCode.content.cloneNode(true));
    qr.setAttribute("aria-label", qr.getAttribute("data-card-label"));
    countdown.hidden = true;
    liveHint.hidden = true;
  }

  function showCode(svg, secondsLeft) {
    qr.innerHTML = svg;
    qr.setAttribute("aria-label", passLabel);
    showingCard = false;
    offlineLive.hidden = true;
    deadline = Date.now() + secondsLeft * 1000;
    countdown.hidden = false;
    liveHint.hidden = false;
    draw();
  }

  function draw() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    seconds.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
  }

  function wentOffline() {
    offlineLive.hidden = false;
    showCard();
    retryAt = Date.now() + RETRY_MS;
  }

  function refresh() {
    if (busy) return;
    if (!navigator.onLine) {
      wentOffline();
      return;
    }
    busy = true;
    window.liveCode(codeUrl, FETCH_MS)
      .then(function (code) {
        if (code) showCode(code.qr, code.seconds_left);
      })
      .catch(wentOffline)
      .finally(function () {
        busy = false;
      });
  }

  function tick() {
    if (document.visibilityState !== "visible") return;
    if (showingCard) {
      if (navigator.onLine && Date.now() >= retryAt) refresh();
      return;
    }
    if (Date.now() >= deadline) refresh();
    else draw();
  }

  // An offline copy served by the service worker: the card's code, until the connection returns.
  if (!offlineCopy.hidden) {
    showCard();
    window.addEventListener("online", function () { window.location.reload(); });
    return;
  }

  countdown.hidden = false;
  draw();
  window.setInterval(tick, 1000);
  window.addEventListener("online", refresh);
  window.addEventListener("offline", wentOffline);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && (showingCard || Date.now() >= deadline)) refresh();
  });
  refreshButton.addEventListener("click", function (event) {
    event.preventDefault();
    refresh();
  });
})();
