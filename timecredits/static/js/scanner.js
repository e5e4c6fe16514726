/* The QR scanner component (templates/ui/scanner.html): the camera, or a photo of the code, read
 * by the vendored qr-scanner library (the browser's BarcodeDetector where it has one, the
 * library's worker otherwise). Without JavaScript the component is its typed-code form alone;
 * this script reveals the camera and photo controls.
 *
 * What a code may be and what happens to it depends on data-mode:
 *   member: a check-in code /c/<token>, a pass /p/<token> or a redemption code /r/<token> of this
 *           site opens its page; with no network a check-in code waits in the offline queue.
 *   venue:  a redemption code or a member's pass opens its page, which shows who and what before
 *           anything is completed.
 *   door:   a member's pass or card checks them in to data-session-id through the API and the
 *           camera keeps scanning; with no network the scan waits in the offline queue.
 * A code for another website is never opened. Words come from the template's data-msg-*
 * attributes, already translated.
 */
const PATH = /^\/(c|p|r)\/([^/?#]+)\/?$/;
const ALLOWED = { member: ["c", "p", "r"], venue: ["r", "p"], door: ["p"] };
const REPEAT_MS = 4000; // the same code held in front of the camera is read once
// What a signed check-in code looks like (data:timestamp:signature, URL-safe), so that a code
// made up is refused before it is offered to keep; the server still checks its signature.
const SIGNED = /^[\w-]+:[\w-]+:[\w-]+$/;
const PROBE_MS = 5000;

function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (whole, name) =>
    values[name] === undefined ? "" : String(values[name])
  );
}

/* The code of an answer in the API's one error shape, or "". */
function errorCode(data) {
  return (data && data.error && data.error.code) || "";
}

function timeNow() {
  return new Date().toLocaleTimeString(document.documentElement.lang || [], { hour: "2-digit", minute: "2-digit" });
}

class Scanner {
  constructor(root) {
    this.root = root;
    this.mode = root.dataset.mode in ALLOWED ? root.dataset.mode : "member";
    this.msg = root.dataset;
    this.live = root.querySelector("[data-scanner-result]");
    this.video = root.querySelector("[data-scanner-video]");
    this.start = root.querySelector("[data-scanner-start]");
    this.startRow = root.querySelector("[data-scanner-start-row]");
    this.stop = root.querySelector("[data-scanner-stop]");
    this.torch = root.querySelector("[data-scanner-torch]");
    this.torchWrap = root.querySelector("[data-scanner-torch-wrap]");
    this.controls = root.querySelector("[data-scanner-controls]");
    this.file = root.querySelector("[data-scanner-file]");
    this.log = root.querySelector("[data-scanner-log]");
    this.camera = null;
    this.busy = false;
    this.last = { text: "", at: 0 };
    // The preview fills the card's width and no more (set here: the page has no inline style).
    this.video.style.width = "100%";
    this.video.style.maxHeight = "60vh";
  }

