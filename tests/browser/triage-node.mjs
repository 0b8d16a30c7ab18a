// Runs the browser's triage engine (themes/default/static/triage-engine.js)
// in node, for the test that checks it agrees with `remedy triage` on every
// paste, step, score and candidate.
//
//   node tests/browser/triage-node.mjs TRIAGE_DATA_JS < pastes.json
//
// TRIAGE_DATA_JS: a tree's published data (`__remedyTriage(DATA);`, as the
// build writes it beside the tree page). stdin: a JSON array of paste file
// paths. stdout: one object per paste:
// {"node", "answered": [{"question", "answer", "signal", "decided_by"}],
//  "candidates": [{"node", "score"}], "order": [..], "ms"}.
// Files are decoded as a browser decodes a pasted text (UTF-8, bad bytes
// replaced). Any error exits non-zero.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const engine = require("../../themes/default/static/triage-engine.js");

const dataPath = process.argv[2];
if (!dataPath) {
  process.stderr.write("usage: node triage-node.mjs TRIAGE_DATA_JS < pastes.json\n");
  process.exit(1);
}
let data;
globalThis.__remedyTriage = (d) => { data = d; };
new Function(readFileSync(dataPath, "utf8"))();
if (!data) throw new Error(`${dataPath} did not call __remedyTriage`);
// Every pattern must compile in a browser, not only those a paste reaches.
(function compileAll(value) {
  if (value && typeof value === "object") {
    if (value.op === "matches") new RegExp(value.source, value.ci ? "iu" : "u");
    Object.values(value).forEach(compileAll);
  }
})(data.questions);
const files = JSON.parse(readFileSync(0, "utf8"));
const decoder = new TextDecoder("utf-8");
const out = files.map((file) => {
  const text = decoder.decode(readFileSync(file));
  const t0 = performance.now();
  const result = engine.run(data, text);
  const ms = performance.now() - t0;
  return {
    node: result.node,
    answered: result.steps.map((s) => ({
      question: s.question,
      answer: data.questions[s.question][s.answer].label,
      signal: s.signal,
      decided_by: s.decidedBy,
    })),
    candidates: result.candidates.map((c) => ({ node: c.node, score: c.score / 100 })),
    order: result.order,
    ms,
  };
});
process.stdout.write(JSON.stringify(out));
