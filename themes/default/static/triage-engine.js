// The triage engine: reads a pasted response and walks a decision tree
// with it, as `remedy triage` does. Rule for rule a copy of
// src/tree/paste.rs, src/tree/signals/eval.rs, src/tree/evidence/ and
// src/tree/triage.rs, run on the same input: the tree's triage data
// (src/tree/FORMAT.md), which carries the signals, the evidence model and
// its parameters, and the rules: every limit, word list and character class
// (src/tree/rules.rs); this file keeps no copy of them. tests/triage.rs runs
// this file in node on the whole corpus and compares what each engine reads
// (paste, signals, features, scores) and every step with the CLI's.
//
// No regex ever runs over the whole paste; patterns from the tree are held
// to a backtracking-safe subset at build time and see at most the rules'
// max_match_chars characters. Evidence scores are integers, so both
// engines add up to the same numbers. Used by the tree page (triage.js) and the search box
// (search.js); in node, `require` it.
(function (root) {
  "use strict";
  // The rules of the data last read (every tree of a site carries the same
  // ones: the build's), and their character classes as lookup tables.
  var R = null, T = null;
  function table(s) {
    var t = new Uint8Array(128);
    for (var i = 0; i < s.length; i++) t[s.charCodeAt(i)] = 1;
    return t;
  }
  function adopt(rules) {
    if (!rules) {
      if (R) return;
      throw new Error("no triage rules: pass a tree's data (triage.json), which carries them");
    }
    if (rules === R) return;
    var c = rules.chars;
    T = {
      word: table(c.word), letter: table(c.letter), noise: table(c.noise), joiner: table(c.joiner), base64: table(c.word + c.base64),
      token: table(c.word + c.token), host: table(c.word + c.host), space: table(c.space),
      jsonSpace: table(c.json_space), statusGap: table(c.status_gap), requestLead: table(c.request_lead)
    };
    R = rules;
  }
  function has(t, c) { return c < 128 && t[c] === 1; }

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
  function isWs(c) { return has(T.space, c); }
  function trimStart(s) { var i = 0; while (i < s.length && isWs(s.charCodeAt(i))) i++; return s.slice(i); }
  function trimEnd(s) { var j = s.length; while (j > 0 && isWs(s.charCodeAt(j - 1))) j--; return s.slice(0, j); }
  function trim(s) { return trimEnd(trimStart(s)); }
  function lower(s) { return s.replace(/[A-Z]+/g, function (m) { return m.toLowerCase(); }); }
  function isDigit(c) { return c >= 48 && c <= 57; }
  function isAlnum(c) { return has(T.word, c); }

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
  function isCurlNoise(line) {
    for (var i = 0; i < R.curl_noise.length; i++) if (line.startsWith(R.curl_noise[i])) return true;
    return R.curl_noise_lines.indexOf(line) >= 0;
  }
  function threeDigits(s, at) {
    at = at || 0;
    if (s.length - at < 3) return null;
    for (var i = 0; i < 3; i++) if (!isDigit(s.charCodeAt(at + i))) return null;
    if (at + 3 < s.length && isDigit(s.charCodeAt(at + 3))) return null;
    var n = Number(s.substr(at, 3));
    return n >= R.status_range[0] && n <= R.status_range[1] ? n : null;
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
    for (var i = 0; i < colon; i++) if (!has(T.token, line.charCodeAt(i))) return null;
    return [lower(line.slice(0, colon)), trim(line.slice(colon + 1))];
  }

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
          while (end > 0 && has(T.statusGap, s.charCodeAt(end - 1))) end--;
          var k;
          for (k = 0; k < R.status_before.length; k++) {
            var w = R.status_before[k], from = end - w.length;
            if (from >= 0 && s.startsWith(w, from) && !(from > 0 && (isAlnum(s.charCodeAt(from - 1)) || s.charAt(from - 1) === "_"))) return code;
          }
          for (k = 0; k < R.status_before_end.length; k++) {
            var e = R.status_before_end[k];
            if (end >= e.length && s.startsWith(e, end - e.length)) return code;
          }
          for (k = 0; k < R.status_after.length; k++) if (s.startsWith(R.status_after[k], i + 3)) return code;
          if (i === first && s.charAt(i + 3) === " ") return code;
        }
      }
      i += run;
    }
    return null;
  }

  // One JSON or Python-literal value at the start of s; null if malformed
  // or deeper than the rules' max_depth. (A JSON null is returned as JSON_NULL.)
  var JSON_NULL = { jsonNull: true };
  function parseJson(s) {
    var i = 0, stack = [];
    function ws() { while (i < s.length && has(T.jsonSpace, s.charCodeAt(i))) i++; }
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
        if (stack.length >= R.max_depth) return null;
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

  // The paste read with the rules of `data` (a tree's triage data; without
  // it, those of the data last read).
  function parse(input, data) {
    adopt(data && data.rules);
    var text = cap(input, R.max_paste_chars).replace(/\r\n/g, "\n").replace(/\r/g, "\n");
    var lines = text.split("\n");
    var paste = { status: null, headers: [], sent: [], body: "", json: undefined, hosts: [] };
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
    paste.hosts = requestHosts(lines.slice(0, Math.max(statusAt, 0)), lines, paste.sent);
    var trimmed = trimStart(paste.body);
    var at = trimmed.charAt(0) === "[" ? paste.body.length - trimmed.length : paste.body.indexOf("{");
    if (at >= 0) {
      var json = parseJson(paste.body.slice(at));
      if (json !== null) paste.json = json;
    }
    R.status_pointers.forEach(function (path) {
      if (paste.status !== null || paste.json === undefined) return;
      var code = pointer(paste.json, path);
      if (typeof code === "number" && Math.floor(code) === code && code >= R.status_range[0] && code <= R.status_range[1]) paste.status = code;
    });
    return paste;
  }

  // Like paste::request_hosts.
  function isAsciiWs(c) { return has(T.space, c); }
  function asciiWords(s) {
    var out = [], i = 0;
    while (i < s.length) {
      while (i < s.length && isAsciiWs(s.charCodeAt(i))) i++;
      var from = i;
      while (i < s.length && !isAsciiWs(s.charCodeAt(i))) i++;
      if (i > from) out.push(s.slice(from, i));
    }
    return out;
  }
  function hostOf(s) {
    var end = 0;
    while (end < s.length) {
      var c = s.charCodeAt(end);
      if (!has(T.host, c)) break;
      end++;
    }
    var h = s.slice(0, end);
    while (h.charAt(h.length - 1) === ".") h = h.slice(0, -1);
    return lower(h);
  }
  function requestHosts(before, lines, sent) {
    var out = [];
    function add(value) {
      var h = hostOf(value);
      if (h !== "" && out.indexOf(h) < 0) out.push(h);
    }
    sent.forEach(function (h) { if (h[0] === R.host_header) add(h[1]); });
    before.forEach(function (l) {
      var h = header(trimStart(l));
      if (h && h[0] === R.host_header) add(h[1]);
    });
    lines.forEach(function (l) {
      var request = false;
      asciiWords(l).forEach(function (w) {
        var k = 0;
        while (k < w.length && has(T.requestLead, w.charCodeAt(k))) k++;
        var bare = w.slice(k);
        if (R.methods.indexOf(bare) >= 0) { request = true; return; }
        if (!request) return;
        var at = w.indexOf("://");
        if (at < 0) return;
        var s = 0, head = w.slice(0, at);
        while (s < head.length && !isAsciiLetter(head.charCodeAt(s))) s++;
        var scheme = lower(head.slice(s));
        if (R.schemes.indexOf(scheme) >= 0) add(w.slice(at + 3));
      });
    });
    return out;
  }
  function isAsciiLetter(c) { return has(T.letter, c); }

  function base64Json(v) {
    v = trim(v);
    // In characters (code points), as Rust counts them.
    if (v.length > R.max_base64_chars && cap(v, R.max_base64_chars).length < v.length) return undefined;
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
    // A leading byte-order mark stays, as Rust's from_utf8_lossy keeps it.
    var text = trimStart(new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array(bytes)));
    if (text.charAt(0) !== "{" && text.charAt(0) !== "[") return undefined;
    var json = parseJson(text);
    return json === null ? undefined : json;
  }

  function shorten(v) { var c = cap(v, R.shorten_chars); return c.length < v.length ? c + "\u2026" : c; }
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
      case "matches": return regexOf(test).test(cap(v, R.max_match_chars));
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
        else if (t.op === "matches") ok = typeof v === "string" && regexOf(t).test(cap(v, R.max_match_chars));
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


  // ---- evidence: src/tree/evidence/terms.rs and mod.rs ----------------------
  function isJoiner(c) { return has(T.joiner, c); }
  // Like terms::noise: a control character (not tab or line break) or U+FFFD.
  function noise(c) { return c === 0xfffd || has(T.noise, c); }
  // Like terms::blobs: [start, end) of each base64 stretch of min_blob or
  // more with blob_mix capitals, small letters and digits.
  function blobs(text) {
    var out = [], i = 0, n = text.length, mix = R.blob_mix;
    function base64(c) { return has(T.base64, c); }
    while (i < n) {
      if (!base64(text.charCodeAt(i))) { i++; continue; }
      var start = i, up = 0, lo = 0, dg = 0;
      while (i < n) {
        var c = text.charCodeAt(i);
        if (!base64(c)) break;
        if (c >= 65 && c <= 90) up++; else if (c >= 97 && c <= 122) lo++; else if (c >= 48 && c <= 57) dg++;
        i++;
      }
      if (i - start >= R.min_blob && up >= mix[0] && lo >= mix[1] && dg >= mix[2]) out.push([start, i]);
    }
    return out;
  }
  // Runs of a text already lowercased (ASCII) that start outside `bl`, as
  // slices of it.
  function runSlices(text, bl) {
    var out = [], i = 0, n = text.length, b = 0;
    while (i < n) {
      while (i < n && !isAlnum(text.charCodeAt(i))) i++;
      if (i >= n) break;
      var start = i;
      for (;;) {
        while (i < n && isAlnum(text.charCodeAt(i))) i++;
        if (i + 1 < n && isJoiner(text.charCodeAt(i)) && isAlnum(text.charCodeAt(i + 1))) { i++; continue; }
        break;
      }
      while (b < bl.length && bl[b][1] <= start) b++;
      if (b < bl.length && bl[b][0] <= start) continue;
      if (start > 0 && noise(text.charCodeAt(start - 1)) || i < n && noise(text.charCodeAt(i))) continue;
      out.push(text.slice(start, i));
    }
    return out;
  }
  function runs(text) { return runSlices(lower(text), blobs(text)); }
  function runTerms(run, out) {
    function push(t) {
      if (t.length >= R.min_term && t.length <= R.max_term && (t.length >= R.min_number || /[^0-9]/.test(t)) && out.indexOf(t) < 0) out.push(t);
    }
    push(run);
    var parts = [], from = 0;
    for (var i = 0; i < run.length; i++) {
      if (isJoiner(run.charCodeAt(i))) { parts.push(run.slice(from, i)); from = i + 1; }
    }
    if (!parts.length) return;
    parts.push(run.slice(from));
    if (run.indexOf(".") >= 0) run.split(".").forEach(push);
    parts.forEach(push);
  }
  function distinctTerms(text) { return termsOf(runs(text)); }
  function termsOf(rs) {
    var seen = Object.create(null), out = [];
    rs.forEach(function (r) {
      var one = [];
      runTerms(r, one);
      one.forEach(function (t) { if (!seen[t]) { seen[t] = true; out.push(t); } });
    });
    return out;
  }
  function isHost(run) {
    var labels = run.split(".");
    if (labels.length < 2) return false;
    for (var i = 0; i < labels.length; i++) {
      var l = labels[i];
      if (l === "" || l.charAt(0) === "-" || l.charAt(l.length - 1) === "-") return false;
      for (var k = 0; k < l.length; k++) if (!isAlnum(l.charCodeAt(k)) && l.charAt(k) !== "-") return false;
    }
    var last = labels[labels.length - 1];
    if (last.length < R.tld_chars[0] || last.length > R.tld_chars[1]) return false;
    for (var j = 0; j < last.length; j++) if (!isAsciiLetter(last.charCodeAt(j))) return false;
    return true;
  }
  function hostsIn(text) { return hostsOf(runs(text)); }
  function hostsOf(rs) {
    var out = [], seen = Object.create(null);
    rs.forEach(function (r) { if (!seen[r] && r.indexOf(".") > 0 && isHost(r)) { seen[r] = true; out.push(r); } });
    return out;
  }
  // Like terms::url_hosts.
  function urlHosts(text) {
    var out = [], at = 0;
    for (;;) {
      var i = text.indexOf("://", at);
      if (i < 0) return out;
      var scheme = 0;
      while (scheme < i && isAsciiLetter(text.charCodeAt(i - 1 - scheme))) scheme++;
      var end = i + 3;
      while (end < text.length) {
        var c = text.charCodeAt(end);
        if (!has(T.host, c)) break;
        end++;
      }
      var host = text.slice(i + 3, end);
      while (host.charAt(host.length - 1) === ".") host = host.slice(0, -1);
      host = lower(host);
      if (scheme > 0 && isHost(host) && out.indexOf(host) < 0) out.push(host);
      at = i + 3;
    }
  }
  function site(host) {
    var labels = host.split("."), n = labels.length;
    var take = n >= 3 && labels[n - 1].length === R.site_country[0] && labels[n - 2].length <= R.site_country[1] ? 3 : 2;
    return n <= take ? host : labels.slice(n - take).join(".");
  }
  function hostMatches(declared, host) {
    if (declared.slice(0, 2) === "*.") {
      var base = declared.slice(2);
      return host.length > base.length + 1 && host.slice(host.length - base.length) === base &&
        host.charAt(host.length - base.length - 1) === ".";
    }
    return declared === host;
  }
  // Like evidence::structural: the terms of JSON keys and header names
  // that no JSON string or header value has.
  function structural(paste) {
    var keys = Object.create(null), values = Object.create(null), stack = paste.json !== undefined ? [paste.json] : [];
    function add(set, text) { distinctTerms(text).forEach(function (t) { set[t] = true; }); }
    while (stack.length) {
      var v = stack.pop();
      if (v instanceof Obj) v.members.forEach(function (m) { add(keys, m[0]); stack.push(m[1]); });
      else if (Array.isArray(v)) v.forEach(function (x) { stack.push(x); });
      else if (typeof v === "string") add(values, v);
    }
    paste.headers.concat(paste.sent).forEach(function (h) { add(keys, h[0]); add(values, h[1]); });
    var out = Object.create(null);
    Object.keys(keys).forEach(function (k) { if (!values[k]) out[k] = true; });
    return out;
  }
  // Like terms::without_frames: stack frames say where code ran, not what
  // went wrong; each becomes an empty line.
  function isFrame(line) {
    var t = line.replace(/^[ \t]+/, "");
    return (t.slice(0, 3) === "at " && /:[0-9]/.test(t)) ||
      (t.slice(0, 6) === "File \"" && t.indexOf("\", line ") >= 0) ||
      (t.slice(0, 5) === "from " && t.indexOf(":in ") >= 0);
  }
  function withoutFrames(text) {
    var lines = text.split("\n");
    if (!lines.some(function (l) { return isFrame(l.replace(/\r$/, "")); })) return text;
    return lines.map(function (l) { return isFrame(l.replace(/\r$/, "")) ? "" : l; }).join("\n");
  }
  // Like Features::distinct.
  function distinct(model, f, s) {
    return s.host !== null || s.terms.some(function (x) {
      return !f.structural[x[0]] && own(model.terms, x[0]) && model.terms[x[0]].w >= model.params.distinct;
    });
  }
  function features(text, paste) {
    var rs = runs(text);
    return { structural: structural(paste), terms: termsOf(runs(withoutFrames(text))), hosts: hostsOf(rs), requestHosts: paste.hosts, urlHosts: urlHosts(text) };
  }
  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  // Like Model::score: [{total, terms: [[term, points]], host, eligible}] in remedies' order.
  function score(model, f) {
    var R = model.remedies.length, out = [], r;
    for (r = 0; r < R; r++) out.push({ total: 0, terms: [], host: null, eligible: true, vouched: true });
    var known = Object.create(null);
    model.pages.forEach(function (p) { (p.hosts || []).forEach(function (d) { known[site(d.replace(/^\*\./, ""))] = true; }); });
    var foreign = f.urlHosts.concat(f.requestHosts).some(function (h) { return !known[site(h)]; });
    var byPage = model.pages.map(function () { return []; }), byUnit = Object.create(null);
    model.remedies.forEach(function (rem, i) {
      rem.pages.forEach(function (p) { byPage[p].push(i); });
      rem.units.forEach(function (u) { (byUnit[u] = byUnit[u] || []).push(i); });
    });
    var level = new Array(R);
    f.terms.forEach(function (t) {
      if (!own(model.terms, t)) return;
      var term = model.terms[t];
      for (r = 0; r < R; r++) level[r] = 0;
      (term.p || []).forEach(function (p) { byPage[p].forEach(function (x) { level[x] = Math.max(level[x], model.params.on_page); }); });
      (term.u || []).forEach(function (u) { (byUnit[u] || []).forEach(function (x) { level[x] = Math.max(level[x], model.params.in_unit); }); });
      for (r = 0; r < R; r++) {
        if (level[r] > 0) { out[r].total += term.w * level[r]; out[r].terms.push([t, term.w * level[r]]); }
      }
    });
    model.remedies.forEach(function (rem, i) {
      var declared = [];
      rem.pages.forEach(function (p) { (model.pages[p].hosts || []).forEach(function (h) { declared.push(h); }); });
      function exact(h) { return declared.some(function (d) { return hostMatches(d, h); }); }
      function sameSite(h) { return declared.some(function (d) { return site(d.replace(/^\*\./, "")) === site(h); }); }
      var s = out[i], k;
      s.total = Math.floor(s.total * 100 / Math.max(rem.norm, 1));
      for (k = 0; k < f.hosts.length && !s.host; k++) if (exact(f.hosts[k])) { s.total += model.params.host_exact; s.host = f.hosts[k]; s.exactHost = true; }
      for (k = 0; k < f.hosts.length && !s.host; k++) if (sameSite(f.hosts[k])) { s.total += model.params.host_site; s.host = f.hosts[k]; }
      s.eligible = declared.length === 0 || f.requestHosts.length === 0 ||
        f.requestHosts.some(function (h) { return exact(h) || sameSite(h); });
      s.vouched = declared.length === 0 || s.host !== null || !foreign;
      s.terms.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); });
    });
    if (out.some(function (s) { return s.host !== null; })) {
      out.forEach(function (s) { if (!s.host) s.total = Math.floor(s.total * model.params.unmatched / 100); });
    }
    return out;
  }

  // ---- the walk: src/tree/triage.rs ---------------------------------------
  function reachOf(data) {
    var memo = Object.create(null);
    function visit(at) {
      if (memo[at]) return;
      memo[at] = [];
      var out = [];
      if (!own(data.questions, at)) out.push(at);
      else data.questions[at].forEach(function (a) {
        visit(a.next);
        memo[a.next].forEach(function (r) { if (out.indexOf(r) < 0) out.push(r); });
      });
      memo[at] = out;
    }
    Object.keys(data.headings).forEach(visit);
    return memo;
  }
  function explain(model, s, remedy) {
    var named = [];
    if (s.host) named.push(s.host);
    for (var i = 0; i < s.terms.length && named.length < R.explained; i++) {
      var t = s.terms[i][0];
      if (!named.some(function (n) { return n.indexOf(t) >= 0; })) named.push(t);
    }
    var q = named.map(function (n) { return "`" + n + "`"; });
    var list = q.length < 2 ? q.join("") : q.slice(0, -1).join(", ") + " and " + q[q.length - 1];
    var page = "";
    model.remedies.some(function (r) {
      if (r.id !== remedy) return false;
      if (r.pages.length) page = model.pages[r.pages[0]].title;
      return true;
    });
    return list + " match " + page;
  }
  // Like triage::triage: {node, steps: [{question, answer, next, signal, decidedBy}], order, candidates: [{node, score}]}.
  function walk(data, paste, f) {
    adopt(data.rules);
    var reach = reachOf(data), model = data.evidence || null;
    var scores = Object.create(null), rank = Object.create(null);
    if (model) {
      score(model, f).forEach(function (s, i) { scores[model.remedies[i].id] = s; rank[model.remedies[i].id] = i; });
    }
    function eligible(r) { return !scores[r] || scores[r].eligible; }
    function scoreOf(r) { return scores[r] && scores[r].eligible && scores[r].vouched ? scores[r].total : 0; }
    function rankOf(r) { return own(rank, r) ? rank[r] : -1; }
    var at = data.start, steps = [];
    var limit = Object.keys(data.questions).length + 1;
    for (var step = 0; step < limit; step++) {
      if (!own(data.questions, at)) break;
      var answers = data.questions[at], hit = null, i;
      for (i = 0; i < answers.length && !hit; i++) {
        if (!answers[i].when) continue;
        var ev = evaluate(answers[i].when, paste);
        if (!ev || !reach[answers[i].next].some(eligible)) continue;
        hit = { answer: i, signal: ev.length ? ev.join(", ") : describe(answers[i].when), decidedBy: "signal" };
      }
      if (!hit && model) {
        var found = byEvidence(answers, reach, scoreOf, rankOf, model.params);
        if (found && !distinct(model, f, scores[found[1]])) found = null;
        if (found) hit = { answer: found[0], signal: explain(model, scores[found[1]], found[1]), decidedBy: "evidence" };
      }
      if (!hit) break;
      steps.push({ question: at, answer: hit.answer, next: answers[hit.answer].next, signal: hit.signal, decidedBy: hit.decidedBy });
      at = answers[hit.answer].next;
    }
    var order = [], candidates = [];
    if (own(data.questions, at)) {
      var qa = data.questions[at];
      var best = qa.map(function (a) { return reach[a.next].reduce(function (m, r) { return Math.max(m, scoreOf(r)); }, 0); });
      order = qa.map(function (_, k) { return k; });
      order.sort(function (x, y) { return best[y] - best[x]; });
      var under = [];
      qa.forEach(function (a) { reach[a.next].forEach(function (r) { if (under.indexOf(r) < 0 && scoreOf(r) > 0) under.push(r); }); });
      under.sort(function (x, y) { return scoreOf(y) - scoreOf(x) || rankOf(x) - rankOf(y); });
      candidates = under.slice(0, model ? model.params.candidates : 0).map(function (r) { return { node: r, score: scoreOf(r) }; });
    }
    return { node: at, steps: steps, order: order, candidates: candidates };
  }
  function byEvidence(answers, reach, scoreOf, rankOf, p) {
    var best = null, bs = 0;
    answers.forEach(function (a) {
      reach[a.next].forEach(function (r) {
        var s = scoreOf(r);
        if (best === null ? s > 0 : s > bs || (s === bs && rankOf(r) < rankOf(best))) { best = r; bs = s; }
      });
    });
    if (best === null) return null;
    var i = -1;
    for (var k = 0; k < answers.length && i < 0; k++) if (reach[answers[k].next].indexOf(best) >= 0) i = k;
    if (i < 0) return null;
    var taken = reach[answers[i].next], rival = 0;
    answers.forEach(function (a) {
      reach[a.next].forEach(function (x) { if (taken.indexOf(x) < 0) rival = Math.max(rival, scoreOf(x)); });
    });
    var clear = bs >= p.min_score && bs >= rival + p.margin && bs * 100 >= rival * p.ratio;
    return clear ? [i, best] : null;
  }

  // The whole walk from a pasted text, as `remedy triage` runs it.
  function run(data, input) {
    adopt(data.rules);
    var text = cap(input, R.max_paste_chars);
    var paste = parse(text);
    return walk(data, paste, features(text, paste));
  }
  // Every tree walked with one paste, and the walk that got furthest: the
  // first to reach a remedy, else the first that answered most, as
  // `remedy search` picks (lookup::Site::triage). {index, outcome, remedy}.
  function runAll(trees, input) {
    var best = null;
    trees.forEach(function (data, i) {
      var outcome = run(data, input), remedy = !own(data.questions, outcome.node);
      if (!best || (remedy && !best.remedy) || (remedy === best.remedy && outcome.steps.length > best.outcome.steps.length)) {
        best = { index: i, outcome: outcome, remedy: remedy };
      }
    });
    return best;
  }
  // A paste rather than a query typed into a search box: a status line,
  // headers, a JSON body, or an SDK's error naming a status.
  function looksLikeResponse(paste) {
    return paste.status !== null && (paste.headers.length > 0 || paste.json !== undefined) ||
      paste.json !== undefined && (paste.json instanceof Obj || Array.isArray(paste.json)) ||
      paste.headers.length > 1;
  }

  var engine = {
    parse: parse, evaluate: evaluate, describe: describe, features: features, score: score,
    walk: walk, run: run, runAll: runAll, looksLikeResponse: looksLikeResponse, distinctTerms: distinctTerms,
    hosts: hostsIn, adopt: adopt
  };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = engine;
    return;
  }
  // A tree's data is a script calling __remedyTriage(DATA) (it loads from
  // file:// too); each call settles the load of the script that made it.
  var loads = Object.create(null);
  root.__remedyTriage = function (data) {
    var s = document.currentScript, done = s && loads[s.src];
    if (done) { delete loads[s.src]; done(data); }
  };
  engine.load = function (url) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = url;
      loads[s.src] = function (data) {
        if (data && data.version === 1 && data.rules) { adopt(data.rules); resolve(data); }
        else reject(new Error("unknown triage data"));
      };
      s.onerror = function () { delete loads[s.src]; reject(new Error("cannot load " + url)); };
      document.head.appendChild(s);
    });
  };
  root.RemedyTriage = engine;
})(this);
