// remedy site search: the engine (no DOM; node runs it too, see
// tests/browser/search-node.mjs). search.js, the search box, loads it when a
// reader starts typing, so a page costs only the box until then.
// src/search/FORMAT.md is the contract with the Rust exporter and `remedy
// search`: same query rules, and scores equal to tantivy's, hence every float
// operation rounded to f32 (fround) in the order tantivy's bm25.rs uses.
(function () {
"use strict";
const F = Math.fround;
const ABC = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
// Every weight, limit, suffix and character class of the query rules comes
// from meta.js (`rules`, written by src/search/rules.rs): none is restated
// here. Regular expressions are built from strings, so where Unicode
// property escapes are missing the engine fails in a try (the box stays
// hidden), not while parsing.
const own = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const dict = () => Object.create(null); // keys like "constructor" are words too
// A search file's path under search/: "meta" -> meta.js, "t12" -> t/12.js.
const fileOf = (key) => `${key.replace(/^([vtf])(?=\d)/, "$1/")}.js`;
// Keys are in code point order (Rust's byte order of UTF-8); JavaScript's
// `<` compares UTF-16 units, which differ only above U+D7FF.
function cmp(a, b) {
  for (let i = 0; i < a.length && i < b.length; i++) {
    let x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) { x += x >= 0xe000 ? -0x800 : 0x2000; y += y >= 0xe000 ? -0x800 : 0x2000; }
    return x - y;
  }
  return a.length - b.length;
}
// Every packed file but meta.js is the base64 of a gzip stream.
async function unpack(b64) {
  const bin = atob(b64), bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const s = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}
const utf8 = (b) => new TextDecoder().decode(b);
// A term pack: term -> [start, end) of its lists in the bytes.
function packIndex(b) {
  const at = new Map();
  let i = 0;
  const uv = () => { let n = 0, s = 1, c; do { c = b[i++]; n += (c & 127) * s; s *= 128; } while (c & 128); return n; };
  while (i < b.length) {
    const n = uv(), key = utf8(b.subarray(i, (i += n))), len = uv();
    at.set(key, [i, (i += len)]);
  }
  return { b, at };
}
// A vocabulary shard: word -> [term, pages], from `word\tterm\tpages`
// lines (the term left empty when it is the word).
function vocabOf(b) {
  const out = dict();
  for (const line of utf8(b).split("\n")) {
    if (!line) continue;
    const [w, t, n] = line.split("\t");
    out[w] = [t || w, +n];
  }
  return out;
}
const parsers = { k: (b) => JSON.parse(utf8(b)), t: packIndex, v: vocabOf, f: (b) => JSON.parse(utf8(b)) };

function matches(re, s, off) {
  const out = [], r = new RegExp(re, "gu");
  for (let m; (m = r.exec(s));) out.push({ w: m[0], at: off + m.index, end: off + m.index + m[0].length });
  return out;
}
// Range packs (terms, vocabulary, pages): the last i with bounds[i] <= s.
function shardOf(bounds, s, c = (a, b) => a - b) {
  let lo = 0, hi = bounds.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (c(bounds[mid], s) <= 0) lo = mid; else hi = mid - 1; }
  return lo;
}
function decode(p) {
  const out = [];
  let n = 0;
  for (const c of p) {
    const d = ABC.indexOf(c);
    if (d >= 32) n = n * 32 + d - 32; else { out.push(n * 32 + d); n = 0; }
  }
  return out;
}
// Optimal string alignment distance, on code point arrays.
function osa(a, b) {
  const d = [];
  for (let i = 0; i <= a.length; i++) { d[i] = [i]; for (let j = 1; j <= b.length; j++) d[i][j] = i ? 0 : j; }
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) {
    d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
  }
  return d[a.length][b.length];
}
function createEngine(opts) {
  const cache = dict();
  const get = (key) => cache[key] || (cache[key] = Promise.resolve().then(() => opts.load(key))
    .then((d) => (key === "meta" ? d : unpack(d).then(parsers[key[0]]))));
  // The rules of meta.js, with the patterns and field numbers made once.
  let R = null;
  const meta = () => get("meta").then((m) => {
    if (!R) {
      const r = m.rules, f = (n) => m.fields.indexOf(n), esc = (x) => x.replace(/[\\\]\-^]/g, "\\$&");
      R = Object.assign({}, r, {
        RUN: `${r.word}+(?:[${esc(r.joiners)}]${r.word}+)*`, PART: `${r.word}+`,
        SYMBOL: `(?:${r.word}|_)+`, PUNCT: new Set(Array.from(r.code_punctuation)),
        TEXT: [f("title"), f("heading"), f("body")], PAIRS: f("pairs"), CODES: f("codes"), KIND: f("kind"),
        SYMBOLS: f("symbols"), WHOLE: f("whole"), K1: F(r.k1), B: F(r.b), K1P1: F(1 + F(r.k1)),
      });
    }
    return m;
  });
  const keys = () => get("keys");
  let firsts = null;
  // The first document of each page (pages' documents are consecutive).
  const pageFirsts = () => firsts || (firsts = keys().then((k) => {
    const f = decode(k.p);
    for (let i = 1; i < f.length; i++) f[i] += f[i - 1];
    return f;
  }));
  let refSet = null;
  // The documents of reference sections: keys.r, base-32 deltas.
  const references = () => refSet || (refSet = keys().then((k) => {
    const r = decode(k.r || ""), out = new Set();
    for (let i = 0, d = 0; i < r.length; i++) out.add((d += r[i]));
    return out;
  }));
  // A section's record, from its page's fragment pack.
  async function fragment(doc) {
    const m = await meta(), f = await pageFirsts(), page = shardOf(f, doc);
    const pack = await get("f" + Math.floor(page / m.pack));
    const [t, u, c, k, sections] = pack[page % m.pack], s = sections[doc - f[page]];
    if (!s) throw new Error("no fragment for document " + doc);
    return { t, h: s[0], u: s[1] ? `${u}#${s[1]}` : u, c, k, x: s[2] };
  }

  // Every vocabulary word w with lo <= w < hi, as {word: term}; a prefix or
  // a first letter may span several consecutive shards.
  async function wordsIn(lo, hi) {
    const v = (await keys()).v, first = shardOf(v, lo, cmp), loads = [get("v" + first)];
    for (let i = first + 1; i < v.length && cmp(v[i], hi) < 0; i++) loads.push(get("v" + i));
    const out = dict();
    for (const s of await Promise.all(loads)) for (const w in s) if (cmp(w, lo) >= 0 && cmp(w, hi) < 0) out[w] = s[w][0];
    return out;
  }
  const near = (terms, ws) => ({ terms, words: ws, weight: R.near, tw: terms.map(() => R.near) });
  // A word's indexed term, or null when the vocabulary lacks it.
  const entryOf = (w) => keys().then((k) => get("v" + shardOf(k.v, w, cmp))).then((v) => (own(v, w) ? v[w] : null));
  const termOf = (w) => entryOf(w).then((e) => (e ? e[0] : null));
  // How many pages have the word (0: none).
  const pagesOf = (w) => entryOf(w).then((e) => (e ? e[1] : 0));

  // Word families (src/search/morph.rs): derivational suffixes taken off,
  // longest first, and the spellings the root may have had.
  const eligible = (w) => w.length >= R.family_min && /^[a-z]+$/.test(w);
  function candidates(w) {
    const out = [];
    for (const s of R.suffixes) {
      if (!w.endsWith(s) || w.length - s.length < R.root_min) continue;
      const r = w.slice(0, w.length - s.length);
      out.push(r, r + "e");
      if (r.endsWith("i")) out.push(r.slice(0, -1) + "y");
      if (r[r.length - 1] === r[r.length - 2]) out.push(r.slice(0, -1));
      for (const [x, ending] of R.extra_spellings) if (x === s) out.push(r + ending);
    }
    return out;
  }
  // [word, term] of each base, each looked up once.
  async function bases(w) {
    const out = [];
    if (!eligible(w)) return out;
    for (const c of candidates(w)) {
      if (c === w || c.length < R.root_min || out.some((b) => b[0] === c)) continue;
      const t = await termOf(c);
      if (t !== null) out.push([c, t]);
    }
    return out;
  }
  async function family(w, own) {
    if (!eligible(w)) return [];
    const related = new Set();
    for (const b of await bases(w)) related.add(b[1]);
    const p = w.replace(/[ey]$/, ""), words = await wordsIn(p, p + "\u{10ffff}");
    for (const x in words) if (x !== w && eligible(x) && candidates(x).includes(w)) related.add(words[x]);
    related.delete(own);
    return [...related].sort(cmp).slice(0, R.max_family);
  }

  // Query rule 3: a part's terms (the first is its primary), or null.
  function resolve(w, prefix) {
    const cps = Array.from(w);
    return termOf(w).then(async (t) => {
      if (t !== null) {
        const f = await family(w, t);
        return { terms: [t, ...f], words: [w], weight: 1, tw: [1, ...f.map(() => R.near)] };
      }
      const found = prefix && cps.length >= 3 ? await wordsIn(w, w + "\u{10ffff}") : dict();
      {
        const ws = Object.keys(found).sort((a, b) => Array.from(a).length - Array.from(b).length || cmp(a, b));
        if (ws.length) return near(ws.slice(0, R.near_terms).map((x) => found[x]), ws.slice(0, R.near_terms));
        // Not in the text, but derived from a word that is (`retryable`).
        const bs = await bases(w), ts = [];
        for (const b of bs) if (!ts.includes(b[1])) ts.push(b[1]);
        if (ts.length) return near(ts.slice(0, R.near_terms), bs.map((b) => b[0]));
        // No completion: try fuzzy, for a typo in the word being typed.
        if (cps.length < R.typo_min || !new RegExp("\\p{Alphabetic}", "u").test(w)) return null;
        const k = cps.length >= R.typo_two ? 2 : 1, c = cps[0];
        return wordsIn(c, String.fromCodePoint(c.codePointAt(0) + 1)).then((all) => {
          let best = k, hits = [];
          for (const x of Object.keys(all).sort(cmp)) {
            const xc = Array.from(x);
            if (Math.abs(xc.length - cps.length) > best) continue;
            const d = osa(cps, xc);
            if (d < best) { best = d; hits = []; }
            if (d === best) hits.push(x);
          }
          return hits.length ? near(hits.slice(0, R.near_terms).map((x) => all[x]), hits.slice(0, R.near_terms)) : null;
        });
      }
    });
  }

  // Rules 1-2: segments (text outside quotes first, then each phrase) with
  // their parts and multi-part runs.
  function parse(q) {
    let quotes = [];
    const segs = [], outside = { all: [], symbols: [] };
    for (let i = -1; (i = q.indexOf('"', i + 1)) >= 0;) quotes.push(i);
    // Many quotes, or JSON or key="value" syntax: a paste's quotes, not phrases.
    if (quotes.length > 2 * R.max_phrases + 1 || /[{}=]/.test(q)) quotes = []; else if (quotes.length % 2) quotes.pop();
    const add = (seg, a, b) => {
      // Words are found in the text as typed and lowercased one by one, as
      // `remedy search` does: lowercasing first can split a word (İ -> i̇).
      for (const r of matches(R.RUN, q.slice(a, b), a)) {
        const parts = matches(R.PART, r.w, r.at);
        for (const p of parts) p.w = p.w.toLowerCase();
        seg.all.push({ w: r.w.toLowerCase(), parts });
      }
      // Symbols (analyzer.rs, `query_symbols`): two characters or more
      // with a letter; typed as code (an `_`, a capital after the first
      // letter, a letter beside a digit, code punctuation either side),
      // they weigh `shaped`.
      const letter = new RegExp("\\p{Alphabetic}", "u");
      const code = new RegExp("_|.\\p{Uppercase}|\\p{Alphabetic}\\p{N}|\\p{N}\\p{Alphabetic}", "u");
      for (const m of matches(R.SYMBOL, q.slice(a, b), a)) {
        if (!(Array.from(m.w).length >= 2 && letter.test(m.w))) continue;
        const shaped = code.test(m.w) || R.PUNCT.has(q[m.at - 1]) || R.PUNCT.has(q[m.end]);
        seg.symbols.push({ w: m.w.toLowerCase(), k: shaped ? R.shaped : 1, end: m.end });
      }
      return seg;
    };
    // A paste (more than max_query_parts words) picks its runs once the
    // vocabulary says how many pages have each word (choose, below).
    const finish = (seg) => {
      seg.parts = [];
      seg.runs = [];
      if (seg.all.reduce((n, r) => n + r.parts.length, 0) > R.max_query_parts) seg.paste = true;
      else use(seg, seg.all);
      return seg;
    };
    let from = 0;
    for (let i = 0; i < quotes.length; i += 2) {
      add(outside, from, quotes[i]);
      segs.push(finish(add({ all: [], symbols: [], phrase: true }, quotes[i] + 1, quotes[i + 1])));
      from = quotes[i + 1] + 1;
    }
    return [finish(add(outside, from, q.length)), ...segs];
  }

  // The runs a segment searches; an identifier typed whole also counts
  // whole (rule 4), not in a paste, where none was typed by the reader.
  function use(seg, runs) {
    runs.forEach((r, i) => {
      if (r.parts.length > 1 && !seg.paste) { seg.runs.push(r.w); for (const p of r.parts) p.scale = R.run_part; }
      for (const p of r.parts) { p.run = i; seg.parts.push(p); }
    });
  }
  // Rule 2 for a paste (query.rs, `informative`): each distinct run once,
  // none with a word the site lacks or on more than half the pages, the
  // rarest first (by the pages of its rarest word with a letter; all-digit
  // runs by their commonest word), then identifiers, codes, words, then
  // position, while the words fit in MAXPARTS.
  async function choose(seg) {
    const total = (await pageFirsts()).length, seen = new Set(), ranked = [];
    const counts = await Promise.all(seg.all.map((r) => Promise.all(r.parts.map((p) => pagesOf(p.w)))));
    seg.all.forEach((r, i) => {
      const c = r.parts.length > 1 ? 0 : /[0-9]/.test(r.w) ? 1 : Array.from(r.w).length >= R.paste_word_min ? 2 : -1;
      if (c < 0 || seen.has(r.w)) return;
      seen.add(r.w);
      const n = counts[i];
      if (n.some((x) => x === 0) || (n.length > 1 && r.parts.every((p) => !/[^0-9]/.test(p.w)))) return;
      const lettered = n.filter((_, k) => /[^0-9]/.test(r.parts[k].w));
      const spec = lettered.length ? Math.min(...lettered) : Math.max(...n);
      if (spec * 2 > total) return;
      ranked.push([spec, c, i]);
    });
    ranked.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    const kept = new Set();
    let used = 0;
    for (const [, , i] of ranked) if (used + seg.all[i].parts.length <= R.max_query_parts) { used += seg.all[i].parts.length; kept.add(i); }
    use(seg, seg.all.filter((_, i) => kept.has(i)));
  }

  async function search(query, o) {
    const m = await meta();
    const q = Array.from(String(query == null ? "" : query)).slice(0, R.max_query_chars).join(""), segs = parse(q);
    await Promise.all(segs.filter((s) => s.paste).map(choose));
    let last = -1;
    for (const s of segs) for (const p of s.parts) last = Math.max(last, p.end);
    const prefix = o.typing && !/[\s"]$/.test(q);
    // While typing, a last word of one or two characters is not a word yet:
    // it would only fetch files for results gone at the next key.
    const typed = (p) => prefix && p.end === last;
    const one = (p) => (typed(p) && Array.from(p.w).length < 3 ? null
      : resolve(p.w, typed(p)).then((r) => r && Object.assign(r, { scale: p.scale || 1, run: p.run })));
    const resolved = await Promise.all(segs.map((s) => Promise.all(s.parts.map(one))));
    // Nor is the last symbol a symbol yet while it is being typed: each key
    // would fetch the term pack of another partial word.
    if (prefix) for (const s of segs) s.symbols = s.symbols.filter((y) => y.end < last);
    return rank(m, segs, resolved, o);
  }

  // Rules 4-6: clauses, filters, BM25, order.
  async function rank(m, segs, resolved, o) {
    const clauses = [], seen = dict(), filters = [], found = dict(), syn = m.syn || {};
    const add = (field, term, boost) => {
      const c = seen[field + " " + term];
      if (c) c.boost = Math.max(c.boost, boost);
      else clauses.push((seen[field + " " + term] = { field, term, boost }));
    };
    const text = (term, w) => R.TEXT.forEach((f) => add(f, term, m.boosts[f] * w));
    segs.forEach((seg, si) => {
      const rs = resolved[si].filter(Boolean), prim = rs.map((r) => r.terms[0]), pairs = [];
      for (const r of rs) {
        r.terms.forEach((t, i) => { text(t, r.tw[i] * r.scale); found[t] = 1; });
        for (const w of r.words) found[w] = 1;
      }
      for (const r of seg.runs) { text(r, R.run); found[r] = 1; }
      // A query that is a heading word for word (rule 4c).
      if (!seg.phrase && !seg.paste && rs.length && rs.length === resolved[si].length && rs.every((r) => r.weight === 1)) add(R.WHOLE, prim.join(" "), m.boosts[R.WHOLE]);
      // Identifiers as code writes them (rule 4b), not in a paste.
      if (!seg.paste) for (const y of seg.symbols) add(R.SYMBOLS, y.w, m.boosts[R.SYMBOLS] * y.k);
      for (let i = 1; i < rs.length; i++) {
        if (seg.paste && rs[i - 1].run !== rs[i].run) continue;
        const pair = prim[i - 1] + " " + prim[i];
        pairs.push(pair);
        add(R.PAIRS, pair, m.boosts[R.PAIRS] * (rs[i - 1].weight === 1 && rs[i].weight === 1 ? 1 : R.near) * Math.min(rs[i - 1].scale, rs[i].scale));
      }
      // Synonyms: a status code brings its reason phrase, and back.
      for (const t of prim) {
        const r = own(syn, t) ? syn[t] : [];
        if (r.length === 1) text(r[0], R.synonym);
        for (let j = 1; j < r.length; j++) add(R.PAIRS, r[j - 1] + " " + r[j], m.boosts[R.PAIRS] * R.synonym);
      }
      // Two status codes named: headings that name them weigh `compared` times.
      const codes = [...new Set(prim.filter((t) => /^[1-5][0-9][0-9]$/.test(t)))];
      if (codes.length >= 2) for (const c of codes) add(R.TEXT[1], c, m.boosts[R.TEXT[1]] * R.compared);
      const joined = ` ${prim.join(" ")} `;
      for (const code of Object.keys(syn)) if (joined.includes(` ${syn[code].join(" ")} `)) text(code, R.synonym);
      // Rule 5, on the phrase's resolved words (as `remedy search` does).
      if (!seg.phrase || !rs.length) return;
      if (rs.length === 1) filters.push(R.TEXT.map((f) => [f, prim[0]]));
      for (const p of pairs) filters.push([[R.PAIRS, p]]);
    });
    if (o.code != null) filters.push([[R.CODES, String(o.code)]]);
    if (o.kind) filters.push([[R.KIND, o.kind]]);
    const result = { hits: [], terms: Object.keys(found) }, limit = o.limit || 10;
    // Summed in `remedy search`'s clause order: f32 addition is not associative.
    clauses.sort((a, b) => a.field - b.field || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    // The plan itself, for the parity test (tests/search.rs compares it with
    // `remedy search`'s clause for clause).
    if (o.plan) result.plan = clauses.map((c) => [c.field, c.term, c.boost]);
    if (!clauses.length) return result;

    const sets = await Promise.all(filters.map(async (alts) => {
      const set = dict();
      for (const l of await Promise.all(alts.map((a) => postings(m, a[0], a[1])))) {
        for (let i = 0; i < l.length; i += 3) set[l[i]] = 1;
      }
      return set;
    }));
    const lists = await Promise.all(clauses.map((c) => (c.boost ? postings(m, c.field, c.term) : [])));
    const scores = dict(), N = m.docs, hits = [];
    const sc = [];
    clauses.forEach((c, ci) => {
      const l = lists[ci], n = l.length / 3;
      if (!n) return;
      // bm25.rs: idf; weight = idf * (1 + K1), then boost_by; the tf cache.
      const idf = F(Math.log(F(1 + F(F(F(N - n) + 0.5) / F(F(n) + 0.5)))));
      const run = R.TEXT.includes(c.field) && Array.from(R.joiners).some((j) => c.term.includes(j));
      const boost = run && n * R.run_rare > N ? c.boost / R.run : c.boost;
      sc.push({ l, i: 0, w: F(F(idf * R.K1P1) * F(boost)), avg: F(F(m.tokens[c.field]) / F(N)) });
    });
    const score = (s) => {
      const norm = F(R.K1 * F(F(1 - R.B) + F(F(R.B * F(m.norms[s.l[s.i + 2]])) / s.avg)));
      const tf = F(s.l[s.i + 1]);
      return F(s.w * F(tf / F(tf + norm)));
    };
    // f32 sums depend on order, so add as tantivy does. With a filter, its
    // union adds clause by clause; without, block-WAND adds the clauses on
    // the lowest doc in their current order, then advances them, drops
    // exhausted ones (swap_remove) and re-sorts by doc (stable sort). Exact
    // while tantivy's top-k heap never fills (it prunes once it does).
    if (filters.length) {
      for (const s of sc) for (; s.i < s.l.length; s.i += 3) scores[s.l[s.i]] = F((scores[s.l[s.i]] || 0) + score(s));
    }
    const byDoc = (a, b) => a.l[a.i] - b.l[b.i];
    for (sc.sort(byDoc); sc.length && !filters.length; sc.sort(byDoc)) {
      const doc = sc[0].l[sc[0].i];
      let sum = 0;
      for (let k = 0; k < sc.length && sc[k].l[sc[k].i] === doc; k++) { sum = F(sum + score(sc[k])); sc[k].i += 3; }
      scores[doc] = sum;
      for (let k = 0; k < sc.length;) if (sc[k].i < sc[k].l.length) k++; else { sc[k] = sc[sc.length - 1]; sc.pop(); }
    }
    // Reference sections (Sources, See also) count half (query.rs).
    const refs = await references();
    for (const d in scores) if (sets.every((set) => set[d])) hits.push({ doc: +d, score: refs.has(+d) ? F(scores[d] * R.reference) : scores[d] });
    hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
    result.hits = hits.slice(0, limit);
    return result;
  }

  // The postings of term in field, decoded: [doc, tf, fieldnorm id, ...].
  // A list is n doc deltas, n frequencies (varints), n norm id bytes.
  async function postings(m, field, term) {
    const p = await get("t" + shardOf((await keys()).t, term, cmp)), r = p.at.get(term), b = p.b;
    if (!r) return [];
    let i = r[0];
    const uv = () => { let n = 0, s = 1, c; do { c = b[i++]; n += (c & 127) * s; s *= 128; } while (c & 128); return n; };
    while (i < r[1]) {
      const f = b[i++], n = uv();
      if (f !== field) { for (let k = 0; k < 2 * n; k++) uv(); i += n; continue; }
      const l = new Array(3 * n);
      for (let k = 0, doc = 0; k < n; k++) l[3 * k] = doc += uv();
      for (let k = 0; k < n; k++) l[3 * k + 1] = uv();
      for (let k = 0; k < n; k++) l[3 * k + 2] = b[i++];
      return l;
    }
    return [];
  }

  // Pages as `remedy search` ranks them (rule 6): every matching section
  // counts, best first, weighted 1, 0.5, 0.25... pages.js holds the first
  // doc of each page (deltas), so no fragment is needed to group.
  async function pages(q, o) {
    const m = await meta(), firsts = await pageFirsts();
    const r = await search(q, Object.assign({}, o, { limit: m.docs }));
    const byPage = new Map();
    for (const h of r.hits) {
      const page = shardOf(firsts, h.doc);
      const p = byPage.get(page) || byPage.set(page, { doc: h.doc, score: 0, share: 1 }).get(page);
      p.score = F(p.score + F(h.score * p.share));
      p.share = F(p.share * R.page_decay);
    }
    const ranked = [...byPage.values()].sort((a, b) => b.score - a.score || a.doc - b.doc);
    return { hits: ranked.slice(0, o.limit || 10).map((p) => ({ doc: p.doc, score: p.score })), terms: r.terms };
  }

  // Both reject only with opts.strict (the node runner): in a page, a bad
  // query or a missing file is just no results.
  const safe = (f) => (q, o) => f(q, o || {}).catch((e) => {
    if (opts.strict) throw e;
    return { hits: [], terms: [], error: String(e) };
  });
  return { meta, fragment, search: safe(search), pages: safe(pages) };
}

if (typeof module !== "undefined") module.exports = { createEngine, fileOf };
else window.__remedyEngine = { createEngine, fileOf };
})();
