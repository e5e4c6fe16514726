/* Scans kept on the phone while there is no signal, sent when it is back.
 *
 * A scan is {kind: "checkin" | "pass-checkin", token | pass_token, session_id, scanned_at, key}:
 * the time it was scanned and an idempotency key made here, so the server judges the code as it
 * was when scanned and a scan sent twice (two tabs, a retry) is still one check-in. It is sent
 * saying how long ago it was made (scanned_seconds_ago, by the phone's own count), which the
 * server turns into a moment by its own clock: a phone whose clock is a minute out has nothing
 * refused for it, whether a scan goes at once or later. Scans wait in localStorage. Each is sent on page load and whenever the browser says it is online
 * again; it goes when the server answers 200/201 (done) or 4xx (refused: the message is shown),
 * and stays on a network error, a 5xx, a 401 (signed out: it is sent after signing in), or an
 * answer that nothing was done and to try again (408, 429, 409 busy), which is tried again when
 * the server says or in a few seconds.
 *
 * A phone may be shared: each scan keeps the mark of whoever made it (`owner`, the page's
 * data-owner, timecredits/pwa/owner.py) and is counted and sent only on their pages, so it never
 * checks in or is refused as the next person to sign in. It is sent saying whose it is
 * (Signed-In-As), and the server answers 401 to anyone else: a tab left open from before someone
 * else signed in on the phone cannot send it with their cookie. A scan without a mark is dropped.
 *
 * Words come from the page: an element [data-offline-queue] carries them as data-msg-* attributes
 * (translated by the template), and [data-offline-count] elements show how many scans wait.
 * templates/ui/offline_queue.html is that element with the script, for the page shell, so that
 * every page sends what waits; the scanner component carries its own.
 */
