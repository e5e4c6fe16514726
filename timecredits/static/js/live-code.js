/* A QR code that changes every few seconds, kept fresh without reloading the page: the member's
 * pass (js/pass.js) and the door screen (activities/kiosk.js).
 *
 * liveCode(selector, setup) finds the page's root (none: nothing to do) and calls setup(root),
 * which finds the page's parts and returns how it shows a code (or nothing, to leave the code
 * alone). It reads root's data-code-url (which answers JSON: {qr, seconds_left}) and
 * data-seconds-left (what the code the page came with has left). It asks for the next code when
 * the one shown runs out; when the page is seen again after that, or after the connection was
 * lost; when the connection returns; and when root's [data-refresh] link is pressed (without
 * JavaScript that link loads the page, and its new code).
 *
 * page.show(code) puts a new code up. page.lost() says the connection is gone: offline, an
 * answer that is an error, or a request that hangs for page.hangMs (signal bars, no data), rather
 * than waiting on it while the code on screen runs out; the next try is page.retryMs later.
 * page.tick(msLeft), if given, runs at once and every second the page is seen with a code up.
 * A redirect, or an answer that the code is not to be had (403, 404, 409), reloads the page,
 * which then says why: signed out, the role or the pass gone, the session cancelled. */
(function () {
  "use strict";
  var RELOAD = [403, 404, 409];

  function fetchCode(url, hangMs) {
    var stop = new AbortController();
    var hung = window.setTimeout(function () { stop.abort(); }, hangMs);
    return fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
      signal: stop.signal,
    })
      .then(function (response) {
        if (response.redirected || RELOAD.indexOf(response.status) !== -1) {
          window.location.reload();
          return null;
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .finally(function () {
        window.clearTimeout(hung);
      });
  }

  window.liveCode = function (selector, setup) {
    var root = document.querySelector(selector);
    var page = root && setup(root);
    if (!page) return;
    var url = root.getAttribute("data-code-url");
    var due = Date.now() + (parseInt(root.getAttribute("data-seconds-left"), 10) || 0) * 1000;
    var busy = false;
    var lost = false;
    var tick = page.tick || function () {};

    function wentOffline() {
      lost = true;
      due = Date.now() + page.retryMs;
      page.lost();
    }

    function refresh() {
      if (busy) return;
      busy = true;
      // Asked even when the browser says it is offline (some say so wrongly; with no connection
      // the fetch fails at once); a browser that cannot start it counts as a failure too, so
      // nothing is left busy for good.
      new Promise(function (resolve) {
        resolve(fetchCode(url, page.hangMs));
      })
        .then(function (code) {
          if (!code) return;
          lost = false;
          due = Date.now() + code.seconds_left * 1000;
          page.show(code);
          tick(due - Date.now());
        })
        .catch(wentOffline)
        .finally(function () {
          busy = false;
        });
    }

    tick(due - Date.now());
    window.setInterval(function () {
      if (document.visibilityState !== "visible") return;
      if (Date.now() >= due) refresh();
      else if (!lost) tick(due - Date.now());
    }, 1000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && (lost || Date.now() >= due)) refresh();
    });
    window.addEventListener("online", refresh);
    window.addEventListener("offline", wentOffline);
    root.querySelector("[data-refresh]").addEventListener("click", function (event) {
      event.preventDefault();
      refresh();
    });
  };
})();
