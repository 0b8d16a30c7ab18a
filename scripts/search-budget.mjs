// Bytes a reader's browser fetches for search on a built site: what the page
// loads before the first keystroke (the client script, then the metadata file
// fetched when the box gets focus) and, per query, the shards and fragments
// the client asks for. Uses the real client (themes/default/static/search.js)
// with a loader that records every file; sizes are raw and gzip -6 (what a
// static server with compression sends).
//
//   node scripts/search-budget.mjs SITE_DIR [SHOWN] "query" ["query" ...]
//
// SHOWN is how many results (pages) the box shows, one fragment each (default 10).

import { createRequire } from "node:module";
import { readFileSync, statSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import vm from "node:vm";

const require = createRequire(import.meta.url);
const { createEngine, fileOf } = require("../themes/default/static/search.js");
const here = new URL(".", import.meta.url).pathname;
const args = process.argv.slice(2);
const site = args.shift();
const shown = /^\d+$/.test(args[0] || "") ? Number(args.shift()) : 10;

const gz = (buf) => gzipSync(buf, { level: 6 }).length;
const kb = (n) => (n / 1024).toFixed(1).padStart(7) + " KB";

let fetched = [];
function load(key) {
  const rel = fileOf(key);
  const path = join(site, "search", rel);
  const bytes = readFileSync(path);
  fetched.push({ rel, raw: bytes.length, gz: gz(bytes) });
  let data;
  vm.runInNewContext(bytes.toString("utf8"), { __remedySearch: (_k, d) => { data = d; } });
  return data;
}

function sum(list) {
  return list.reduce((a, f) => ({ raw: a.raw + f.raw, gz: a.gz + f.gz }), { raw: 0, gz: 0 });
}

function du(dir) {
  let total = 0, files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { const r = du(p); total += r.total; files += r.files; }
    else { total += statSync(p).size; files += 1; }
  }
  return { total, files };
}

const client = readFileSync(join(here, "../themes/default/static/search.js"));
const engine = createEngine({ load, strict: true });
await engine.search("", { limit: 1 }); // loads meta.js
const meta = sum(fetched);
console.log(`before the first keystroke: search.js ${kb(gz(client))} gz + meta.js ${kb(meta.gz)} gz = ${kb(gz(client) + meta.gz)} gz (${kb(client.length + meta.raw)} raw)`);
const idx = du(join(site, "search/index"));
const all = du(join(site, "search"));
console.log(`index on disk: tantivy ${kb(idx.total)} (${idx.files} files); browser ${kb(all.total - idx.total)} (${all.files - idx.files} files)`);
for (const q of args) {
  fetched = [];
  const t0 = process.hrtime.bigint();
  // What the search box does: rank pages (pages.js groups sections), then
  // fetch one fragment per page shown.
  const result = await engine.pages(q, { limit: shown });
  for (const h of result.hits) await engine.fragment(h.doc);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const s = sum(fetched);
  console.log(`query ${JSON.stringify(q)}: ${fetched.length} files, ${kb(s.raw)} raw, ${kb(s.gz)} gz (first visit, meta excluded), ${result.hits.length} pages shown, ${ms.toFixed(0)} ms in node`);
}