(function () {
  "use strict";

  if (window.TimeCreditsQueue) {
    return; // loaded twice (the page shell and a scanner): one queue, one flush
  }
  var STORE = "timecredits.offline-scans.v1";
  var AGAIN_MS = 5000;
  // A send that failed while the browser says it is online (signal bars, no data) is tried
  // again this much later; offline, the browser's "online" event sends it.
  var NO_ANSWER_AGAIN_MS = 30000;
  var MOST_MS = 10 * 60 * 1000;
  var sending = false;
  var asked = false; // a flush asked for that could not send everything: run it again after
  var again = null;
  var inFlight = {}; // the keys of scans being sent now, which a flush leaves to that send

  function words() {
    var holder = document.querySelector("[data-offline-queue]");
    return holder ? holder.dataset : {};
  }

  /* Whom this page was drawn for; empty when no one is signed in. */
  function owner() {
    var holder = document.querySelector("[data-offline-queue][data-owner]");
    return holder ? holder.dataset.owner : "";
  }

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return values[name] === undefined || values[name] === null ? "" : String(values[name]);
    });
  }

  function load() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(STORE) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (unreadable) {
      return [];
    }
  }

  function save(items) {
    var marked = items.filter(function (item) { return item.owner; });
    window.localStorage.setItem(STORE, JSON.stringify(marked));
    showCount();
  }

  /* The scans of whoever is signed in, oldest first. */
  function mine() {
    var who = owner();
    return who ? load().filter(function (item) { return item.owner === who; }) : [];
  }

  function remove(key) {
    save(load().filter(function (item) { return item.key !== key; }));
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    // crypto.randomUUID needs a secure context; plain http on a LAN address still gets a v4 UUID.
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  /* The cookie first: a page the service worker kept may carry a token from before the member
   * last signed in, which the server would refuse (and the scan would be dropped as refused). */
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      return meta.content;
    }
    var field = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return field ? field.value : "";
  }

  /* One live region speaks: the first on the page (a scanner's, above the page shell's). */
  function announce(text, tone) {
    var region = document.querySelector("[data-offline-status]");
    if (region) {
      region.textContent = text;
      region.className = text ? "notice " + (tone || "info") : "";
    }
  }

  function showCount() {
    var waiting = mine().length;
    var shown = document.querySelector("[data-offline-count]");
    if (shown) {
      shown.textContent = waiting ? fill(words().msgWaiting, { count: waiting }) : "";
      shown.hidden = !waiting;
    }
  }

  function request(item) {
    var url;
    var ago = Math.round((Date.now() - Date.parse(item.scanned_at)) / 1000);
    var body = { scanned_seconds_ago: Math.max(0, ago || 0) };
    if (item.kind === "pass-checkin") {
      url = "/api/v1/sessions/" + encodeURIComponent(item.session_id) + "/pass-checkins";
      body.pass_token = item.pass_token;
    } else {
      url = "/api/v1/checkins";
      body.token = item.token;
    }
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "Idempotency-Key": item.key,
        "Signed-In-As": item.owner,
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(body),
    });
  }

  /* Whether an answer says nothing was done and to send it again: how long to wait, or 0. */
  function tryAgainIn(status, data) {
    var error = (data && data.error) || {};
    if (status === 408 || status === 429 || (status === 409 && error.code === "busy")) {
      var seconds = error.detail && error.detail.retry_after;
      return seconds > 0 ? Math.min(seconds * 1000, MOST_MS) : AGAIN_MS;
    }
    return 0;
  }

  /* Send one scan. Resolves to {outcome: "done" | "refused" | "kept", status, data, wait}: "kept"
   * means it is (still) waiting in the queue, and `wait` how long before it is worth sending
   * again, where the server said to try again (a flush is set for then). */
  function send(item) {
    inFlight[item.key] = true;
    return request(item).then(
      function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          var status = response.status;
          if (status === 200 || status === 201) {
            remove(item.key);
            return { outcome: "done", status: status, data: data, item: item };
          }
          var wait = tryAgainIn(status, data);
          if (status >= 400 && status < 500 && status !== 401 && !wait) {
            remove(item.key);
            return { outcome: "refused", status: status, data: data, item: item };
          }
          return { outcome: "kept", status: status, data: data, item: item, wait: wait };
        });
      },
      function () {
        var wait = navigator.onLine === false ? 0 : NO_ANSWER_AGAIN_MS;
        return { outcome: "kept", status: 0, data: null, item: item, wait: wait };
      }
    ).then(function (result) {
      delete inFlight[item.key];
      if (result.outcome === "kept") {
        later(result.wait);
      }
      settle();
      return result;
    });
  }

  /* The API's one error shape is {"error": {"code", "message", "detail"}}. */
  function reasonOf(data) {
    return (data && data.error && data.error.message) || "";
  }

  function report(result) {
    var msg = words();
    var when = new Date(result.item.scanned_at).toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" });
    if (result.outcome === "done") {
      announce(fill(msg.msgSent, { activity: (result.data && result.data.activity) || "", time: when }), "success");
    } else if (result.outcome === "kept" && result.status === 401) {
      announce(msg.msgSignIn, "warning");
    } else if (result.outcome === "refused") {
      var reason = reasonOf(result.data) || msg.msgRefusedUnknown || "";
      announce(fill(msg.msgRefused, { reason: reason, time: when }), "error");
    }
    document.dispatchEvent(new CustomEvent("offline-queue:result", { detail: result }));
  }

  /* Send what waits again in `wait` ms, where an answer said to try again (once, however many
   * said so). */
  function later(wait) {
    if (wait && !again) {
      again = window.setTimeout(function () {
        again = null;
        flush();
      }, wait);
    }
  }

  /* A flush asked for that could not send everything (one was running, or a scan was being sent
   * on its own): run it once nothing is being sent, unless a retry the server asked for is set,
   * which will. */
  function settle() {
    if (!asked || sending || Object.keys(inFlight).length) {
      return;
    }
    asked = false;
    if (!again) {
      flush();
    }
  }

  /* Send whatever waits, one at a time and oldest first; a network error stops the round. */
  function flush() {
    if (sending) {
      asked = true;
      return Promise.resolve();
    }
    var waiting = mine();
    var items = waiting.filter(function (item) { return !inFlight[item.key]; });
    if (items.length < waiting.length) {
      asked = true; // the scans being sent on their own: looked at again once they are answered
    }
    if (!items.length) {
      showCount();
      return Promise.resolve();
    }
    sending = true;
    function next(index) {
      if (index >= items.length) {
        return Promise.resolve();
      }
      return send(items[index]).then(function (result) {
        report(result);
        if (result.outcome === "kept") {
          return undefined;
        }
        return next(index + 1);
      });
    }
    function done() {
      sending = false;
      showCount();
      settle();
    }
    return next(0).then(done, done);
  }

  function made(fields) {
    return Object.assign({ scanned_at: new Date().toISOString(), key: newKey(), owner: owner() }, fields);
  }

  /* A new scan to send: kept first, so a page that closes or a fetch that hangs loses nothing,
   * then sent at once when the browser thinks it is online. */
  function submit(fields) {
    var item = made(fields);
    save(load().concat([item]));
    if (navigator.onLine === false) {
      announce(words().msgSaved, "info");
      return Promise.resolve({ outcome: "kept", status: 0, data: null, item: item });
    }
    return send(item).then(function (result) {
      if (result.outcome === "kept") {
        announce(words().msgSaved, "info");
      }
      return result;
    });
  }

  /* Keep a scan without trying to send it (the caller found the network down). */
  function keep(fields) {
    var item = made(fields);
    save(load().concat([item]));
    announce(words().msgSaved, "info");
    return item;
  }

  window.TimeCreditsQueue = {
    submit: submit,
    keep: keep,
    flush: flush,
    waiting: function () { return mine().length; },
    csrfToken: csrfToken,
    reasonOf: reasonOf,
  };

  window.addEventListener("online", flush);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", flush);
  } else {
    flush();
  }
})();
