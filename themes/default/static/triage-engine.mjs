// triage-engine.js as an ES module, for node: `import { run } from
// "./static/triage-engine.mjs"`. The engine itself stays one classic script
// (the browser loads it with <script>, from file:// too); this wrapper hands
// node's ESM loader the very same object, so a program and the page walk a
// tree with one engine. See the README, "Readable by programs".
import { createRequire } from "node:module";

const engine = createRequire(import.meta.url)("./triage-engine.js");

export default engine;
export const {
  parse, evaluate, describe, features, score, walk, run, runAll, looksLikeResponse, distinctTerms, hosts,
  adopt,
} = engine;
