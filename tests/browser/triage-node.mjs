// Runs the browser triage engine (themes/default/static/triage.js) in node,
// for the test that checks it agrees with `remedy triage` on every paste.
//
//   node tests/browser/triage-node.mjs SIGNALS_JSON < pastes.json
//
// SIGNALS_JSON: a file holding the JSON a tree page embeds in
// <script id="rm-tree-signals">. stdin: a JSON array of paste file paths.
// stdout: [{"node": "...", "answered": [{"question", "answer", "signal"}], "ms": 1.2}]
// Files are decoded as a browser decodes a pasted text (UTF-8, bad bytes
// replaced). Any error exits non-zero.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const engine = require("../../themes/default/static/triage.js");

const signalsPath = process.argv[2];
if (!signalsPath) {
  process.stderr.write("usage: node triage-node.mjs SIGNALS_JSON < pastes.json\n");
  process.exit(1);
}
const signals = JSON.parse(readFileSync(signalsPath, "utf8"));
// Every pattern must compile in a browser, not only those a paste reaches.
(function compileAll(value) {
  if (value && typeof value === "object") {
    if (value.op === "matches") new RegExp(value.source, value.ci ? "iu" : "u");
    Object.values(value).forEach(compileAll);
  }
})(signals);
const files = JSON.parse(readFileSync(0, "utf8"));
const decoder = new TextDecoder("utf-8");
const out = files.map((file) => {
  const text = decoder.decode(readFileSync(file));
  const t0 = performance.now();
  const result = engine.triage(signals, engine.parse(text));
  const ms = performance.now() - t0;
  return {
    node: result.node,
    answered: result.answered.map(({ question, answer, signal }) => ({ question, answer, signal })),
    ms,
  };
});
process.stdout.write(JSON.stringify(out));
