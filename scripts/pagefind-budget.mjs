// What Pagefind's own client fetches for the same queries, for comparison
// with scripts/search-budget.mjs: runs the site's pagefind.js in node with a
// fetch that reads the files and counts bytes as a server would send them
// (pf_* and wasm files are gzip already; js and json gzipped here).
// The first five results' fragments are loaded, as Pagefind's UI does.
//
//   node scripts/pagefind-budget.mjs PAGEFIND_DIR "query" ["query" ...]
import { readFileSync, existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
const dir = process.argv[2];
const queries = process.argv.slice(3);
let log = [];
globalThis.fetch = async (url) => {
  const u = new URL(String(url), "http://x/");
  const p = dir + u.pathname.replace(/^\/pagefind/, "");
  const bytes = readFileSync(p);
  // pf_* and wasm files are already gzip; js/json are sent compressed by a server.
  const wire = /\.(pf_|pagefind$)/.test(p) || p.endsWith(".pagefind") ? bytes.length : gzipSync(bytes).length;
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
console.log("pagefind fixed (init):", (fixed/1024).toFixed(1), "KB", log.map(f => f.p).join(" "));
for (const q of queries) {
  log = [];
  const r = await pf.search(q);
  const data = await Promise.all(r.results.slice(0, 5).map(x => x.data()));
  const s = log.reduce((a, f) => a + f.wire, 0);
  console.log(`pagefind query ${JSON.stringify(q)}: ${log.length} files ${(s/1024).toFixed(1)} KB on the wire, ${r.results.length} results; total with init ${((s+fixed)/1024).toFixed(1)} KB`);
}
