// remedy site search: the search box in the site header. The engine
// (search-engine.js: query rules and tantivy's BM25, see src/search/FORMAT.md)
// is loaded when a reader starts typing, with the index's metadata: before
// that a page pays for this file only.
(function () {
"use strict";
// A query runs once typing pauses this long (ms): keys a fluent typist
// presses 100-150 ms apart cost one search, not one per key.
const DEBOUNCE = 160;
// The longest query and what a word is (for marking words): the index's
// rules (meta.js), known once the engine has loaded.
let maxq = Infinity, part = null;
const dict = () => Object.create(null);

// ---------------------------------------------------------------------------
// The search box. Its form is `hidden` in the HTML: readers without
// JavaScript never see a box that cannot work.
function ui() {
  const form = document.getElementById("rm-search");
  try { new RegExp("\\p{Alphabetic}", "u"); } catch (e) { return; }
  // Search files are gzip, unpacked by the browser: without that, no box.
  if (typeof DecompressionStream === "undefined") return;
  if (!form) return;
  const input = document.getElementById("rm-search-input");
  const panel = document.getElementById("rm-search-results");
  const status = document.getElementById("rm-search-status");
  const root = form.getAttribute("data-root") || "";
  const pending = dict();
  let hash = null, engine = null, seq = 0, timer = null, kind = null, code = null, links = [], shownQ = null;
  let fileOf = null;

  // Files are scripts, not fetched JSON, so that file:// works: each one
  // calls this with its key.
  window.__remedySearch = (key, data) => {
    if (pending[key]) { pending[key](data); delete pending[key]; }
  };
  // A script that loaded without calling back, or failed, rejects.
  const load = (key) => new Promise((resolve, reject) => {
    pending[key] = resolve;
    const url = `${root}search/${fileOf(key)}${hash ? "?v=" + hash : ""}`;
    const fail = () => { if (pending[key]) { delete pending[key]; reject(new Error("cannot load " + url)); } };
    const s = document.createElement("script");
    s.src = url;
    s.onload = s.onerror = () => { s.remove(); fail(); };
    document.head.appendChild(s);
  });
  // The engine script, then the metadata: both settle before any other
  // search file is asked for, so their URLs carry ?v=hash. A failure is
  // forgotten, so the next key tries again.
  function getEngine() {
    if (!engine) {
      engine = new Promise((resolve, reject) => {
        if (window.__remedyEngine) return resolve(window.__remedyEngine);
        const s = document.createElement("script");
        s.src = form.getAttribute("data-engine") || `${root}static/search-engine.js`;
        s.onload = () => (window.__remedyEngine ? resolve(window.__remedyEngine) : reject(new Error("no engine")));
        s.onerror = () => reject(new Error("cannot load " + s.src));
        document.head.appendChild(s);
      }).then((lib) => {
        fileOf = lib.fileOf;
        const e = lib.createEngine({ load });
        return e.meta().then((m) => {
          hash = m.hash;
          maxq = m.rules.max_query_chars;
          part = `${m.rules.word}+`;
          return e;
        });
      });
      engine.catch(() => { engine = null; });
    }
    return engine;
  }
  // A paste (a response, a JSON error, an SDK exception) also walks the
  // site's decision trees: the triage engine and each tree's data load
  // only when a query looks like one, and the outcome heads the results.
  let triage = null;
  const looksPasted = (q) => /HTTP\/\d|[{}]|\n\S+:|Error\b|error\b/.test(q) && q.length > 24;
  function getTriage(e) {
    if (!triage) {
      triage = new Promise((resolve, reject) => {
        if (window.RemedyTriage) return resolve(window.RemedyTriage);
        const s = document.createElement("script");
        s.src = form.getAttribute("data-triage");
        s.onload = () => (window.RemedyTriage ? resolve(window.RemedyTriage) : reject(new Error("no triage engine")));
        s.onerror = () => reject(new Error("cannot load " + s.src));
        document.head.appendChild(s);
      }).then((t) => e.meta().then((m) => Promise.all((m.triage || []).map((u) => t.load(root + u))).then((trees) => ({ t, trees }))));
      triage.catch(() => { triage = null; });
    }
    return triage;
  }
  // Like `remedy search`: the first tree whose walk reaches a remedy, else
  // the one that answered most; nothing for a query that is not a paste.
  async function outcome(e, q) {
    if (!looksPasted(q) || !form.getAttribute("data-triage")) return null;
    const { t, trees } = await getTriage(e);
    if (!trees.length || !t.looksLikeResponse(t.parse(q))) return null;
    let best = null;
    const t0 = performance.now();
    for (const data of trees) {
      const r = t.run(data, q), remedy = !Object.prototype.hasOwnProperty.call(data.questions, r.node);
      const o = { data, r, remedy };
      if (!best || (remedy && !best.remedy) || (remedy === best.remedy && r.steps.length > best.r.steps.length)) best = o;
    }
    if (best) best.ms = performance.now() - t0;
    return best && best.r.steps.length ? best : null;
  }
  // As `remedy search`: the remedy's guide pages move to the top of the
  // results, in its order, so the first result explains the card.
  function lead(shown, o) {
    const m = o.data.evidence, rem = m && m.remedies.find((x) => x.id === o.r.node);
    if (!rem) return;
    for (const p of rem.pages.slice().reverse()) {
      const path = m.pages[p].path, i = shown.findIndex((f) => f.u.split("#")[0] === path);
      if (i > 0) shown.unshift(shown.splice(i, 1)[0]);
    }
  }
  // The card: the remedy the paste leads to, or the question it stops at
  // with the likeliest remedies under it.
  function triageCard(o) {
    const box = el("div", "search-triage"), { data, r } = o, step = (id) => href(data.path + "#" + id);
    box.setAttribute("data-node", r.node);
    box.setAttribute("data-ms", o.ms.toFixed(1)); // how long the walk took (tests read it)
    if (o.remedy) {
      box.appendChild(el("p", "search-triage-label", "This looks like"));
      const a = box.appendChild(el("a", "search-link search-triage-link", data.headings[r.node]));
      a.href = step(r.node);
      const last = r.steps[r.steps.length - 1];
      box.appendChild(el("p", "search-triage-why", (last.decidedBy === "evidence" ? "Likely, from the guides: " : "From your paste: ") + last.signal));
    } else {
      const n = r.steps.length;
      box.appendChild(el("p", "search-triage-label", `Your paste answers ${n} question${n === 1 ? "" : "s"} of ${data.title}`));
      const a = box.appendChild(el("a", "search-link search-triage-link", "Next: " + data.headings[r.node]));
      a.href = step(r.node);
      if (r.candidates.length) {
        const ul = box.appendChild(el("ul", "search-triage-likely"));
        ul.setAttribute("aria-label", "Likely remedies");
        for (const c of r.candidates.slice(0, 3)) {
          const l = ul.appendChild(el("li")).appendChild(el("a", "search-link", data.headings[c.node]));
          l.href = step(c.node);
        }
      }
    }
    return box;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  // From disk a folder URL shows a listing: point at its index.html.
  const href = (u) => root + (location.protocol === "file:" ? u.replace(/^([^#]*\/)?(?=#|$)/, "$1index.html") : u);

  // Text has no stems: a word is marked if it is a word of the query or a
  // near match, or a stem plus a short ending ("declin" + "ed").
  const marker = (terms) => (w) => {
    w = w.toLowerCase();
    return terms.some((t) => w === t || (t.length > 2 && w.startsWith(t) && w.length - t.length < 4));
  };
  function highlight(parent, text, hit) {
    const re = new RegExp(part, "gu");
    let last = 0;
    for (let m; (m = re.exec(text));) {
      if (!hit(m[0])) continue;
      parent.append(text.slice(last, m.index), el("mark", null, m[0]));
      last = m.index + m[0].length;
    }
    parent.append(text.slice(last));
  }
  // About 160 characters around the densest cluster of marked words.
  function snippet(text, hit) {
    const re = new RegExp(part, "gu"), at = [];
    for (let m; (m = re.exec(text));) if (hit(m[0])) at.push(m.index);
    let best = 0, start = 0;
    at.forEach((p, i) => {
      let n = 0;
      while (i + n < at.length && at[i + n] < p + 120) n++;
      if (n > best) { best = n; start = Math.max(0, p - 30); }
    });
    if (start) start = text.indexOf(" ", start) + 1 || start;
    let end = Math.min(text.length, start + 160);
    const space = text.lastIndexOf(" ", end);
    if (end < text.length && space > start) end = space;
    return (start ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }
  function chip(label, pressed, id, onClick) {
    const b = el("button", "search-chip", label);
    b.type = "button";
    b.setAttribute("data-chip", id);
    b.setAttribute("aria-pressed", String(pressed));
    b.addEventListener("click", onClick);
    return b;
  }

  // One result: a single link, so the whole card takes focus. A tree step
  // is titled by its own heading, under its tree's title; a guide by its
  // title, with the section the match is in.
  function card(f, hit) {
    const li = el("li", "search-hit"), link = li.appendChild(el("a", "search-link"));
    link.href = href(f.u);
    const step = f.k === "step" && f.h;
    if (f.k === "step") {
      const context = link.appendChild(el("span", "search-context"));
      context.appendChild(el("span", "search-kind", "Troubleshooter step"));
      if (step) highlight(context.appendChild(el("span", "search-parent")), f.t, hit);
    }
    highlight(link.appendChild(el("span", "search-title")), step ? f.h : f.t, hit);
    if (f.h && !step) highlight(link.appendChild(el("span", "search-heading")), f.h, hit);
    if (f.c && f.c.length) {
      const cs = link.appendChild(el("span", "codes"));
      for (const c of f.c) cs.appendChild(el("span", "code-badge", String(c)));
    }
    highlight(link.appendChild(el("span", "search-snippet")), snippet(f.x || "", hit), hit);
    return li;
  }
  // The keys of the panel, for readers with a keyboard (hidden on touch
  // screens; screen readers hear the list itself).
  function keyHints() {
    const p = el("p", "search-keys");
    p.setAttribute("aria-hidden", "true");
    for (const [keys, what] of [[["↵"], "open"], [["↑", "↓"], "move"], [["esc"], "close"]]) {
      const s = p.appendChild(el("span"));
      for (const k of keys) s.appendChild(el("kbd", null, k));
      s.append(" " + what);
    }
    return p;
  }

  // Runs the query in the box; lists each page once, at its best section.
  async function update() {
    clearTimeout(timer);
    timer = null;
    const q = Array.from(query()).slice(0, maxq).join(""), mine = ++seq;
    if (!q.trim()) return close();
    let terms = [], shown = [], found = null;
    try {
      const e = await getEngine();
      const tried = outcome(e, q).catch(() => null);
      const r = await e.pages(q, { typing: true, code, kind, limit: 10 });
      terms = r.terms;
      shown = await Promise.all(r.hits.map((h) => e.fragment(h.doc)));
      found = await tried;
      if (found && found.remedy) lead(shown, found);
    } catch (err) { /* a missing file: show no results */ }
    if (mine === seq) render(q, terms, shown, found);
  }

  function render(q, terms, shown, found) {
    const hit = marker(terms), a = document.activeElement, refocus = a && a.getAttribute && a.getAttribute("data-chip");
    const t = q.trim(), none = `No results for “${t.length > 80 ? t.slice(0, 80) + "…" : t}”`;
    panel.textContent = "";
    const chips = panel.appendChild(el("div", "search-chips"));
    chips.setAttribute("role", "group");
    chips.setAttribute("aria-label", "Filter results");
    for (const [k, label] of [[null, "All"], ["guide", "Guides"], ["step", "Troubleshooter steps"]]) {
      chips.appendChild(chip(label, kind === k, "k" + k, () => { kind = k; update(); }));
    }
    const codes = code != null ? [code] : [];
    for (const f of shown) for (const c of f.c || []) if (!codes.includes(c)) codes.push(c);
    for (const c of codes.sort((x, y) => x - y)) {
      chips.appendChild(chip(String(c), code === c, "c" + c, () => { code = code === c ? null : c; update(); }));
    }
    const list = el("ol", "search-list");
    list.setAttribute("aria-label", "Search results");
    for (const f of shown) list.appendChild(card(f, hit));
    const top = found ? panel.appendChild(triageCard(found)) : null;
    panel.appendChild(shown.length ? list : el("p", "search-empty", none));
    panel.appendChild(keyHints());
    links = Array.from(panel.querySelectorAll(".search-triage a, .search-list a"));
    shownQ = q;
    panel.setAttribute("data-query", q); // which query is on screen (tests wait for it)
    panel.hidden = false;
    status.textContent = (top ? top.textContent + ". " : "") + (shown.length ? `${shown.length} result${shown.length === 1 ? "" : "s"}` : none);
    // Rendering replaced the chip that was just pressed: focus its successor.
    const b = refocus && panel.querySelector(`[data-chip="${refocus}"]`);
    if (b) b.focus();
  }

  function close() {
    seq++;
    panel.hidden = true;
    panel.textContent = "";
    links = [];
    kind = code = shownQ = null;
    status.textContent = "";
  }

  // A one-line box drops the line breaks of a pasted response, and with
  // them its status line and headers: keep the clipboard's text while the
  // box still holds exactly that paste.
  let pasted = null;
  input.addEventListener("paste", (e) => {
    const text = e.clipboardData && e.clipboardData.getData("text");
    const whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    pasted = text && /[\r\n]/.test(text) && whole ? { text, flat: null } : null;
  });
  const query = () => (pasted && pasted.flat === input.value ? pasted.text : input.value);

  form.hidden = false;
  // `?q=` on any page (a browser's address bar through opensearch.xml, a
  // shared link) opens the results for it. The text only ever becomes the
  // box's value, so markup in it stays text.
  const asked = new URLSearchParams(location.search).get("q");
  if (asked && asked.trim()) {
    input.value = asked;
    if (/[\r\n]/.test(asked)) pasted = { text: asked, flat: input.value };
    const open = document.getElementById("rm-search-open");
    if (open && open.offsetParent !== null) open.click();
    update();
  }
  input.addEventListener("input", () => {
    // The input event right after a paste shows what the box made of it.
    if (pasted && pasted.flat === null) pasted.flat = input.value;
    clearTimeout(timer);
    timer = input.value.trim() ? setTimeout(update, DEBOUNCE) : close();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (timer || shownQ !== Array.from(query()).slice(0, maxq).join("")) await update();
    if (links[0]) location.href = links[0].href;
  });
  form.addEventListener("keydown", (e) => {
    let i = links.indexOf(document.activeElement);
    if (e.key === "Escape") {
      input.value = "";
      clearTimeout(timer);
      close();
      input.focus();
    } else if ((e.key === "ArrowDown" || e.key === "ArrowUp") && links.length && (i >= 0 || e.target === input)) {
      e.preventDefault();
      i = e.key === "ArrowDown" ? Math.min(i + 1, links.length - 1) : i - 1;
      (i < 0 ? input : links[i]).focus();
    }
  });
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable) return;
    e.preventDefault();
    input.focus();
  });
  // A click elsewhere or focus moving on (Tab) hides the results, and so
  // does following one (it may only change the #fragment of this page); a
  // click in the box shows them again.
  const hide = () => { panel.hidden = true; };
  document.addEventListener("click", (e) => { if (!form.contains(e.target)) hide(); });
  form.addEventListener("focusout", (e) => { if (e.relatedTarget && !form.contains(e.relatedTarget)) hide(); });
  panel.addEventListener("click", (e) => { if (e.target.closest("a")) hide(); });
  input.addEventListener("click", () => { if (panel.firstChild) panel.hidden = false; });
}

if (typeof document !== "undefined") ui();
if (typeof module !== "undefined") module.exports = { DEBOUNCE };
})();
