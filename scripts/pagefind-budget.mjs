// What Pagefind's own client fetches for the same queries, for comparison
// with scripts/search-budget.mjs: runs the site's pagefind.js in node with a
// fetch that reads the files and counts bytes as a server would send them
// (pf_* and wasm files are gzip already; js and json gzipped here).
// The first five results' fragments are loaded, as Pagefind's UI does.
// Each query is measured in a fresh process (run once per query) to count
// what a reader's first query costs; later queries in one run reuse the
// metadata and wasm already loaded.
//
//   node scripts/pagefind-budget.mjs [--json] PAGEFIND_DIR "query" ["query" ...]
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
const args = process.argv.slice(2);
const asJson = args[0] === "--json" && args.shift();
const dir = args.shift();
let log = [];
globalThis.fetch = async (url) => {
  const u = new URL(String(url), "http://x/");
  const p = dir + u.pathname.replace(/^\/pagefind/, "");
  const bytes = readFileSync(p);
  const wire = /\.pf_|\.pagefind$/.test(p) ? bytes.length : gzipSync(bytes).length;
  log.push({ p: u.pathname, raw: bytes.length, wire });
  return new Response(bytes, { status: 200 });
};
globalThis.window = globalThis; globalThis.location = new URL("http://x/");
globalThis.document = { currentScript: null, querySelector: () => null };
const src = readFileSync(dir + "/pagefind.js");
log.push({ p: "/pagefind/pagefind.js", raw: src.length, wire: gzipSync(src).length });
const pf = await import("file://" + dir + "/pagefind.js");
await pf.options({ basePath: "http://x/pagefind/" });
await pf.init();
const fixed = log.reduce((a, f) => a + f.wire, 0);
if (!asJson) console.log("pagefind fixed (init):", (fixed / 1024).toFixed(1), "KB", log.map((f) => f.p).join(" "));
for (const q of args) {
  log = [];
  const r = await pf.search(q);
  await Promise.all(r.results.slice(0, 5).map((x) => x.data()));
  const s = log.reduce((a, f) => a + f.wire, 0);
  if (asJson) console.log(JSON.stringify({ q, total: s + fixed, files: log.length, results: r.results.length }));
  else console.log(`pagefind query ${JSON.stringify(q)}: ${log.length} files ${(s / 1024).toFixed(1)} KB on the wire, ${r.results.length} results; total with init ${((s + fixed) / 1024).toFixed(1)} KB`);
}
