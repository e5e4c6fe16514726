/* The service worker, served at /sw.js by timecredits/pwa/views.py, which puts `CONFIG` above
 * this file: the shell's version, its static URLs, the offline page and the manifest.
 *
 * Two caches. The shell (static files, the manifest, a signed-out offline page) is versioned:
 * a deploy that changes any file it holds installs a new worker, which drops the old shell.
 * The private cache holds a signed-in member's pages that must open without a signal (their
 * pass, their card, the scan page, an offline page with their links), fetched as soon as a page
 * for them arrives. Every page says whom it was drawn for (the `Signed-In-As` header, an opaque
 * mark, timecredits/pwa/owner.py), and the cache is kept for that one person: a page for anyone
 * else, or for no one (signed out here or everywhere, the session ran out, someone joined),
 * empties it, as do a sign-in or sign-out form sent and one of those pages no longer answering,
 * so the next person on this phone never sees it.
 *
 * Pages: network first, the cached copy when the network fails (marked as an offline copy), the
 * offline page when there is none. A check-in code the phone's camera app opened (/c/<token>)
 * with no signal, or none that answers, goes to the member's kept scan page, which keeps the scan
 * to send when the signal returns (js/scanner.js). A form sent with no signal: the offline page,
 * saying nothing was sent. Static files: cache first. Nothing else is cached: no POST, nothing under /api/ or
 * /admin/, no other page.
 */
"use strict";

const SHELL_CACHE = `tc-shell-${CONFIG.version}`;
const PRIVATE_CACHE = "tc-private";
const PRIVATE_PAGES = ["/me/pass/", "/me/card/", "/scan/"];
// Fetched for whoever signs in: their offline page (links to the others) and the private pages.
const PRIVATE_EXTRAS = [CONFIG.offline, ...PRIVATE_PAGES];
// Submitting any of these forms changes who is signed in on this phone.
const CHANGES_WHO = /^\/(sign-in|sign-out|join|admin\/login|admin\/logout|me\/sign-out-everywhere|me\/close)\/$/;
// Whom a page was drawn for, and the private cache's entry that says whom it holds pages for.
const OWNER_HEADER = "Signed-In-As";
const OWNER_KEY = "/.owner";
// How long a private page waits for a slow network before showing its cached copy.
const SLOW_NETWORK_MS = 5000;
// The offline copy of a page shows the element the template marks `data-offline-copy hidden`.
const OFFLINE_MARK = "data-offline-copy hidden";
// A check-in code's page, and the scan page that keeps one for later (the code's path after #keep=).
const CHECKIN_CODE = /^\/c\/[^/]+\/?$/;
const SCAN_PAGE = "/scan/";
// The offline page answering a form sent with no signal shows its "Nothing was sent".
const NOT_SENT_MARK = "data-not-sent hidden";

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.addAll(CONFIG.shell);
      // The shell's offline page and manifest are the signed-out ones: they outlive a sign-out.
      for (const url of [CONFIG.offline, CONFIG.manifest]) {
        const response = await fetch(url, { credentials: "omit" });
        await (response.ok ? cache.put(url, response) : discard(response));
      }
      // Whoever is signed in now gets their pages kept at once.
      const page = await fetch(CONFIG.offline, { credentials: "same-origin" }).catch(() => null);
      if (page) await followOwner(discard(page));
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("tc-shell-") && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
      await refreshPrivate();
    })()
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (request.mode === "navigate") {
      if (CHANGES_WHO.test(url.pathname)) event.waitUntil(forgetPrivate());
      // With no signal a form sent ended on the browser's own error page, in English, with
      // nothing to say whether it went: the offline page says it did not.
      event.respondWith(fetch(request).catch(notSent));
    }
    return;
  }
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/admin/")) return;
  if (url.pathname.startsWith(CONFIG.static_prefix)) {
    event.respondWith(cacheFirst(event));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(event, url));
  } else if (url.pathname === CONFIG.manifest) {
    event.respondWith(fetch(request).catch(() => cached(CONFIG.manifest)));
  }
});

async function cacheFirst(event) {
  const hit = await caches.match(event.request, { ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(event.request);
  if (response.ok && response.type === "basic") {
    const copy = response.clone();
    event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.put(event.request, copy)));
  }
  return response;
}

// Counts the times the private cache was emptied: a page fetched before someone signed in or out
// is not kept after it.
let forgotten = 0;

