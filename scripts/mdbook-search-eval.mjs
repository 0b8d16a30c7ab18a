// Search on real mdBook books: remedy beside mdBook's own search (elasticlunr
// with the book's searchindex and mdBook's options, as searcher.js runs it)
// and Pagefind over mdBook's HTML, on queries derived from the book and on
// questions written beforehand (scripts/mdbook-search-questions.json).
//
//   node scripts/mdbook-search-eval.mjs MDBOOK_OUT REMEDY_OUT PAGEFIND_DIR [--json]
//
// Derived queries, each expecting the chapter(s) it comes from: every h1-h3
// heading of every chapter, and every backticked identifier (inline code
// outside code blocks, 3-40 characters with a letter) found on at most 3
// chapters. A query is found when one of its chapters is among an engine's
// results; results are chapters (an engine's sections folded into their
// page, in order). Prints recall@1, recall@3 and MRR (over the top 10) per
// family and engine. Run by scripts/mdbook-search-eval.sh.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import vm from "node:vm";

const [mdOut, remedyOut, pagefindDir] = process.argv.slice(2, 5).map((p) => resolve(p));
const rest = process.argv.slice(5);
const asJson = rest.includes("--json");
// `--misses`: list the queries remedy misses in its top 3 that mdBook finds;
// `--worse`: every query remedy ranks lower than mdBook does.
const misses = rest.includes("--misses");
const worse = rest.includes("--worse");
const here = new URL(".", import.meta.url).pathname;

// ---- the book's chapters, from mdBook's HTML
const SKIP = new Set(["print.html", "toc.html", "404.html", "index.html"]);
function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const decode = (s) =>
  s.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
