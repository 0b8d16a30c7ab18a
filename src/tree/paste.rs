//! Reading what a reader pastes: a raw HTTP response (`curl -i`, or
//! `curl -v` with its `<` and `>` prefixes), a JSON body alone, an SDK
//! exception line with a Python dict in it, or a one-line message.
//!
//! The browser runs a line-for-line copy of this file
//! (`themes/default/static/triage-engine.js`, with the constants of
//! [`super::rules`] read from the tree's data); the triage corpus test
//! compares what both read from the same pastes. Anything that could make the two disagree is kept out:
//! no regexes over the paste, no platform JSON parser (Python dicts need a
//! tolerant one anyway), ASCII-only case folding, lengths counted in
//! Unicode scalar values.
//!
//! Hostile input stays cheap: the paste is cut at [`MAX_PASTE_CHARS`], every
//! pass over it is linear, and the JSON reader keeps its own stack and gives
//! up below [`MAX_DEPTH`] levels instead of recursing.

use super::rules;
pub use super::rules::{MAX_DEPTH, MAX_PASTE_CHARS};

/// A JSON (or Python literal) value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`, `None`.
    Null,
    /// `true`, `True`, `false`, `False`.
    Bool(bool),
    /// Any number.
    Num(f64),
    /// A string in double or single quotes.
    Str(String),
    /// An array or Python list.
    Arr(Vec<Json>),
    /// An object or dict, keys in order (a repeated key: the last one counts).
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// The value at an RFC 6901 pointer, already split into tokens.
    pub fn pointer(&self, tokens: &[String]) -> Option<&Json> {
        let mut at = self;
        for t in tokens {
            at = match at {
                Json::Obj(members) => members.iter().rev().find(|(k, _)| k == t).map(|(_, v)| v)?,
                Json::Arr(items) => {
                    if t.is_empty()
                        || !t.bytes().all(|b| b.is_ascii_digit())
                        || (t.len() > 1 && t.starts_with('0'))
                    {
                        return None;
                    }
                    items.get(t.parse::<usize>().ok()?)?
                }
                _ => return None,
            };
        }
        Some(at)
    }
}

/// What a paste says, as far as it can be read.
#[derive(Debug, Clone, Default)]
pub struct Paste {
    /// The status code: from the status line, an SDK message (`Error code:
    /// 429`), or a JSON body's numeric `error.code` or `status`.
    pub status: Option<u16>,
    /// Response headers, names in lowercase, in order.
    pub headers: Vec<(String, String)>,
    /// Request headers `curl -v` printed with `>`.
    pub sent: Vec<(String, String)>,
    /// The body, or the whole paste when it is not an HTTP response.
    pub body: String,
    /// The JSON (or Python dict) found in the body.
    pub json: Option<Json>,
    /// The hosts the request went to, lowercased, without port: `Host:`
    /// request headers (`curl -v`'s `> Host:`, or a request pasted above
    /// the response) and the URLs of request lines (`curl ... URL`,
    /// `POST URL`, an SDK's `HTTP Request: POST URL`).
    pub hosts: Vec<String>,
}

impl Paste {
    /// Whether this reads as a pasted response rather than words typed
    /// into a search box: a status with headers or a body, a JSON object or
    /// array, or several headers. (`triage-engine.js` asks the same.)
    pub fn looks_like_response(&self) -> bool {
        let structured = matches!(self.json, Some(Json::Obj(_) | Json::Arr(_)));
        (self.status.is_some() && (!self.headers.is_empty() || self.json.is_some()))
            || structured
            || self.headers.len() > 1
    }
}

