// Copies qr-scanner (installed by `npm ci` into node_modules/) into timecredits/static/vendor/,
// reshaped for the site's Content-Security-Policy: the library starts its decoding worker from a
// blob: URL, which `worker-src` refuses, so the worker's source is written out as a static file
// and the module that made the blob is replaced by one that starts the worker from that file.
// Source-map comments are dropped: the maps are not shipped (the worker's would not match), and
// Django's manifest storage refuses a reference to a file that is not there.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const source = join(here, "node_modules", "qr-scanner");
const target = join(root, "timecredits", "static", "vendor", "qr-scanner");
const version = JSON.parse(readFileSync(join(source, "package.json"), "utf8")).version;
const unmapped = (text) => text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");

mkdirSync(target, { recursive: true });
copyFileSync(join(source, "LICENSE"), join(target, "LICENSE"));
writeFileSync(
  join(target, "qr-scanner.min.js"),
  `/* qr-scanner ${version} (MIT, see LICENSE), vendored by scripts/vendor-qr-scanner.mjs */\n` +
    unmapped(readFileSync(join(source, "qr-scanner.min.js"), "utf8")),
);

// Run the library's own worker factory with a Blob that keeps what it is given: that text is
// the worker, byte for byte.
let workerSource = null;
globalThis.Blob = class {
  constructor(parts) {
    workerSource = parts.join("");
  }
};
globalThis.URL.createObjectURL = () => "blob:captured";
globalThis.Worker = class {};
const factory = await import(pathToFileURL(join(source, "qr-scanner-worker.min.js")).href);
factory.createWorker();
if (!workerSource || !workerSource.includes("self.onmessage")) {
  throw new Error("qr-scanner's worker source was not found: check the new version's layout");
}
writeFileSync(
  join(target, "qr-scanner-worker.js"),
  `/* qr-scanner ${version} decoding worker (MIT, see LICENSE) */\n${unmapped(workerSource)}`,
);
writeFileSync(
  join(target, "qr-scanner-worker.min.js"),
  `/* Starts qr-scanner's worker from a file on this site, not a blob: URL (see scripts/vendor-qr-scanner.mjs). */\n` +
    `export const createWorker=()=>new Worker(new URL("qr-scanner-worker.js",import.meta.url));\n`,
);
console.log(`qr-scanner ${version} copied to ${target}`);
