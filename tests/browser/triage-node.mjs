// Runs the browser's triage engine (themes/default/static/triage-engine.js)
// in node, for the test that checks it agrees with `remedy triage` on every
// paste, step, score and candidate.
//
//   node tests/browser/triage-node.mjs TRIAGE_DATA_JS [--trace] < pastes.json
//
// TRIAGE_DATA_JS: a tree's published data (`__remedyTriage(DATA);`, as the
// build writes it beside the tree page). stdin: a JSON array of paste file
// paths. stdout: one object per paste:
// {"node", "answered": [{"question", "answer", "signal", "decided_by"}],
//  "candidates": [{"node", "score"}], "order": [..], "ms"}.
// With --trace, also "trace": what the engine read on the way (the parsed
// paste, every answer's signal, the evidence features and scores), in the
// shape tests/triage.rs builds from the Rust engine (`trace` there).
// Files are decoded as a browser decodes a pasted text (UTF-8, bad bytes
// replaced, a byte-order mark kept as a textarea keeps it). Any error exits
// non-zero.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const engine = require("../../themes/default/static/triage-engine.js");

const dataPath = process.argv[2];
const tracing = process.argv[3] === "--trace";
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
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

// A JSON value of the paste: objects keep their members in order (repeats
// included), numbers are written as the trail writes them.
function jsonOf(v) {
  if (v === undefined) return null;
  if (v && v.jsonNull) return { null: null };
  if (typeof v === "number") return { num: String(v) };
  if (Array.isArray(v)) return v.map(jsonOf);
  if (v && Array.isArray(v.members)) return { obj: v.members.map(([k, x]) => [k, jsonOf(x)]) };
  return v;
}
// Traced pastes are shorter than the rules' max_paste_chars (the test
// checks), so the text needs no cutting first.
function trace(text) {
  const paste = engine.parse(text, data);
  const signals = [];
  for (const q of Object.keys(data.questions).sort()) {
    data.questions[q].forEach((a, i) => {
      if (!a.when) return;
      signals.push({ question: q, answer: i, holds: engine.evaluate(a.when, paste), describe: engine.describe(a.when) });
    });
  }
  const f = engine.features(text, paste);
  const model = data.evidence;
  return {
    paste: {
      status: paste.status, headers: paste.headers, sent: paste.sent, body: paste.body,
      json: jsonOf(paste.json), hosts: paste.hosts,
    },
    looks_like_response: engine.looksLikeResponse(paste),
    signals,
    features: {
      terms: f.terms, hosts: f.hosts, request_hosts: f.requestHosts, url_hosts: f.urlHosts,
      structural: Object.keys(f.structural).sort(),
    },
    scores: model ? engine.score(model, f).map((s, i) => ({
      remedy: model.remedies[i].id, total: s.total, terms: s.terms, host: s.host,
      exact_host: !!s.exactHost, eligible: s.eligible, vouched: s.vouched,
    })) : [],
  };
}
const out = files.map((file) => {
  const text = decoder.decode(readFileSync(file));
  const t0 = performance.now();
  const result = engine.run(data, text);
  const ms = performance.now() - t0;
  return {
    ...(tracing ? { trace: trace(text) } : {}),
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