/// Reads a paste. Never fails: what cannot be read is left out.
pub fn parse(input: &str) -> Paste {
    let text = cap(input, MAX_PASTE_CHARS)
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let mut paste = Paste::default();
    let status_at = lines
        .iter()
        .rposition(|l| status_of_line(unprefix(l).0.trim_ascii_start()).is_some());
    match status_at {
        Some(s) => {
            let (line, verbose) = unprefix(lines[s]);
            paste.status = status_of_line(line.trim_ascii_start());
            let mut i = s + 1;
            while i < lines.len() {
                let (line, prefixed) = unprefix(lines[i]);
                if verbose && !prefixed {
                    break;
                }
                if line.trim_ascii().is_empty() {
                    i += 1;
                    break;
                }
                match header(line.trim_ascii_start()) {
                    Some(h) => paste.headers.push(h),
                    None => break,
                }
                i += 1;
            }
            let body: Vec<&str> = lines[i..]
                .iter()
                .copied()
                .filter(|l| !verbose || !is_curl_noise(l))
                .collect();
            paste.body = body.join("\n");
        }
        None => {
            paste.body = text.clone();
            paste.status = status_in_text(&text);
        }
    }
    for l in &lines {
        if let Some(rest) = l.strip_prefix("> ") {
            if let Some(h) = header(rest) {
                paste.sent.push(h);
            }
        }
    }
    paste.hosts = request_hosts(&lines[..status_at.unwrap_or(0)], &lines, &paste.sent);
    let trimmed = paste.body.trim_ascii_start();
    let json_at = if trimmed.starts_with('[') {
        Some(paste.body.len() - trimmed.len())
    } else {
        paste.body.find('{')
    };
    paste.json = json_at.and_then(|at| parse_json(&paste.body[at..]));
    // A body alone may still say its status: Google-style `error.code`, or
    // a Problem Details (RFC 9457) `status`.
    for path in rules::STATUS_POINTERS {
        if paste.status.is_some() {
            break;
        }
        let tokens: Vec<String> = path.iter().map(|t| t.to_string()).collect();
        if let Some(Json::Num(n)) = paste.json.as_ref().and_then(|j| j.pointer(&tokens)) {
            if n.fract() == 0.0 && status_range().contains(n) {
                paste.status = Some(*n as u16);
            }
        }
    }
    paste
}

