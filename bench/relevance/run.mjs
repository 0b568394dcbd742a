// Relevance of pmkb search, pmkb's static browser search and Pagefind on the same site.
//
//   node relevance/run.mjs [--pmkb PATH] [--corpus DIR] [--site DIR] [--check]
//
// Builds the corpus with pmkb, indexes pmkb's own incident pages with Pagefind 1.6, runs every
// query of relevance/queries.tsv through the three, and reports MRR@10 (first result graded 2
// or 3) and nDCG@10 (gain 2^grade - 1) against the graded judgments of relevance/qrels.tsv.
// With --check, exits 1 unless pmkb search >= Pagefind on both, MRR@10 >= 0.9 and the static
// search is within 0.05 nDCG@10 of pmkb search.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as pagefind from "pagefind";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const args = process.argv.slice(2);
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const pmkb = path.resolve(option("--pmkb", path.join(repo, "build/generator/pmkb")));
const corpus = path.resolve(option("--corpus", path.join(repo, "../shared/corpus/public")));
const site = path.resolve(option("--site", "/tmp/pmkb-relevance-site"));
const check = args.includes("--check");

function readTsv(file) {
  const [header, ...rows] = fs.readFileSync(file, "utf8").trim().split("\n");
  const names = header.split("\t");
  return rows.map(line => Object.fromEntries(line.split("\t").map((v, i) => [names[i], v])));
}

const queries = readTsv(path.join(here, "queries.tsv"));
const judgments = new Map();
for (const row of readTsv(path.join(here, "qrels.tsv"))) {
  if (!judgments.has(row.id)) judgments.set(row.id, new Map());
  judgments.get(row.id).set(row.path, Number(row.grade));
}

function build() {
  const result = spawnSync(pmkb, ["build", corpus, "-o", site, "-q"], { encoding: "utf8" });
  if (result.status !== 0 && result.status !== 1) throw new Error("pmkb build failed: " + result.stderr);
  const model = JSON.parse(fs.readFileSync(path.join(site, "incidents.json"), "utf8"));
  return new Map(model.incidents.map(i => [i.url, i.source]));
}

function searchCli(query) {
  const result = spawnSync(pmkb, ["search", "-s", site, "--json", "--limit", "10", "--", query], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`pmkb search "${query}" failed: ${result.stderr}`);
  return JSON.parse(result.stdout).results.map(r => r.source);
}

async function searchStatic(query, engine) {
  const found = await engine.search(query, { limit: 10, facets: false });
  const records = await Promise.all(found.results.map(hit => engine.fragment(hit.doc)));
  return records.map(r => r.source);
}

function serve(root) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".css": "text/css",
                  ".wasm": "application/wasm", ".pf_meta": "application/octet-stream" };
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = path.join(root, url);
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404).end(); return; }
      res.writeHead(200, { "Content-Type": types[path.extname(file)] || "application/octet-stream" }).end(data);
    });
  });
  return new Promise(resolve => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function searchPagefind(urlToSource) {
  const { index } = await pagefind.createIndex({});
  await index.addDirectory({ path: site, glob: "incidents/**/*.html" });
  await index.writeFiles({ outputPath: path.join(site, "pagefind") });
  await pagefind.close();
  const server = await serve(site);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await (await browser.newContext({ bypassCSP: true })).newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
    const urls = await page.evaluate(async texts => {
      const pf = await import("/pagefind/pagefind.js");
      await pf.init();
      const out = [];
      for (const text of texts) {
        const found = await pf.search(text);
        const top = await Promise.all(found.results.slice(0, 10).map(r => r.data()));
        out.push(top.map(d => d.url));
      }
      return out;
    }, queries.map(q => q.query));
    return urls.map(list => list.map(u => urlToSource.get(u.replace(/^\//, "").replace(/index\.html$/, ""))));
  } finally {
    await browser.close();
    server.close();
  }
}

function scores(id, ranked) {
  const graded = judgments.get(id) || new Map();
  let reciprocal = 0;
  let dcg = 0;
  ranked.slice(0, 10).forEach((source, i) => {
    const grade = graded.get(source) || 0;
    if (!reciprocal && grade >= 2) reciprocal = 1 / (i + 1);
    dcg += (2 ** grade - 1) / Math.log2(i + 2);
  });
  const ideal = [...graded.values()].sort((a, b) => b - a).slice(0, 10)
    .reduce((sum, grade, i) => sum + (2 ** grade - 1) / Math.log2(i + 2), 0);
  return { mrr: reciprocal, ndcg: ideal ? dcg / ideal : 0 };
}

function mean(list, key) { return list.reduce((s, x) => s + x[key], 0) / list.length; }

const urlToSource = build();
const require = createRequire(import.meta.url);
const { createSearch } = require(path.join(site, "static/search-core.js"));
const engine = createSearch(file => Promise.resolve(JSON.parse(fs.readFileSync(path.join(site, "search", file), "utf8"))));
const cli = [];
const browserSide = [];
for (const q of queries) {
  cli.push(scores(q.id, searchCli(q.query)));
  browserSide.push(scores(q.id, await searchStatic(q.query, engine)));
}
const pagefindRanked = await searchPagefind(urlToSource);
const pf = queries.map((q, i) => scores(q.id, pagefindRanked[i]));

const rows = [["pmkb search (Xapian)", cli], ["pmkb static search", browserSide], ["Pagefind 1.6", pf]];
console.log(`relevance over ${queries.length} queries, ${[...judgments.values()].reduce((s, m) => s + m.size, 0)} judgments`);
console.log("system                   MRR@10  nDCG@10");
for (const [name, list] of rows) console.log(`${name.padEnd(24)} ${mean(list, "mrr").toFixed(3)}   ${mean(list, "ndcg").toFixed(3)}`);
if (args.includes("--verbose")) {
  queries.forEach((q, i) => console.log(`${q.id} ${q.query.padEnd(36)} mrr ${cli[i].mrr.toFixed(2)} pmkb ${cli[i].ndcg.toFixed(2)} static ${browserSide[i].ndcg.toFixed(2)} pagefind ${pf[i].ndcg.toFixed(2)}`));
}
if (check) {
  const ok = mean(cli, "mrr") >= mean(pf, "mrr") && mean(cli, "ndcg") >= mean(pf, "ndcg") && mean(cli, "mrr") >= 0.9 &&
    mean(cli, "ndcg") - mean(browserSide, "ndcg") <= 0.05;
  if (!ok) { console.log("relevance: BELOW the targets of issue #5"); process.exit(1); }
}
