// Shared by the browser tests: builds a site with pmkb, serves it with `pmkb serve` on a free
// port, and launches Debian's Chromium through playwright-core. A missing browser is a
// failure, not a skip: install it with scripts/install-deps.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "../..");
export const pmkb = process.env.PMKB_BINARY || path.join(repo, "build/generator/pmkb");
export const screenshots = process.env.PMKB_SCREENSHOTS || path.join(repo, "build/screenshots");
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";

export function buildSite(contentDir) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pmkb-browser-"));
  const site = path.join(out, "public");
  const result = spawnSync(pmkb, ["build", contentDir, "-o", site, "-q"], { encoding: "utf8" });
  if (result.status !== 0 && result.status !== 1) throw new Error(`pmkb build failed (${result.status}): ${result.stderr}`);
  return site;
}

// Starts `pmkb serve` on a free port; resolves with { url, stop }.
export function serveSite(site) {
  return new Promise((resolve, reject) => {
    const child = spawn(pmkb, ["serve", "-s", site, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", chunk => {
      output += chunk;
      const match = output.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (match) resolve({ url: match[0], stop: () => child.kill("SIGTERM") });
    });
    child.on("exit", code => reject(new Error(`pmkb serve exited with ${code}: ${output}`)));
  });
}

export async function launchBrowser() {
  if (!fs.existsSync(browserPath)) {
    throw new Error(`Chromium not found at ${browserPath}; run scripts/install-deps (Debian package chromium)`);
  }
  return chromium.launch({
    executablePath: browserPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
}

// Records console errors and uncaught exceptions of a page.
export function watchErrors(page) {
  const errors = [];
  page.on("console", message => { if (message.type() === "error") errors.push(message.text()); });
  page.on("pageerror", error => errors.push(String(error)));
  page.on("response", response => { if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`); });
  return errors;
}

export function screenshotPath(name) {
  fs.mkdirSync(screenshots, { recursive: true });
  return path.join(screenshots, name);
}

// Registers before/after hooks that build the example site, serve it and open a browser.
// Returns a getter for { url, browser } to use inside tests.
export function exampleSite(before, after) {
  const state = {};
  before(async () => {
    state.server = await serveSite(buildSite(path.join(repo, "content")));
    state.browser = await launchBrowser();
    state.url = state.server.url;
  });
  after(async () => {
    await state.browser?.close();
    state.server?.stop();
  });
  return state;
}