async function networkFirst(event, url) {
  const key = url.pathname;
  const keep = PRIVATE_PAGES.includes(key);
  const asked = forgotten;
  const network = fetch(event.request).then((response) => {
    const kept = keep ? response.clone() : null;
    event.waitUntil(
      followOwner(response, asked).then(
        (now) => kept && remember(key, kept, now),
        () => kept && discard(kept)
      )
    );
    return response;
  });
  event.waitUntil(network.catch(() => null));
  const copy = keep ? await cached(key) : null;
  const keepScan = CHECKIN_CODE.test(key) && (await scanPageKept());
  try {
    const waited = copy || keepScan ? Promise.race([network, delay(SLOW_NETWORK_MS)]) : network;
    const response = await waited;
    // Too slow, or the server failing: the copy serves better than a spinner or an error page.
    if (!response || (copy && response.status >= 500)) {
      network.then(discard, () => null);
      return copy ? offlineCopy(copy) : keptScan(key);
    }
    return response;
  } catch (offline) {
    if (copy) return offlineCopy(copy);
    if (keepScan) return keptScan(key);
    const fallback = await cached(CONFIG.offline);
    return fallback || Response.error();
  }
}

// A page drawn for someone other than the private cache's owner (or for no one) empties it, and
// the pages of whoever it was drawn for are fetched. Resolves to the count of times the cache was
// emptied, for storing that page with; a page asked for before the last emptying changes nothing.
async function followOwner(response, asked = forgotten) {
  const who = response.headers.get(OWNER_HEADER);
  if (who === null || asked !== forgotten || who === (await owner())) return asked;
  await forgetPrivate();
  const now = forgotten;
  if (who) {
    await caches.open(PRIVATE_CACHE).then((cache) => cache.put(OWNER_KEY, new Response(who)));
    await warmPrivate(now);
  }
  return now;
}

// Whom the private cache holds pages for: empty when no one.
async function owner() {
  const kept = await caches.match(OWNER_KEY, { cacheName: PRIVATE_CACHE });
  return kept ? kept.text() : "";
}

// A private page is kept while it answers; once it refuses (a redirect to sign in, a 404 for
// someone who is not a member), whoever was signed in is not, and all of it goes. A server error
// changes nothing.
async function remember(key, response, asked = forgotten) {
  try {
    if (response.ok && response.type === "basic" && !response.redirected) {
      const cache = await caches.open(PRIVATE_CACHE);
      if (asked === forgotten) await cache.put(key, response);
    } else if (response.type === "opaqueredirect" || response.redirected || response.status < 500) {
      await forgetPrivate();
    }
  } finally {
    discard(response);
  }
}

async function warmPrivate(asked = forgotten) {
  const cache = await caches.open(PRIVATE_CACHE);
  const who = await owner();
  for (const url of PRIVATE_EXTRAS) {
    let response = null;
    try {
      response = await fetch(url, { credentials: "same-origin" });
      if (asked !== forgotten) return;
      const theirs = response.headers.get(OWNER_HEADER) === who;
      if (response.ok && !response.redirected && theirs) await cache.put(url, response);
      else await cache.delete(url);
    } catch (offline) {
      return;
    } finally {
      if (response) discard(response);
    }
  }
}

// After a deploy the cached pages name the old static files: fetch them again while online.
async function refreshPrivate() {
  const cache = await caches.open(PRIVATE_CACHE);
  for (const request of await cache.keys()) {
    const key = new URL(request.url).pathname;
    if (!PRIVATE_PAGES.includes(key)) continue;
    try {
      const asked = forgotten;
      await remember(key, await fetch(key, { credentials: "same-origin", redirect: "manual" }), asked);
    } catch (offline) {
      return;
    }
  }
}

async function forgetPrivate() {
  forgotten += 1;
  await caches.delete(PRIVATE_CACHE);
}

async function cached(key) {
  const mine = await caches.open(PRIVATE_CACHE).then((cache) => cache.match(key, { ignoreVary: true }));
  return mine || caches.match(key, { ignoreVary: true });
}

// Whether the private cache holds the member's scan page, which can keep a scan offline.
async function scanPageKept() {
  const cache = await caches.open(PRIVATE_CACHE);
  return Boolean(await cache.match(SCAN_PAGE, { ignoreVary: true }));
}

// To the scan page, carrying the check-in code's path for it to keep.
function keptScan(path) {
  return Response.redirect(`${self.location.origin}${SCAN_PAGE}#keep=${encodeURIComponent(path)}`, 303);
}

async function notSent() {
  const page = await cached(CONFIG.offline);
  if (!page) return Response.error();
  const html = (await page.text()).replace(NOT_SENT_MARK, "data-not-sent");
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

// The cached page, with its "Offline copy from 10:02" notice showing.
async function offlineCopy(response) {
  const html = (await response.text()).replace(OFFLINE_MARK, "data-offline-copy");
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  headers.delete("Content-Encoding");
  return new Response(html, { status: response.status, statusText: response.statusText, headers });
}

// A response not kept has its body cancelled, which hands its connection back: Chromium opens at
// most six to a server, and a body never read holds one until it is collected. After an install
// that failed on one file, the next one stalled for good on a page it fetched. Harmless on a body
// already read. Answers the response, whose headers can still be read.
function discard(response) {
  response.body?.cancel().catch(() => null);
  return response;
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms));
}
