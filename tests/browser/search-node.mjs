// Runs the browser search engine (themes/default/static/search-engine.js) in node
// over a built site's search files, for the parity test against `remedy
// search`.
//
//   node tests/browser/search-node.mjs SITE_DIR < queries.json
//
// stdin: [{"q": "...", "typing": false, "limit": 10, "code": null, "kind": null}]
// stdout: [{"q": "...", "hits": [{"doc": 12, "score": 3.14159, "u": "..."}]}]
// With "pages": true a query gets pages instead (`remedy search`'s ranking):
// each hit is a page's best section, with the page's score. With "plan":
// true the result also has "plan": the clauses, [[field, term, boost], ...].
// Any error (a missing or malformed file, a bad query list) exits non-zero.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";

const require = createRequire(import.meta.url);
const { createEngine, fileOf } = require("../../themes/default/static/search-engine.js");

function fail(message) {
  process.stderr.write(`search-node: ${message}\n`);
  process.exit(1);
}

const site = process.argv[2];
if (!site) fail("usage: node search-node.mjs SITE_DIR < queries.json");

// "meta" -> search/meta.js, "pages" -> search/pages.js, "v3" -> search/v/3.js,
// "t12" -> search/t/12.js, "f345" -> search/f/345.js
function load(key) {
  const rel = fileOf(key);
  const path = join(site, "search", rel);
  const source = readFileSync(path, "utf8");
  let got = null;
  // The file is a script calling one global, exactly as in the browser.
  vm.runInNewContext(source, {
    __remedySearch: (k, data) => {
      if (k !== key) throw new Error(`${path} calls __remedySearch(${JSON.stringify(k)}), expected ${JSON.stringify(key)}`);
      got = { data };
    },
  }, { filename: path });
  if (!got) throw new Error(`${path} did not call __remedySearch`);
  return got.data;
}

async function main() {
  const input = readFileSync(0, "utf8");
  let queries;
  try {
    queries = JSON.parse(input);
  } catch (e) {
    fail(`stdin is not JSON: ${e.message}`);
  }
  if (!Array.isArray(queries)) fail("stdin must be a JSON array of queries");
  const engine = createEngine({ load, strict: true });
  const out = [];
  for (const query of queries) {
    const { q, typing = false, limit = 10, code = null, kind = null, pages = false, plan = false } = query;
    const result = await engine[pages ? "pages" : "search"](q, { typing, limit, code, kind, plan });
    const hits = [];
    for (const h of result.hits) {
      const f = await engine.fragment(h.doc);
      hits.push({ doc: h.doc, score: h.score, u: f.u });
    }
    out.push(plan ? { q, hits, plan: result.plan || [] } : { q, hits });
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
