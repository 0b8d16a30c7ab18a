//! Evaluating signals against a paste, and the words a trail shows for
//! them. `triage-engine.js` mirrors every function here.

use super::{Scalar, Signal, Test, MAX_BASE64_CHARS, MAX_MATCH_CHARS};
use crate::tree::paste::{cap, Json, Paste};
use crate::tree::rules::SHORTEN_CHARS;

impl Signal {
    /// Whether the paste shows this signal, and if so what in it did: the
    /// words the trail shows ("header crawler-error: MissingCrawlerPrice").
    /// Conditions that hold by an absence (`not`) add no words.
    pub fn eval(&self, paste: &Paste) -> Option<Vec<String>> {
        match self {
            Signal::Status { codes } => {
                let s = paste.status?;
                codes.contains(&s).then(|| vec![format!("status {s}")])
            }
            Signal::Header { name, test } | Signal::Sent { name, test } => {
                let (list, what) = match self {
                    Signal::Header { .. } => (&paste.headers, "header"),
                    _ => (&paste.sent, "sent header"),
                };
                list.iter()
                    .filter(|(n, _)| n == name)
                    .find(|(_, v)| test.holds_str(v))
                    .map(|(n, v)| vec![format!("{what} {n}: {}", shorten(v))])
            }
            Signal::Json {
                header,
                pointer,
                tokens,
                test,
            } => {
                let decoded;
                let (root, what) = match header {
                    None => (paste.json.as_ref()?, "JSON".to_string()),
                    Some(h) => {
                        decoded = paste
                            .headers
                            .iter()
                            .filter(|(n, _)| n == h)
                            .find_map(|(_, v)| base64_json(v));
                        (decoded.as_ref()?, format!("header {h} (base64 JSON)"))
                    }
                };
                let v = root.pointer(tokens)?;
                let ok = match (test, v) {
                    (_, Json::Null) => false,
                    (Test::Present, _) => true,
                    (Test::Equals { value }, v) => scalar_eq(value, v),
                    (Test::In { values }, v) => values.iter().any(|x| scalar_eq(x, v)),
                    (Test::Matches { regex, .. }, Json::Str(s)) => {
                        regex.is_match(cap(s, MAX_MATCH_CHARS))
                    }
                    _ => false,
                };
                ok.then(|| vec![format!("{what} {pointer} = {}", show_json(v))])
            }
            Signal::Body { text } => {
                let hay = paste.body.to_ascii_lowercase();
                hay.contains(&text.to_ascii_lowercase())
                    .then(|| vec![format!("text contains \"{text}\"")])
            }
            Signal::All { of } => {
                let mut out = Vec::new();
                for s in of {
                    out.extend(s.eval(paste)?);
                }
                Some(out)
            }
            Signal::Any { of } => of.iter().find_map(|s| s.eval(paste)),
            // An absence is no evidence worth showing next to a presence;
            // a walk decided by absences alone describes the whole signal.
            Signal::Not { of } => match of.eval(paste) {
                Some(_) => None,
                None => Some(Vec::new()),
            },
        }
    }