/// See [`Paste::hosts`]. `before` is the lines above the status line.
fn request_hosts(before: &[&str], lines: &[&str], sent: &[(String, String)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |value: &str| {
        let host = host_of(value);
        if !host.is_empty() && !out.contains(&host) {
            out.push(host);
        }
    };
    for (name, value) in sent {
        if name == rules::HOST_HEADER {
            add(value);
        }
    }
    for l in before {
        if let Some((name, value)) = header(l.trim_ascii_start()) {
            if name == rules::HOST_HEADER {
                add(&value);
            }
        }
    }
    for l in lines {
        // Linear in the line: a URL counts once a `curl` or a method word
        // came before it on the same line.
        let mut request = false;
        for w in l.split_ascii_whitespace() {
            let bare = w.trim_start_matches(|c| rules::REQUEST_LEAD.has_char(c));
            if rules::METHODS.contains(&bare) {
                request = true;
                continue;
            }
            if !request {
                continue;
            }
            if let Some(at) = w.find("://") {
                let scheme = w[..at]
                    .trim_start_matches(|c: char| !rules::LETTER.has_char(c))
                    .to_ascii_lowercase();
                if rules::SCHEMES.contains(&scheme.as_str()) {
                    add(&w[at + 3..]);
                }
            }
        }
    }
    out
}

/// The host at the start of `s` (a `Host:` value or what follows `://`):
/// up to a port, path, query, quote or space; lowercased.
fn host_of(s: &str) -> String {
    let end = s
        .bytes()
        .position(|b| !rules::HOST.has(b))
        .unwrap_or(s.len());
    s[..end].trim_end_matches('.').to_ascii_lowercase()
}

/// The first `max` characters of `s`.
pub fn cap(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Strips `curl -v`'s `< ` prefix; says whether there was one.
fn unprefix(line: &str) -> (&str, bool) {
    if let Some(rest) = line.strip_prefix("< ") {
        (rest, true)
    } else if line.trim_ascii_end() == "<" {
        ("", true)
    } else {
        (line, false)
    }
}

/// Lines `curl -v` adds around a body: info, request and TLS lines.
fn is_curl_noise(line: &str) -> bool {
    rules::CURL_NOISE.iter().any(|p| line.starts_with(p)) || rules::CURL_NOISE_LINES.contains(&line)
}

/// `HTTP/1.1 402 Payment Required`, `HTTP/2 402`: the code.
fn status_of_line(line: &str) -> Option<u16> {
    let rest = line.strip_prefix("HTTP/")?;
    let version_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    if version_len == 0 {
        return None;
    }
    let rest = &rest[version_len..];
    let after_space = rest.trim_start_matches(' ');
    if after_space.len() == rest.len() {
        return None;
    }
    three_digits(after_space)
        .filter(|_| after_space.len() == 3 || after_space.as_bytes()[3] == b' ')
}

/// A status code (100 to 599) at the start of `s`, not followed by a digit.
fn three_digits(s: &str) -> Option<u16> {
    let b = s.as_bytes();
    if b.len() < 3
        || !b[..3].iter().all(u8::is_ascii_digit)
        || b.get(3).is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    let n = (b[0] - b'0') as u16 * 100 + (b[1] - b'0') as u16 * 10 + (b[2] - b'0') as u16;
    let [low, high] = rules::STATUS_RANGE;
    (low..=high).contains(&n).then_some(n)
}

/// `Name: value`, with a name made of token characters (RFC 9110 §5.6.2).
fn header(line: &str) -> Option<(String, String)> {
    let colon = line.find(':')?;
    let name = &line[..colon];
    if name.is_empty() || !name.bytes().all(|b| rules::TOKEN.has(b)) {
        return None;
    }
    Some((
        name.to_ascii_lowercase(),
        line[colon + 1..].trim_ascii().to_string(),
    ))
}

/// [`rules::STATUS_RANGE`] as numbers a JSON body holds.
fn status_range() -> std::ops::RangeInclusive<f64> {
    let [low, high] = rules::STATUS_RANGE;
    f64::from(low)..=f64::from(high)
}

/// A status code named in free text: `Error code: 429`, `status code 402`,
/// `APIStatusError: 402`, `402 Payment Required`, `402: PAYMENT_REQUIRED`,
/// or a message that starts with one (`402 This request requires more
/// credits`, as Node SDKs print it). The first one wins.
fn status_in_text(text: &str) -> Option<u16> {
    let lower = text.to_ascii_lowercase();
    let b = lower.as_bytes();
    let first = lower.len() - lower.trim_ascii_start().len();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let run = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 3 && (i == 0 || !rules::WORD.has(b[i - 1])) {
            if let Some(code) = three_digits(&lower[i..]) {
                let before = lower[..i].trim_end_matches(|c| rules::STATUS_GAP.has_char(c));
                let after = &lower[i + 3..];
                if rules::STATUS_BEFORE
                    .iter()
                    .any(|w| ends_with_word(before, w))
                    || rules::STATUS_BEFORE_END.iter().any(|w| before.ends_with(w))
                    || rules::STATUS_AFTER.iter().any(|w| after.starts_with(w))
                    || (i == first && after.starts_with(' '))
                {
                    return Some(code);
                }
            }
        }
        i += run;
    }
    None
}

fn ends_with_word(s: &str, word: &str) -> bool {
    s.ends_with(word)
        && !s[..s.len() - word.len()]
            .bytes()
            .next_back()
            .is_some_and(|c| rules::WORD.has(c) || c == b'_')
}

/// Reads one JSON or Python-literal value at the start of `s` (text after
/// it is ignored). `None` for anything malformed or nested deeper than
/// [`MAX_DEPTH`].
pub fn parse_json(s: &str) -> Option<Json> {
    enum Frame {
        Arr(Vec<Json>),
        Obj(Vec<(String, Json)>, Option<String>),
    }
    let b = s.as_bytes();
    let mut i = 0;
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        // A value is expected here.
        skip_ws(b, &mut i);
        let mut value = match *b.get(i)? {
            b'{' | b'[' => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                let open = b[i];
                i += 1;
                skip_ws(b, &mut i);
                if open == b'[' {
                    if b.get(i) == Some(&b']') {
                        i += 1;
                        Json::Arr(Vec::new())
                    } else {
                        stack.push(Frame::Arr(Vec::new()));
                        continue;
                    }
                } else if b.get(i) == Some(&b'}') {
                    i += 1;
                    Json::Obj(Vec::new())
                } else {
                    let key = string(s, &mut i)?;
                    skip_ws(b, &mut i);
                    if b.get(i) != Some(&b':') {
                        return None;
                    }
                    i += 1;
                    stack.push(Frame::Obj(Vec::new(), Some(key)));
                    continue;
                }
            }
            b'"' | b'\'' => Json::Str(string(s, &mut i)?),
            _ => scalar(s, &mut i)?,
        };
        // Attach the value, closing every container it completes.
        loop {
            let Some(top) = stack.last_mut() else {
                return Some(value);
            };
            match top {
                Frame::Arr(items) => items.push(value),
                Frame::Obj(members, key) => members.push((key.take()?, value)),
            }
            skip_ws(b, &mut i);
            let mut c = *b.get(i)?;
            if c == b',' {
                i += 1;
                skip_ws(b, &mut i);
                c = *b.get(i)?;
                let closes = matches!((&*top, c), (Frame::Arr(_), b']') | (Frame::Obj(..), b'}'));
                if !closes {
                    if let Frame::Obj(_, key) = top {
                        *key = Some(string(s, &mut i)?);
                        skip_ws(b, &mut i);
                        if b.get(i) != Some(&b':') {
                            return None;
                        }
                        i += 1;
                    }
                    break;
                }
            }
            value = match (stack.pop()?, c) {
                (Frame::Arr(items), b']') => Json::Arr(items),
                (Frame::Obj(members, _), b'}') => Json::Obj(members),
                _ => return None,
            };
            i += 1;
        }
    }
}

