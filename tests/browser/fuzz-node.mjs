// The browser engines under the fuzzer (issue 22): tests/fuzz/node.rs makes
// the inputs (the same seeded mutations as the Rust targets), this script
// runs each through the engine in node, and the Rust side checks there was
// no exception and compares the results with its own.
//
//   node tests/browser/fuzz-node.mjs triage TRIAGE_DATA_JS < inputs.json
//   node tests/browser/fuzz-node.mjs search SITE_DIR < inputs.json
//
// stdin: a JSON array of inputs, each a string or {"b64": "..."} for bytes
// that are not UTF-8 (decoded as a browser decodes a paste: bad bytes
// replaced). stdout: one JSON line per input, in order:
// triage {"node", "steps": [[question, answer]], "order", "candidates":
// [[node, score]], "ms"}; search {"docs": [..], "ms"}; or {"error": "..."}
// when the engine threw. Only a failure to start (bad arguments, unreadable
// data) exits non-zero.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";

const require = createRequire(import.meta.url);

function fail(message) {
  process.stderr.write(`fuzz-node: ${message}\n`);
  process.exit(2);
}

const [mode, arg] = process.argv.slice(2);
if (!mode || !arg) fail("usage: node fuzz-node.mjs triage|search DATA < inputs.json");

const decoder = new TextDecoder("utf-8");
function text(input) {
  return typeof input === "string" ? input : decoder.decode(Buffer.from(input.b64, "base64"));
}

function triageRunner() {
  const engine = require("../../themes/default/static/triage-engine.js");
  let data;
  globalThis.__remedyTriage = (d) => { data = d; };
  new Function(readFileSync(arg, "utf8"))();
  if (!data) fail(`${arg} did not call __remedyTriage`);
  return async (input) => {
    const r = engine.run(data, input);
    return {
      node: r.node,
      steps: r.steps.map((s) => [s.question, s.answer]),
      order: r.order,
      candidates: r.candidates.map((c) => [c.node, c.score]),
    };
  };
}

function searchRunner() {
  const { createEngine, fileOf } = require("../../themes/default/static/search-engine.js");
  const cache = new Map();
  function load(key) {
    if (cache.has(key)) return cache.get(key);
    const path = join(arg, "search", fileOf(key));
    let got = null;
    vm.runInNewContext(readFileSync(path, "utf8"), {
      __remedySearch: (k, d) => { if (k === key) got = d; },
    }, { filename: path });
    if (got === null) throw new Error(`${path} did not call __remedySearch(${key})`);
    cache.set(key, got);
    return got;
  }
  const engine = createEngine({ load, strict: true });
  return async (input) => {
    const r = await engine.search(input, { typing: false, limit: 10, code: null, kind: null });
    return { docs: r.hits.map((h) => h.doc) };
  };
}

const run = mode === "triage" ? triageRunner() : mode === "search" ? searchRunner() : fail(`unknown mode ${mode}`);
let inputs;
try {
  inputs = JSON.parse(readFileSync(0, "utf8"));
} catch (e) {
  fail(`stdin is not JSON: ${e.message}`);
}
const lines = [];
for (const input of inputs) {
  const t0 = performance.now();
  let out;
  try {
    out = await run(text(input));
  } catch (e) {
    out = { error: String(e && e.stack ? e.stack.split("\n").slice(0, 3).join(" | ") : e) };
  }
  out.ms = performance.now() - t0;
  lines.push(JSON.stringify(out));
}
process.stdout.write(lines.join("\n") + "\n");