    /// The condition in words, for `not` in a trail and for warnings.
    pub fn describe(&self) -> String {
        let test = |t: &Test| match t {
            Test::Present => String::new(),
            Test::Equals { value } => format!(" = {}", show_scalar(value)),
            Test::In { values } => format!(
                " in [{}]",
                values
                    .iter()
                    .map(show_scalar)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Test::Matches { source, ci, .. } => {
                format!(" matching /{source}/{}", if *ci { "i" } else { "" })
            }
        };
        match self {
            Signal::Status { codes } => format!(
                "status {}",
                codes
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            Signal::Header { name, test: t } => format!("header {name}{}", test(t)),
            Signal::Sent { name, test: t } => format!("sent header {name}{}", test(t)),
            Signal::Json {
                header: None,
                pointer,
                test: t,
                ..
            } => format!("JSON {pointer}{}", test(t)),
            Signal::Json {
                header: Some(h),
                pointer,
                test: t,
                ..
            } => format!("header {h} (base64 JSON) {pointer}{}", test(t)),
            Signal::Body { text } => format!("text contains \"{text}\""),
            Signal::All { of } => format!(
                "({})",
                of.iter()
                    .map(Signal::describe)
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            Signal::Any { of } => format!(
                "({})",
                of.iter()
                    .map(Signal::describe)
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            Signal::Not { of } => format!("not {}", of.describe()),
        }
    }
}

impl Test {
    fn holds_str(&self, v: &str) -> bool {
        match self {
            Test::Present => true,
            Test::Equals { value } => matches!(value, Scalar::Str(s) if s == v),
            Test::In { values } => values.iter().any(|x| matches!(x, Scalar::Str(s) if s == v)),
            Test::Matches { regex, .. } => regex.is_match(cap(v, MAX_MATCH_CHARS)),
        }
    }
}

fn scalar_eq(s: &Scalar, v: &Json) -> bool {
    match (s, v) {
        (Scalar::Str(a), Json::Str(b)) => a == b,
        (Scalar::Num(a), Json::Num(b)) => a == b,
        (Scalar::Bool(a), Json::Bool(b)) => a == b,
        _ => false,
    }
}

/// Values in a trail are cut to [`SHORTEN_CHARS`] characters.
fn shorten(v: &str) -> String {
    let c = cap(v, SHORTEN_CHARS);
    if c.len() < v.len() {
        format!("{c}…")
    } else {
        c.to_string()
    }
}

/// A number as JavaScript's `String(n)` writes it (ECMA-262
/// Number::toString): the browser's engine shows numbers with the
/// language's own conversion, so this one follows it (`1e-7`, `1e+21`,
/// `0.000001`, `Infinity`).
pub fn show_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n == 0.0 {
        return "0".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    // Rust's `{:e}` writes the shortest digits that read back as `n`, as
    // ECMA-262 asks: `d.ddde±x`.
    let sci = format!("{:e}", n.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i32;
    // The decimal point sits after `point` digits.
    let point = exp.parse::<i32>().unwrap_or(0) + 1;
    let body = if k <= point && point <= 21 {
        format!("{digits}{}", "0".repeat((point - k) as usize))
    } else if 0 < point && point <= 21 {
        format!(
            "{}.{}",
            &digits[..point as usize],
            &digits[point as usize..]
        )
    } else if -6 < point && point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else {
        let e = point - 1;
        let e = if e < 0 {
            format!("-{}", -e)
        } else {
            format!("+{e}")
        };
        match digits.split_at(1) {
            (d, "") => format!("{d}e{e}"),
            (d, rest) => format!("{d}.{rest}e{e}"),
        }
    };
    format!("{sign}{body}")
}

fn show_scalar(s: &Scalar) -> String {
    match s {
        Scalar::Str(s) => format!("\"{s}\""),
        Scalar::Num(n) => show_number(*n),
        Scalar::Bool(b) => b.to_string(),
    }
}

fn show_json(v: &Json) -> String {
    match v {
        Json::Str(s) => format!("\"{}\"", shorten(s)),
        Json::Num(n) => show_number(*n),
        Json::Bool(b) => b.to_string(),
        Json::Null => "null".into(),
        Json::Arr(_) => "[…]".into(),
        Json::Obj(_) => "{…}".into(),
    }
}

/// A header value holding base64 (standard or URL-safe, padding optional)
/// JSON, decoded.
pub fn base64_json(v: &str) -> Option<Json> {
    let v = v.trim_ascii();
    // Counted in characters, as everywhere: a value of base64 and padding
    // followed by text outside ASCII is as long in either engine.
    if v.len() > MAX_BASE64_CHARS && v.chars().nth(MAX_BASE64_CHARS).is_some() {
        return None;
    }
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut bytes = Vec::with_capacity(v.len() / 4 * 3);
    for c in v.bytes() {
        let d = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        bits = (bits << 6) | d as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            bytes.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    let trimmed = text.trim_ascii_start();
    if !trimmed.starts_with('{') && !trimmed.starts_with('[') {
        return None;
    }
    crate::tree::paste::parse_json(trimmed)
}