const chapters = {};
for (const file of walk(mdOut)) {
  const rel = relative(mdOut, file);
  if (!rel.endsWith(".html") || SKIP.has(rel) || /^(css|fonts|FontAwesome|theme|pagefind)\//.test(rel)) continue;
  const html = readFileSync(file, "utf8");
  if (html.includes('http-equiv="refresh"')) continue;
  const main = (html.split("<main>")[1] || "").split("</main>")[0];
  chapters[rel] = main;
}
const title = decode((readFileSync(join(mdOut, "index.html"), "utf8").match(/<title>([^<]*)<\/title>/) || [])[1] || "");
const bookTitle = title.includes(" - ") ? title.split(" - ").pop() : title;

const headings = new Map();
const idents = new Map();
for (const [url, main] of Object.entries(chapters)) {
  for (const m of main.matchAll(/<h[123][^>]*>([\s\S]*?)<\/h[123]>/g)) {
    const q = decode(m[1]);
    if (q.length < 2) continue;
    if (!headings.has(q)) headings.set(q, new Set());
    headings.get(q).add(url);
  }
  const prose = main.replace(/<pre[\s\S]*?<\/pre>/g, "");
  for (const m of prose.matchAll(/<code>([\s\S]*?)<\/code>/g)) {
    const q = decode(m[1]);
    if (q.length < 3 || q.length > 40 || !/[A-Za-z]/.test(q)) continue;
    if (!idents.has(q)) idents.set(q, new Set());
    idents.get(q).add(url);
  }
}
const questions = JSON.parse(readFileSync(join(here, "mdbook-search-questions.json"), "utf8"))[bookTitle] || [];
const families = {
  headings: [...headings].map(([q, urls]) => ({ q, expect: [...urls] })),
  identifiers: [...idents].filter(([, urls]) => urls.size <= 3).map(([q, urls]) => ({ q, expect: [...urls] })),
  questions,
};
const all = [...new Set(Object.values(families).flatMap((f) => f.map((x) => x.q)))];

const pages = (urls) => {
  const out = [];
  for (const u of urls) {
    const p = u.replace(/^\//, "").split("#")[0];
    if (!out.includes(p)) out.push(p);
  }
  return out.slice(0, 10);
};

// ---- mdBook: elasticlunr, the book's index and options
const ctx = { window: {}, console };
ctx.window.search = {};
vm.createContext(ctx);
const lunr = walk(mdOut).find((f) => /elasticlunr[^/]*\.js$/.test(f));
vm.runInContext(readFileSync(lunr, "utf8") + "\nwindow.elasticlunr = elasticlunr;", ctx);
const indexFile = walk(mdOut).find((f) => /searchindex[^/]*\.js$/.test(f));
vm.runInContext(readFileSync(indexFile, "utf8"), ctx);
const cfg = ctx.window.search;
const lunrIndex = ctx.window.elasticlunr.Index.load(cfg.index);
const mdbook = (q) => pages(lunrIndex.search(q, cfg.search_options).map((r) => cfg.doc_urls[r.ref]));

// ---- remedy: its browser engine in node, pages as `remedy search` ranks them
const run = spawnSync("node", [join(here, "../tests/browser/search-node.mjs"), remedyOut], {
  input: JSON.stringify(all.map((q) => ({ q, limit: 10, pages: true }))),
  maxBuffer: 1 << 28,
});
if (run.status !== 0) throw new Error(`search-node: ${run.stderr}`);
const remedyHits = new Map(JSON.parse(run.stdout).map((r) => [r.q, pages(r.hits.map((h) => h.u))]));
const remedy = (q) => remedyHits.get(q) || [];

// ---- Pagefind: its own client in node over its files
globalThis.fetch = async (url) => {
  const u = new URL(String(url), "http://x/");
  return new Response(readFileSync(pagefindDir + u.pathname.replace(/^\/pagefind/, "")), { status: 200 });
};
globalThis.window = globalThis;
globalThis.location = new URL("http://x/");
globalThis.document = { currentScript: null, querySelector: () => null };
const pf = await import("file://" + pagefindDir + "/pagefind.js");
await pf.options({ basePath: "http://x/pagefind/" });
await pf.init();
const pagefindHits = new Map();
for (const q of all) {
  const r = await pf.search(q);
  const data = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
  pagefindHits.set(q, pages(data.map((d) => d.url)));
}
const pagefind = (q) => pagefindHits.get(q) || [];

// ---- scores
const engines = { remedy, mdbook, pagefind };
const table = [];
for (const [family, queries] of Object.entries(families)) {
  if (!queries.length) continue;
  for (const [name, engine] of Object.entries(engines)) {
    let r1 = 0, r3 = 0, mrr = 0;
    for (const { q, expect } of queries) {
      const got = engine(q);
      const rank = got.findIndex((u) => expect.includes(u));
      if (rank === 0) r1++;
      if (rank >= 0 && rank < 3) r3++;
      if (rank >= 0) mrr += 1 / (rank + 1);
    }
    const n = queries.length;
    table.push({ book: bookTitle, family, engine: name, n, r1: r1 / n, r3: r3 / n, mrr: mrr / n });
  }
}
const rankOf = (got, expect) => {
  const r = got.findIndex((u) => expect.includes(u));
  return r < 0 ? Infinity : r + 1;
};
if (worse) {
  for (const [family, queries] of Object.entries(families))
    for (const { q, expect } of queries) {
      const r = rankOf(remedy(q), expect), m = rankOf(mdbook(q), expect);
      if (r > m) console.error(`worse ${family}: ${JSON.stringify(q)} remedy ${r} mdbook ${m}; expect ${expect.join(" ")}; remedy ${remedy(q).slice(0, 3).join(" ")}`);
    }
}
if (misses) {
  for (const [family, queries] of Object.entries(families))
    for (const { q, expect } of queries) {
      const r = remedy(q).slice(0, 3), m = mdbook(q).slice(0, 3);
      if (!r.some((u) => expect.includes(u)) && m.some((u) => expect.includes(u)))
        console.error(`miss ${family}: ${JSON.stringify(q)} expect ${expect.join(" ")}; remedy ${r.join(" ")}`);
    }
}
if (asJson) console.log(JSON.stringify(table));
else {
  for (const t of table)
    console.log(`| ${t.book} | ${t.family} (${t.n}) | ${t.engine} | ${t.r1.toFixed(2)} | ${t.r3.toFixed(2)} | ${t.mrr.toFixed(2)} |`);
}
