// The main pages of the example site in a real browser, at desktop and phone widths: no console
// errors, and no serious or critical accessibility violations (axe-core). Screenshots are saved.
import assert from "node:assert/strict";
import fs from "node:fs";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { exampleSite, screenshotPath, watchErrors } from "./support.mjs";

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const pages = {
  index: "index.html",
  incident: "incidents/redcrow-replication-outage/index.html",
  cause: "causes/replication-misconfig/index.html",
  insights: "insights/index.html",
  actions: "actions/index.html",
};
const widths = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

const site = exampleSite(before, after);

for (const [name, page] of Object.entries(pages)) {
  for (const [label, viewport] of Object.entries(widths)) {
    test(`${name} page at ${label} width: no console errors, no serious accessibility violations`, async () => {
      const context = await site.browser.newContext({ viewport, bypassCSP: true });
      const tab = await context.newPage();
      const errors = watchErrors(tab);
      await tab.goto(site.url + page);
      await tab.screenshot({ path: screenshotPath(`${name}-${label}.png`), fullPage: true });
      await tab.addScriptTag({ content: axeSource });
      const results = await tab.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const serious = results.violations.filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => `${v.id}: ${v.help} (${v.nodes.length})`);
      assert.deepEqual(serious, []);
      assert.deepEqual(errors, []);
      const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
      await context.close();
    });
  }
}
