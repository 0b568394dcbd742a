// The search page in a real browser: type a query, see ranked results, filter, open a result.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { exampleSite, screenshotPath, watchErrors } from "./support.mjs";

const site = exampleSite(before, after);

test("search page: results as you type, a filter, and a result that opens", async () => {
  const page = await site.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(site.url + "search/index.html");
  await page.fill("#q", "redis aof");
  await page.waitForSelector("#search-results li");
  const titles = await page.$$eval("#search-results li h3", items => items.map(i => i.textContent));
  assert.ok(titles.length >= 2, `expected results, got ${titles.length}`);
  assert.match(titles[0], /Klamm|Shard Failures/, "an AOF incident ranks first");
  assert.match(await page.textContent("#search-results"), /AOF/i);
  assert.ok(await page.$("#search-results mark"), "matches are highlighted");
  assert.match(page.url(), /\?q=redis\+aof/, "the query is in the URL");

  // Filter by a cause: only incidents with that cause remain.
  const before = titles.length;
  await page.check("#search-facets label:has-text('disk-full') input");
  await page.waitForFunction(n => document.querySelectorAll("#search-results li").length < n, before);
  const filtered = await page.$$eval("#search-results li h3", items => items.map(i => i.textContent));
  assert.deepEqual(filtered.length, 1);
  assert.match(filtered[0], /Klamm/);
  await page.screenshot({ path: screenshotPath("search-results.png"), fullPage: true });

  await page.click("#search-results li h3 a");
  await page.waitForSelector("article.incident h1");
  assert.match(await page.textContent("article.incident h1"), /Klamm/);
  assert.deepEqual(errors, [], "no console errors");
});

test("the header search box leads to the search page with the query", async () => {
  const page = await site.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(site.url + "index.html");
  await page.fill("#site-q", "replication lag");
  await page.press("#site-q", "Enter");
  await page.waitForSelector("#search-results li");
  const first = await page.textContent("#search-results li h3");
  assert.match(first, /e-com|Redcrow/);
  assert.deepEqual(errors, []);
});

test("snippets mark whole words only", async () => {
  const { createRequire } = await import("node:module");
  const require = createRequire(import.meta.url);
  const core = require("../../themes/default/static/search-core.js");
  const { html } = core.snippet({ sections: { root_cause: "Redis triggered a <script> restore" } }, ["redis"]);
  assert.match(html, /<mark>Redis<\/mark>/);
  assert.doesNotMatch(html, /trigge<mark>/);
  assert.match(html, /&lt;script&gt;/, "text is escaped");
});