fn skip_ws(b: &[u8], i: &mut usize) {
    while b.get(*i).is_some_and(|&c| rules::JSON_SPACE.has(c)) {
        *i += 1;
    }
}

/// A string in `"` or `'` at `*i`; escapes as in JSON (an unknown escape
/// keeps its character; a lone surrogate becomes U+FFFD).
fn string(s: &str, i: &mut usize) -> Option<String> {
    let b = s.as_bytes();
    let quote = *b.get(*i)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    *i += 1;
    let mut out = String::new();
    let mut pending_high: Option<u32> = None;
    loop {
        let start = *i;
        while b.get(*i).is_some_and(|&c| c != quote && c != b'\\') {
            *i += 1;
        }
        if *i > start {
            flush_high(&mut out, &mut pending_high);
            out.push_str(&s[start..*i]);
        }
        match *b.get(*i)? {
            c if c == quote => {
                *i += 1;
                flush_high(&mut out, &mut pending_high);
                return Some(out);
            }
            _ => {
                *i += 1;
                let e = *b.get(*i)?;
                *i += 1;
                let simple = match e {
                    b'n' => Some('\n'),
                    b't' => Some('\t'),
                    b'r' => Some('\r'),
                    b'b' => Some('\u{8}'),
                    b'f' => Some('\u{c}'),
                    b'u' => None,
                    _ => {
                        // Any other escaped character stands for itself.
                        let ch = s[*i - 1..].chars().next()?;
                        *i += ch.len_utf8() - 1;
                        Some(ch)
                    }
                };
                if let Some(ch) = simple {
                    flush_high(&mut out, &mut pending_high);
                    out.push(ch);
                    continue;
                }
                let hex = s.get(*i..*i + 4)?;
                let unit = u32::from_str_radix(hex, 16)
                    .ok()
                    .filter(|_| hex.bytes().all(|c| c.is_ascii_hexdigit()))?;
                *i += 4;
                match unit {
                    0xD800..=0xDBFF => {
                        flush_high(&mut out, &mut pending_high);
                        pending_high = Some(unit);
                    }
                    0xDC00..=0xDFFF => match pending_high.take() {
                        Some(high) => out.push(
                            char::from_u32(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))
                                .unwrap_or('\u{FFFD}'),
                        ),
                        None => out.push('\u{FFFD}'),
                    },
                    _ => {
                        flush_high(&mut out, &mut pending_high);
                        out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                    }
                }
            }
        }
    }
}

fn flush_high(out: &mut String, high: &mut Option<u32>) {
    if high.take().is_some() {
        out.push('\u{FFFD}');
    }
}

/// A number or a literal (`true`, `True`, `null`, `None`, ...).
fn scalar(s: &str, i: &mut usize) -> Option<Json> {
    let b = s.as_bytes();
    for (word, value) in [
        ("true", Json::Bool(true)),
        ("True", Json::Bool(true)),
        ("false", Json::Bool(false)),
        ("False", Json::Bool(false)),
        ("null", Json::Null),
        ("None", Json::Null),
    ] {
        if s[*i..].starts_with(word) {
            *i += word.len();
            return Some(value);
        }
    }
    let start = *i;
    if b.get(*i) == Some(&b'-') {
        *i += 1;
    }
    let digits = |i: &mut usize| {
        let from = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > from
    };
    if !digits(i) {
        return None;
    }
    if b.get(*i) == Some(&b'.') {
        *i += 1;
        if !digits(i) {
            return None;
        }
    }
    if matches!(b.get(*i), Some(b'e' | b'E')) {
        *i += 1;
        if matches!(b.get(*i), Some(b'+' | b'-')) {
            *i += 1;
        }
        if !digits(i) {
            return None;
        }
    }
    s[start..*i].parse().ok().map(Json::Num)
}