  show() {
    reveal(this.root);
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) {
      // No camera API (or not a secure context): the photo and the typed code still work.
      this.startRow.hidden = true;
    }
    this.start.addEventListener("click", () => this.startCamera());
    this.stop.addEventListener("click", () => this.stopCamera());
    this.torch.addEventListener("click", () => this.toggleTorch());
    this.file.addEventListener("change", () => this.scanFile());
    this.keepOpened();
    // Load the library and start its decoder now, while there is a network: a scan made after
    // the signal drops then still reads the photo (the service worker keeps them for later visits).
    window.setTimeout(() => this.decoder().catch(() => {}), 0);
  }

  /* A check-in code the phone's camera app opened with no signal: the service worker sent it
   * here as #keep=<its path> (pwa/sw.js). As the check-in page asks for a tap before checking
   * in, so does this (a link made to land here checks no one in by itself): tapped, the code
   * waits in the offline queue like one scanned here, dated then, and is sent at once if it
   * can be. The address loses the code, so a reload offers nothing twice. */
  keepOpened() {
    const kept = /^#keep=(.+)$/.exec(window.location.hash);
    const row = this.root.querySelector("[data-scanner-keep]");
    if (!kept || !row) {
      return;
    }
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
    let path = "";
    try {
      path = decodeURIComponent(kept[1]);
    } catch (malformed) {
      return;
    }
    const code = this.read(window.location.origin + path);
    if (code.kind !== "c" || !SIGNED.test(code.token)) {
      this.say(code.refusal || this.msg.msgNotOurs, "error");
      return;
    }
    this.say(this.msg.msgOpenedOffline, "info");
    row.hidden = false;
    row.scrollIntoView({ block: "center" });
    row.querySelector("button").addEventListener(
      "click",
      () => {
        row.hidden = true;
        window.TimeCreditsQueue.keep({ kind: "checkin", token: code.token });
        this.say(this.msg.msgSaved, "info");
        window.TimeCreditsQueue.flush();
      },
      { once: true }
    );
  }

  decoder() {
    if (!this.engine) {
      this.engine = this.library().then((QrScanner) => QrScanner.createQrEngine());
      this.engine.catch(() => {
        this.engine = null;
      });
    }
    return this.engine;
  }

  say(text, tone) {
    this.live.textContent = text;
    this.live.className = text ? `notice ${tone || "info"}` : "";
    // A refusal (no camera, a code for another site) may fall below the screen or under the tab
    // bar on a small phone, where nothing would seem to happen: it is brought into view.
    if (text && (tone === "warning" || tone === "error")) {
      this.live.scrollIntoView({ block: "center" });
    }
  }

  library() {
    if (!this.loading) {
      this.loading = import(this.root.dataset.qrLib).then((module) => module.default);
      this.loading.catch(() => {
        this.loading = null;
      });
    }
    return this.loading;
  }

  async startCamera() {
    this.say(this.msg.msgStarting, "info");
    try {
      const QrScanner = await this.library();
      // Shown before the library sees it: a hidden video is one it squashes to nothing.
      this.video.hidden = false;
      if (!this.camera) {
        this.camera = new QrScanner(this.video, (result) => this.found(result.data), {
          preferredCamera: "environment",
          highlightScanRegion: false,
          returnDetailedScanResult: true,
          onDecodeError: () => {},
        });
      }
      await this.camera.start();
      this.startRow.hidden = true;
      this.controls.hidden = false;
      this.torchWrap.hidden = !(await this.camera.hasFlash());
      this.say(this.msg.msgPointCamera, "info");
    } catch (error) {
      this.video.hidden = true;
      this.say(this.msg.msgNoCamera, "warning");
    }
  }

  stopCamera() {
    if (this.camera) {
      this.camera.stop();
    }
    this.video.hidden = true;
    this.controls.hidden = true;
    this.startRow.hidden = false;
    this.torch.setAttribute("aria-pressed", "false");
    this.say("", "");
    this.start.focus();
  }

  async toggleTorch() {
    if (!this.camera) {
      return;
    }
    try {
      await this.camera.toggleFlash();
      this.torch.setAttribute("aria-pressed", this.camera.isFlashOn() ? "true" : "false");
    } catch (error) {
      this.torchWrap.hidden = true;
    }
  }

  async scanFile() {
    const picked = this.file.files && this.file.files[0];
    if (!picked) {
      return;
    }
    this.say(this.msg.msgReading, "info");
    try {
      const QrScanner = await this.library();
      // Decoded here rather than handed over as a File, which the library would show through a
      // blob: URL that the policy's img-src refuses.
      const [image, qrEngine] = await Promise.all([window.createImageBitmap(picked), this.decoder()]);
      const result = await QrScanner.scanImage(image, { returnDetailedScanResult: true, qrEngine });
      await this.found(result.data);
    } catch (error) {
      this.say(this.msg.msgNoCode, "warning");
    } finally {
      this.file.value = "";
    }
  }

  /* What a scanned text names on this site: {kind, token, url}, or a message why not. */
  read(text) {
    let url;
    try {
      url = new URL(text.trim());
    } catch (notAUrl) {
      return { refusal: this.msg.msgNotOurs };
    }
    if (url.origin !== window.location.origin) {
      return { refusal: fill(this.msg.msgOtherSite, { host: url.host }) };
    }
    const match = PATH.exec(url.pathname);
    if (!match) {
      return { refusal: this.msg.msgNotOurs };
    }
    if (!ALLOWED[this.mode].includes(match[1])) {
      return { refusal: this.msg.msgWrongKind };
    }
    return { kind: match[1], token: decodeURIComponent(match[2]), url: url.pathname };
  }

  async found(text) {
    const now = Date.now();
    if (this.busy || (text === this.last.text && now - this.last.at < REPEAT_MS)) {
      return;
    }
    this.last = { text, at: now };
    const code = this.read(text);
    if (code.refusal) {
      this.say(code.refusal, "error");
      return;
    }
    this.busy = true;
    try {
      if (this.mode === "door") {
        await this.checkInAtDoor(code);
      } else {
        await this.open(code);
      }
    } finally {
      this.busy = false;
    }
  }

  /* Member and venue: go to the code's page, which says who and what before anything is done.
   * A check-in code scanned with no network waits in the offline queue instead. */
  async open(code) {
    if (code.kind === "c" && !(await this.reachable(code.url))) {
      window.TimeCreditsQueue.keep({ kind: "checkin", token: code.token });
      this.say(this.msg.msgSaved, "info");
      return;
    }
    this.say(this.msg.msgOpening, "info");
    if (this.camera) {
      this.camera.stop();
    }
    window.location.assign(code.url);
  }

  async reachable(url) {
    if (navigator.onLine === false) {
      return false;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(() => controller.abort(), PROBE_MS);
    try {
      // The confirm page only shows the session: reading it changes nothing.
      await window.fetch(url, { credentials: "same-origin", cache: "no-store", signal: controller.signal });
      return true;
    } catch (offline) {
      return false;
    } finally {
      window.clearTimeout(timer);
    }
  }

  async checkInAtDoor(code) {
    const result = await window.TimeCreditsQueue.submit({
      kind: "pass-checkin",
      pass_token: code.token,
      session_id: this.root.dataset.sessionId,
    });
    if (result.outcome === "done") {
      // Who it was, when the answer names them (member_name / member_code).
      const data = result.data || {};
      const who = data.member_name || data.member_code || "";
      const fresh = result.status === 201;
      const text = fresh ? this.msg.msgCheckedIn : this.msg.msgAlreadyIn;
      const line = (who ? `${who}: ` : "") + fill(text, { time: timeNow() });
      // A card scanned twice is said plainly, apart from the people just checked in.
      this.say(line, fresh ? "success" : "warning");
      this.addToLog(line);
      if (fresh) {
        this.countIn();
      }
    } else if (result.outcome === "refused") {
      const reason = window.TimeCreditsQueue.reasonOf(result.data) || this.msg.msgRefusedUnknown;
      this.say(fill(this.msg.msgRefused, { reason, time: timeNow() }), "error");
    } else if (errorCode(result.data) === "signed_in_as_another") {
      // This page was drawn for someone who has since signed out here: the scan waits for
      // them, and the server says so; reloading draws the page for whoever is signed in now.
      this.say(window.TimeCreditsQueue.reasonOf(result.data), "warning");
    } else {
      const line = fill(this.msg.msgQueued, { time: timeNow() });
      this.say(this.msg.msgSaved, "info");
      this.addToLog(line);
    }
  }

  /* The session page's count of people here (activities/_door_scan.html), one more. */
  countIn() {
    const count = document.querySelector("[data-door-count]");
    if (count) {
      count.textContent = String((parseInt(count.textContent, 10) || 0) + 1);
    }
  }

  addToLog(text) {
    if (!this.log) {
      return;
    }
    const row = document.createElement("li");
    row.className = "list-row";
    const main = document.createElement("span");
    main.className = "list-main";
    main.textContent = text;
    row.appendChild(main);
    this.log.prepend(row);
    this.root.querySelector("[data-scanner-log-block]").hidden = false;
  }
}

function reveal(root) {
  root.querySelectorAll("[data-scanner-js]").forEach((part) => {
    part.hidden = false;
  });
}

document.querySelectorAll("[data-scanner]").forEach((root) => {
  new Scanner(root).show();
});
