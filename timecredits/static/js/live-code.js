/* A rotating QR code's one fetch, shared by the member's pass (pass.js) and the door screen
 * (activities/kiosk.js): liveCode(url, hangMs) asks the page's data-code-url for the current code
 * as JSON ({qr, seconds_left}). It resolves with the code; with null when the page itself has
 * something to say instead (signed out, or the pass or session gone: it reloads the page); and
 * rejects when the connection is lost, answers an error or hangs for hangMs (signal bars, no
 * data), so the caller can say so and try again rather than wait on it for minutes. */
(function () {
  "use strict";
  window.liveCode = function (url, hangMs) {
    var stop = new AbortController();
    var hung = window.setTimeout(function () { stop.abort(); }, hangMs);
    return fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
      signal: stop.signal,
    })
      .then(function (response) {
        if (response.redirected || response.status === 404) {
          window.location.reload();
          return null;
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .finally(function () {
        window.clearTimeout(hung);
      });
  };
})();
