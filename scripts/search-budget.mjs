// Bytes a reader's browser fetches for search on a built site, measured with
// the real client (themes/default/static/search.js) and a loader that records
// every file: sizes raw and gzip -6 (what a static server with compression
// sends). Each query is measured as a reader's first: a fresh engine, nothing
// cached but what the page loads before the first keystroke.
//
//   node scripts/search-budget.mjs [--json] SITE_DIR "query" ["query" ...]
//
// Per query: "pasted" is the whole query at once; "typed" types it one key
// at a time. With the box's debounce (DEBOUNCE ms) a reader typing a key
// every 120 ms runs one search, at the end ("typed 120ms"); "typed, every key"
// runs a search (and fetches the results' fragments) after every key, as for
// a reader slower than the debounce: the worst case.

import { createRequire } from "node:module";
import { readFileSync, statSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import vm from "node:vm";

const require = createRequire(import.meta.url);
const here = new URL(".", import.meta.url).pathname;
const boxPath = join(here, "../themes/default/static/search.js");
const enginePath = join(here, "../themes/default/static/search-engine.js");
const { createEngine, fileOf } = require(enginePath);
const { DEBOUNCE } = require(boxPath);
const args = process.argv.slice(2);
const asJson = args[0] === "--json" && args.shift();
const site = args.shift();
const SHOWN = 10; // results the box shows, one fragment each
const gz = (buf) => gzipSync(buf, { level: 6 }).length;
const kb = (n) => (n / 1024).toFixed(1).padStart(6) + " KB";

function engine() {
  const fetched = new Map();
  const load = (key) => {
    const path = join(site, "search", fileOf(key));
    const bytes = readFileSync(path);
    fetched.set(key, { raw: bytes.length, gz: gz(bytes) });
    let data;
    vm.runInNewContext(bytes.toString("utf8"), { __remedySearch: (_k, d) => { data = d; } });
    return data;
  };
  return { e: createEngine({ load, strict: true }), fetched };
}
const total = (m, skip = new Set()) => [...m].filter(([k]) => !skip.has(k)).reduce((a, [, f]) => a + f.gz, 0);
// What the box does for a query: rank pages, then one fragment per result.
async function show(e, q, typing) {
  const r = await e.pages(q, { typing, limit: SHOWN });
  for (const h of r.hits) await e.fragment(h.doc);
  return r.hits.length;
}
function du(dir) {
  let bytes = 0, files = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) { const r = du(p); bytes += r.bytes; files += r.files; } else { bytes += statSync(p).size; files += 1; }
  }
  return { bytes, files };
}

// Before the first keystroke a page loads the box; the first keystroke
// loads the engine and the metadata, counted with each first query.
const client = gz(readFileSync(boxPath)), engineGz = gz(readFileSync(enginePath));
const first = engine();
await first.e.meta();
const meta = total(first.fetched);
const before = client;
const out = { before, client, engine: engineGz, meta, debounce: DEBOUNCE, queries: [] };
for (const q of args) {
  const pasted = engine();
  await pasted.e.meta();
  const shown = await show(pasted.e, q, false);
  const typed = engine();
  await typed.e.meta();
  for (let i = 1; i <= q.length; i++) if (q.slice(0, i).trim()) await show(typed.e, q.slice(0, i), i < q.length);
  const skip = new Set(["meta"]);
  // A first query: the engine, meta.js and what the query itself fetched.
  const fixed = engineGz + meta;
  out.queries.push({ q, shown, files: pasted.fetched.size + 1, pasted: fixed + total(pasted.fetched, skip), typed_every_key: fixed + total(typed.fetched, skip) });
}
const all = du(join(site, "search")), idx = du(join(site, "search/index"));
out.disk = { tantivy: idx, browser: { bytes: all.bytes - idx.bytes, files: all.files - idx.files } };
if (asJson) {
  console.log(JSON.stringify(out));
} else {
  console.log(`before the first keystroke: search.js ${kb(client)}; at the first keystroke: search-engine.js ${kb(engineGz)} + meta.js ${kb(meta)} (gzip)`);
  console.log(`on disk: tantivy ${kb(idx.bytes)} in ${idx.files} files; browser ${kb(out.disk.browser.bytes)} in ${out.disk.browser.files} files`);
  for (const r of out.queries) {
    console.log(`${JSON.stringify(r.q).padEnd(22)} first query (engine and meta.js included) ${kb(r.pasted)} + before ${kb(before)} = ${kb(r.pasted + before)} in ${r.files} files, ${r.shown} results; typed every key ${kb(r.typed_every_key)} (x${(r.typed_every_key / r.pasted).toFixed(2)}); typed at 120 ms/key (debounce ${DEBOUNCE} ms): one search, x1.00`);
  }
}
