// The paste box of a decision-tree page: reads a pasted response and lets
// the tree's signals answer every question they can, in this page only.
//
// The engine below is a line-for-line copy of src/tree/paste.rs and the
// evaluation in src/tree/signals/eval.rs and src/tree/triage.rs (`remedy
// triage`); tests/triage.rs runs it in node on the same corpus and checks
// both reach the same node with the same trail. Keep the two in step.
// No regex ever runs over the whole paste; patterns from the tree are held
// to a backtracking-safe subset at build time and see at most 1024
// characters. The paste is only ever shown with textContent.
(function () {
  "use strict";
  var MAX_PASTE_CHARS = 262144;
  var MAX_DEPTH = 64;
  var MAX_MATCH_CHARS = 1024;
  var MAX_BASE64_CHARS = 65536;

  // The first `max` code points of s.
  function cap(s, max) {
    if (s.length <= max) return s;
    var n = 0, i = 0;
    while (i < s.length && n < max) {
      var c = s.charCodeAt(i);
      i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
      n++;
    }
    return s.slice(0, i);
  }
  function isWs(c) { return c === 32 || c === 9 || c === 10 || c === 12 || c === 13; }
  function trimStart(s) { var i = 0; while (i < s.length && isWs(s.charCodeAt(i))) i++; return s.slice(i); }
  function trimEnd(s) { var j = s.length; while (j > 0 && isWs(s.charCodeAt(j - 1))) j--; return s.slice(0, j); }
  function trim(s) { return trimEnd(trimStart(s)); }
  function lower(s) { return s.replace(/[A-Z]+/g, function (m) { return m.toLowerCase(); }); }
  function isDigit(c) { return c >= 48 && c <= 57; }
  function isAlnum(c) { return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122); }
  var TOKEN = "!#$%&'*+-.^_`|~";
  function isToken(c) { return isAlnum(c) || (c < 128 && TOKEN.indexOf(String.fromCharCode(c)) >= 0); }

  // Objects keep their members in order, repeated keys included.
  function Obj(members) { this.members = members; }

  function pointer(json, tokens) {
    var at = json;
    for (var i = 0; i < tokens.length; i++) {
      var t = tokens[i];
      if (at instanceof Obj) {
        var found = null;
        for (var j = at.members.length - 1; j >= 0; j--) {
          if (at.members[j][0] === t) { found = at.members[j]; break; }
        }
        if (!found) return undefined;
        at = found[1];
      } else if (Array.isArray(at)) {
        if (!/^[0-9]+$/.test(t) || (t.length > 1 && t.charAt(0) === "0")) return undefined;
        var k = Number(t);
        if (k >= at.length) return undefined;
        at = at[k];
      } else {
        return undefined;
      }
    }
    return at;
  }

  function unprefix(line) {
    if (line.slice(0, 2) === "< ") return [line.slice(2), true];
    if (trimEnd(line) === "<") return ["", true];
    return [line, false];
  }
  var NOISE = ["* ", "> ", "< ", "{ [", "} ["];
  function isCurlNoise(line) {
    for (var i = 0; i < NOISE.length; i++) if (line.slice(0, NOISE[i].length) === NOISE[i]) return true;
    return line === "*" || line === ">" || line === "<";
  }
  function threeDigits(s, at) {
    at = at || 0;
    if (s.length - at < 3) return null;
    for (var i = 0; i < 3; i++) if (!isDigit(s.charCodeAt(at + i))) return null;
    if (at + 3 < s.length && isDigit(s.charCodeAt(at + 3))) return null;
    var n = Number(s.substr(at, 3));
    return n >= 100 && n <= 599 ? n : null;
  }
  function statusOfLine(line) {
    if (line.slice(0, 5) !== "HTTP/") return null;
    var i = 5;
    while (i < line.length && (isDigit(line.charCodeAt(i)) || line.charAt(i) === ".")) i++;
    if (i === 5) return null;
    var j = i;
    while (j < line.length && line.charAt(j) === " ") j++;
    if (j === i) return null;
    var code = threeDigits(line, j);
    if (code === null) return null;
    return j + 3 === line.length || line.charAt(j + 3) === " " ? code : null;
  }
  function header(line) {
    var colon = line.indexOf(":");
    if (colon <= 0) return null;
    for (var i = 0; i < colon; i++) if (!isToken(line.charCodeAt(i))) return null;
    return [lower(line.slice(0, colon)), trim(line.slice(colon + 1))];
  }

  var STATUS_BEFORE = ["error code", "status code", "status_code", "status", "http"];
  var STATUS_AFTER = [" payment required", ": payment_required", " too many requests", ": too_many_requests",
    " bad request", " unauthorized", " forbidden", ": payment required", " - payment required", " insufficient balance"];
  function statusInText(text) {
    var s = lower(text);
    var first = s.length - trimStart(s).length;
    var i = 0;
    while (i < s.length) {
      if (!isDigit(s.charCodeAt(i))) { i++; continue; }
      var run = 0;
      while (i + run < s.length && isDigit(s.charCodeAt(i + run))) run++;
      if (run === 3 && (i === 0 || !isAlnum(s.charCodeAt(i - 1)))) {
        var code = threeDigits(s, i);
        if (code !== null) {
          var end = i;
          while (end > 0 && " :=\t".indexOf(s.charAt(end - 1)) >= 0) end--;
          var k;
          for (k = 0; k < STATUS_BEFORE.length; k++) {
            var w = STATUS_BEFORE[k], from = end - w.length;
            if (from >= 0 && s.startsWith(w, from) && !(from > 0 && (isAlnum(s.charCodeAt(from - 1)) || s.charAt(from - 1) === "_"))) return code;
          }
          if (end >= 5 && s.startsWith("error", end - 5)) return code;
          for (k = 0; k < STATUS_AFTER.length; k++) if (s.startsWith(STATUS_AFTER[k], i + 3)) return code;
          if (i === first && s.charAt(i + 3) === " ") return code;
        }
      }
      i += run;
    }
    return null;
  }

  // One JSON or Python-literal value at the start of s; null if malformed
  // or deeper than MAX_DEPTH. (A JSON null is returned as JSON_NULL.)
  var JSON_NULL = { jsonNull: true };
  function parseJson(s) {
    var i = 0, stack = [];
    function ws() { while (i < s.length && isWs(s.charCodeAt(i)) && s.charCodeAt(i) !== 12) i++; }
    function str() {
      var quote = s.charAt(i);
      if (quote !== '"' && quote !== "'") return null;
      i++;
      var out = "", high = false;
      function flush() { if (high) { out += "\ufffd"; high = false; } }
      var highUnit = 0;
      for (;;) {
        var start = i;
        while (i < s.length && s.charAt(i) !== quote && s.charAt(i) !== "\\") i++;
        if (i > start) { flush(); out += s.slice(start, i); }
        if (i >= s.length) return null;
        if (s.charAt(i) === quote) { i++; flush(); return out; }
        i++;
        if (i >= s.length) return null;
        var e = s.charAt(i);
        i++;
        var simple = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" }[e];
        if (e !== "u") {
          if (simple === undefined) {
            var cp = s.codePointAt(i - 1);
            simple = String.fromCodePoint(cp);
            i += simple.length - 1;
          }
          flush(); out += simple; continue;
        }
        var hex = s.substr(i, 4);
        if (hex.length < 4 || !/^[0-9A-Fa-f]{4}$/.test(hex)) return null;
        var unit = parseInt(hex, 16);
        i += 4;
        if (unit >= 0xd800 && unit <= 0xdbff) { flush(); high = true; highUnit = unit; }
        else if (unit >= 0xdc00 && unit <= 0xdfff) {
          if (high) { high = false; out += String.fromCodePoint(0x10000 + ((highUnit - 0xd800) << 10) + (unit - 0xdc00)); }
          else out += "\ufffd";
        } else { flush(); out += String.fromCharCode(unit); }
      }
    }
    var WORDS = [["true", true], ["True", true], ["false", false], ["False", false], ["null", JSON_NULL], ["None", JSON_NULL]];
    function scalar() {
      for (var w = 0; w < WORDS.length; w++) {
        if (s.startsWith(WORDS[w][0], i)) { i += WORDS[w][0].length; return WORDS[w][1]; }
      }
      var start = i;
      if (s.charAt(i) === "-") i++;
      function digits() { var from = i; while (i < s.length && isDigit(s.charCodeAt(i))) i++; return i > from; }
      if (!digits()) return null;
      if (s.charAt(i) === ".") { i++; if (!digits()) return null; }
      if (s.charAt(i) === "e" || s.charAt(i) === "E") {
        i++;
        if (s.charAt(i) === "+" || s.charAt(i) === "-") i++;
        if (!digits()) return null;
      }
      return Number(s.slice(start, i));
    }
    function key() {
      var k = str();
      if (k === null) return null;
      ws();
      if (s.charAt(i) !== ":") return null;
      i++;
      return k;
    }
    for (;;) {
      ws();
      if (i >= s.length) return null;
      var c = s.charAt(i), value;
      if (c === "{" || c === "[") {
        if (stack.length >= MAX_DEPTH) return null;
        i++;
        ws();
        if (c === "[") {
          if (s.charAt(i) === "]") { i++; value = []; }
          else { stack.push({ arr: [] }); continue; }
        } else if (s.charAt(i) === "}") { i++; value = new Obj([]); }
        else {
          var k0 = key();
          if (k0 === null) return null;
          stack.push({ obj: [], key: k0 });
          continue;
        }
      } else if (c === '"' || c === "'") {
        value = str();
        if (value === null) return null;
      } else {
        value = scalar();
        if (value === null) return null;
      }
      for (;;) {
        if (!stack.length) return value;
        var top = stack[stack.length - 1];
        if (top.arr) top.arr.push(value);
        else { if (top.key === null) return null; top.obj.push([top.key, value]); top.key = null; }
        ws();
        if (i >= s.length) return null;
        var d = s.charAt(i);
        if (d === ",") {
          i++;
          ws();
          if (i >= s.length) return null;
          d = s.charAt(i);
          var closes = (top.arr && d === "]") || (top.obj && d === "}");
          if (!closes) {
            if (top.obj) { var k1 = key(); if (k1 === null) return null; top.key = k1; }
            break;
          }
        }
        stack.pop();
        if (top.arr && d === "]") value = top.arr;
        else if (top.obj && d === "}") value = new Obj(top.obj);
        else return null;
        i++;
      }
    }
  }

  function parse(input) {
    var text = cap(input, MAX_PASTE_CHARS).replace(/\r\n/g, "\n").replace(/\r/g, "\n");
    var lines = text.split("\n");
    var paste = { status: null, headers: [], sent: [], body: "", json: undefined };
    var statusAt = -1;
    for (var i = lines.length - 1; i >= 0; i--) {
      if (statusOfLine(trimStart(unprefix(lines[i])[0])) !== null) { statusAt = i; break; }
    }
    if (statusAt >= 0) {
      var first = unprefix(lines[statusAt]), verbose = first[1];
      paste.status = statusOfLine(trimStart(first[0]));
      var j = statusAt + 1;
      while (j < lines.length) {
        var u = unprefix(lines[j]);
        if (verbose && !u[1]) break;
        if (trim(u[0]) === "") { j++; break; }
        var h = header(trimStart(u[0]));
        if (!h) break;
        paste.headers.push(h);
        j++;
      }
      paste.body = lines.slice(j).filter(function (l) { return !verbose || !isCurlNoise(l); }).join("\n");
    } else {
      paste.body = text;
      paste.status = statusInText(text);
    }
    lines.forEach(function (l) {
      if (l.slice(0, 2) === "> ") { var h = header(l.slice(2)); if (h) paste.sent.push(h); }
    });
    var trimmed = trimStart(paste.body);
    var at = trimmed.charAt(0) === "[" ? paste.body.length - trimmed.length : paste.body.indexOf("{");
    if (at >= 0) {
      var json = parseJson(paste.body.slice(at));
      if (json !== null) paste.json = json;
    }
    [["error", "code"], ["status"]].forEach(function (path) {
      if (paste.status !== null || paste.json === undefined) return;
      var code = pointer(paste.json, path);
      if (typeof code === "number" && Math.floor(code) === code && code >= 100 && code <= 599) paste.status = code;
    });
    return paste;
  }

  function base64Json(v) {
    v = trim(v);
    if (v.length > MAX_BASE64_CHARS) return undefined;
    var bits = 0, n = 0, bytes = [];
    for (var i = 0; i < v.length; i++) {
      var c = v.charCodeAt(i), d;
      if (c >= 65 && c <= 90) d = c - 65;
      else if (c >= 97 && c <= 122) d = c - 71;
      else if (c >= 48 && c <= 57) d = c + 4;
      else if (c === 43 || c === 45) d = 62;
      else if (c === 47 || c === 95) d = 63;
      else if (c === 61) break;
      else return undefined;
      bits = (bits << 6) | d;
      n += 6;
      if (n >= 8) { n -= 8; bytes.push((bits >> n) & 255); bits &= (1 << n) - 1; }
    }
    var text = trimStart(new TextDecoder().decode(new Uint8Array(bytes)));
    if (text.charAt(0) !== "{" && text.charAt(0) !== "[") return undefined;
    var json = parseJson(text);
    return json === null ? undefined : json;
  }

  function shorten(v) { var c = cap(v, 60); return c.length < v.length ? c + "\u2026" : c; }
  function showNumber(n) { return String(n === 0 ? 0 : n); }
  function showScalar(v) { return typeof v === "string" ? '"' + v + '"' : typeof v === "number" ? showNumber(v) : String(v); }
  function showJson(v) {
    if (typeof v === "string") return '"' + shorten(v) + '"';
    if (typeof v === "number") return showNumber(v);
    if (typeof v === "boolean") return String(v);
    if (v === JSON_NULL) return "null";
    return Array.isArray(v) ? "[\u2026]" : "{\u2026}";
  }
  function regexOf(test) {
    if (!test.compiled) test.compiled = new RegExp(test.source, test.ci ? "iu" : "u");
    return test.compiled;
  }
  function holdsStr(test, v) {
    switch (test.op) {
      case "present": return true;
      case "equals": return test.value === v;
      case "in": return test.values.indexOf(v) >= 0;
      case "matches": return regexOf(test).test(cap(v, MAX_MATCH_CHARS));
    }
    return false;
  }
  function scalarEq(a, v) { return typeof a === typeof v && a === v; }

  // Like Signal::eval: the evidence (a list of words), or null.
  function evaluate(sig, paste) {
    switch (sig.t) {
      case "status":
        return paste.status !== null && sig.codes.indexOf(paste.status) >= 0 ? ["status " + paste.status] : null;
      case "header":
      case "sent": {
        var list = sig.t === "header" ? paste.headers : paste.sent;
        var what = sig.t === "header" ? "header" : "sent header";
        for (var i = 0; i < list.length; i++) {
          if (list[i][0] === sig.name && holdsStr(sig.test, list[i][1])) return [what + " " + list[i][0] + ": " + shorten(list[i][1])];
        }
        return null;
      }
      case "json": {
        var rootJson, label;
        if (sig.header === null || sig.header === undefined) { rootJson = paste.json; label = "JSON"; }
        else {
          for (var h = 0; h < paste.headers.length && rootJson === undefined; h++) {
            if (paste.headers[h][0] === sig.header) rootJson = base64Json(paste.headers[h][1]);
          }
          label = "header " + sig.header + " (base64 JSON)";
        }
        if (rootJson === undefined) return null;
        var v = pointer(rootJson, sig.tokens);
        if (v === undefined || v === JSON_NULL) return null;
        var t = sig.test, ok = false;
        if (t.op === "present") ok = true;
        else if (t.op === "equals") ok = scalarEq(t.value, v);
        else if (t.op === "in") ok = t.values.some(function (x) { return scalarEq(x, v); });
        else if (t.op === "matches") ok = typeof v === "string" && regexOf(t).test(cap(v, MAX_MATCH_CHARS));
        return ok ? [label + " " + sig.pointer + " = " + showJson(v)] : null;
      }
      case "body":
        return lower(paste.body).indexOf(lower(sig.text)) >= 0 ? ['text contains "' + sig.text + '"'] : null;
      case "all": {
        var out = [];
        for (var a = 0; a < sig.of.length; a++) {
          var e = evaluate(sig.of[a], paste);
          if (!e) return null;
          out = out.concat(e);
        }
        return out;
      }
      case "any":
        for (var b = 0; b < sig.of.length; b++) { var f = evaluate(sig.of[b], paste); if (f) return f; }
        return null;
      case "not":
        return evaluate(sig.of, paste) ? null : [];
    }
    return null;
  }

  function describeTest(t) {
    switch (t.op) {
      case "equals": return " = " + showScalar(t.value);
      case "in": return " in [" + t.values.map(showScalar).join(", ") + "]";
      case "matches": return " matching /" + t.source + "/" + (t.ci ? "i" : "");
    }
    return "";
  }
  function describe(sig) {
    switch (sig.t) {
      case "status": return "status " + sig.codes.join(" or ");
      case "header": return "header " + sig.name + describeTest(sig.test);
      case "sent": return "sent header " + sig.name + describeTest(sig.test);
      case "json": return (sig.header ? "header " + sig.header + " (base64 JSON) " : "JSON ") + sig.pointer + describeTest(sig.test);
      case "body": return 'text contains "' + sig.text + '"';
      case "all": return "(" + sig.of.map(describe).join(" and ") + ")";
      case "any": return "(" + sig.of.map(describe).join(" or ") + ")";
      case "not": return "not " + describe(sig.of);
    }
    return "";
  }

  // Like triage::triage: {node, answered: [{question, answer, next, signal}]}.
  function triage(signals, paste) {
    var at = signals.start, answered = [];
    var limit = Object.keys(signals.questions).length + 1;
    for (var step = 0; step < limit; step++) {
      var answers = Object.prototype.hasOwnProperty.call(signals.questions, at) ? signals.questions[at] : [];
      var hit = null;
      for (var i = 0; i < answers.length && !hit; i++) {
        if (!answers[i].when) continue;
        var ev = evaluate(answers[i].when, paste);
        if (ev) hit = { question: at, answer: answers[i].label, next: answers[i].next, signal: ev.length ? ev.join(", ") : describe(answers[i].when) };
      }
      if (!hit) break;
      answered.push(hit);
      at = hit.next;
    }
    return { node: at, answered: answered };
  }

  var engine = { parse: parse, triage: triage, evaluate: evaluate, MAX_PASTE_CHARS: MAX_PASTE_CHARS };
  if (typeof module !== "undefined" && module.exports) { module.exports = engine; return; }

  // ---- the page ------------------------------------------------------------
  var box = document.getElementById("rm-paste");
  var data = document.getElementById("rm-tree-signals");
  var tree = document.getElementById("rm-tree");
  if (!box || !data || !tree) return;
  var signals;
  try { signals = JSON.parse(data.textContent); } catch (e) { return; }
  var input = document.getElementById("rm-paste-input");
  var go = document.getElementById("rm-paste-go");
  var result = document.getElementById("rm-paste-result");
  box.hidden = false;

  function headingOf(id) {
    var h = document.getElementById(id + "-title");
    return h ? h.textContent : id;
  }
  function run() {
    if (!trim(input.value)) {
      result.textContent = "Paste a response or an error message into the box first.";
      input.focus();
      return;
    }
    var t0 = Date.now();
    var outcome = triage(signals, parse(input.value));
    var path = [signals.start], notes = {};
    outcome.answered.forEach(function (s) {
      notes[s.question + " " + s.next] = s.signal;
      path.push(s.next);
    });
    var remedy = !Object.prototype.hasOwnProperty.call(signals.questions, outcome.node);
    var n = outcome.answered.length;
    var answeredWords = n === 1 ? "1 question" : n + " questions";
    var text = n === 0
      ? "The paste did not decide any question. Start with the first question below."
      : remedy
        ? "The paste answered " + answeredWords + " and leads to the remedy: " + headingOf(outcome.node) + "."
        : "The paste answered " + answeredWords + ". The next question needs you: " + headingOf(outcome.node);
    result.textContent = text;
    result.dataset.node = outcome.node;
    result.dataset.ms = String(Date.now() - t0);
    tree.dispatchEvent(new CustomEvent("rm-tree-walk", { detail: { path: path, notes: notes } }));
  }
  go.addEventListener("click", run);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });
})();
