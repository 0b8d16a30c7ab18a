//! Signals: what a pasted response must show for an answer to be chosen
//! without asking the reader.
//!
//! An answer's `when` table holds exactly one condition:
//!
//! - `status = 402` or `status = [401, 403]`;
//! - `header = "name"`, alone (present) or with `equals = "v"`,
//!   `in = ["a", "b"]` or `matches = "pattern"` on its trimmed value;
//! - `request-header = "name"`, the same for the `>` lines of `curl -v`;
//! - `json = "/pointer"` (RFC 6901) into the body, present and not null, or
//!   with `equals` (string, number, boolean), `in` or `matches` (strings);
//!   with `header = "name"` as well, into that header's base64 JSON;
//! - `body = "text"`: the body (or the whole paste) contains it, ASCII case
//!   ignored;
//! - `all = [...]`, `any = [...]`, `not = {...}` to combine them.
//!
//! ```toml
//! answers = [
//!   { label = "402", next = "api-host", when = { status = 402 } },
//!   { label = "L402", next = "l402-stage", when = { header = "www-authenticate", matches = "(?i)^(L402|LSAT) " } },
//!   { label = "Card", next = "card", when = { json = "/error/type", equals = "card_error" } },
//!   { label = "Paid, failed", next = "failed", when = { all = [
//!       { header = "payment-response", json = "/success", equals = false },
//!       { not = { body = "retry later" } },
//!   ] } },
//! ]
//! ```
//!
//! Problems are errors at their line and column (`compile`). The browser
//! evaluates the same conditions (`triage-engine.js`), so patterns are held to a
//! subset both engines read alike and no backtracking engine can blow up
//! on ([`pattern`]); [`overlap`] warns about answers one paste can match
//! together.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::{Diagnostic, Source};

mod eval;
pub mod overlap;
pub mod pattern;

pub use eval::{base64_json, show_number};
use pattern::check_pattern;

pub use super::rules::{MAX_BASE64_CHARS, MAX_MATCH_CHARS};

/// A `when` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWhen {
    #[serde(default)]
    status: Option<Spanned<toml::Value>>,
    #[serde(default)]
    header: Option<Spanned<String>>,
    #[serde(default, rename = "request-header")]
    request_header: Option<Spanned<String>>,
    #[serde(default)]
    json: Option<Spanned<String>>,
    #[serde(default)]
    body: Option<Spanned<String>>,
    #[serde(default)]
    equals: Option<Spanned<toml::Value>>,
    #[serde(default, rename = "in")]
    one_of: Option<Spanned<Vec<toml::Value>>>,
    #[serde(default)]
    matches: Option<Spanned<String>>,
    #[serde(default)]
    all: Option<Spanned<Vec<RawWhen>>>,
    #[serde(default)]
    any: Option<Spanned<Vec<RawWhen>>>,
    #[serde(default)]
    not: Option<Box<Spanned<RawWhen>>>,
}

/// A value a header or JSON value is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    /// Text.
    Str(String),
    /// A number (JSON has only one kind).
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
}

/// What is checked about a header or a JSON value.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase", try_from = "WireTest")]
pub enum Test {
    /// It is there (a JSON value: and not null).
    Present,
    /// It equals this value (header values: after trimming).
    Equals {
        /// The value.
        value: Scalar,
    },
    /// It equals one of these.
    In {
        /// The values.
        values: Vec<Scalar>,
    },
    /// A string that the pattern matches (first [`MAX_MATCH_CHARS`] characters).
    Matches {
        /// The pattern as the browser reads it (without a leading `(?i)`).
        source: String,
        /// Whether `(?i)` led it.
        ci: bool,
        /// The pattern, compiled when first used.
        #[serde(skip)]
        regex: LazyRegex,
    },
}

/// A pattern checked when the tree is read and compiled the first time a
/// paste is matched against it: a tree has a hundred patterns and a walk
/// tries a few, and compiling one costs a regex engine's whole set-up.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    pattern: String,
    /// The pattern as Rust's `regex` runs it: `.` and `\s` spelled out as
    /// a browser reads them ([`pattern::for_rust`]).
    rust: String,
    compiled: std::sync::OnceLock<Option<regex::Regex>>,
}

impl LazyRegex {
    /// A pattern already known to be in the subset (`source`, without
    /// its leading `(?i)`, which `ci` says).
    fn new(source: &str, ci: bool) -> LazyRegex {
        let flag = if ci { "(?i)" } else { "" };
        LazyRegex {
            pattern: format!("{flag}{source}"),
            rust: format!("{flag}{}", pattern::for_rust(source)),
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The pattern as written (with its `(?i)`).
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether it matches `s`; a pattern that parsed but does not compile
    /// (past the engine's size limit) matches nothing.
    pub fn is_match(&self, s: &str) -> bool {
        self.compiled
            .get_or_init(|| regex::Regex::new(&self.rust).ok())
            .as_ref()
            .is_some_and(|r| r.is_match(s))
    }
}

/// `Ok` when `pattern` parses as a regex, else the parser's message.
fn parses(pattern: &str) -> Result<(), String> {
    regex_syntax::Parser::new()
        .parse(pattern)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A [`Test`] as published in a tree's triage data: patterns as text,
/// compiled again (and held to the same subset) when read back.
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
enum WireTest {
    Present,
    Equals { value: Scalar },
    In { values: Vec<Scalar> },
    Matches { source: String, ci: bool },
}

impl TryFrom<WireTest> for Test {
    type Error = String;

    fn try_from(w: WireTest) -> Result<Test, String> {
        Ok(match w {
            WireTest::Present => Test::Present,
            WireTest::Equals { value } => Test::Equals { value },
            WireTest::In { values } => Test::In { values },
            WireTest::Matches { source, ci } => {
                check_pattern(&source).map_err(|why| format!("pattern `{source}` {why}"))?;
                let full = if ci {
                    format!("(?i){source}")
                } else {
                    source.clone()
                };
                parses(&full)?;
                Test::Matches {
                    regex: LazyRegex::new(&source, ci),
                    source,
                    ci,
                }
            }
        })
    }
}

/// One compiled condition.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub enum Signal {
    /// The status code is one of these.
    Status {
        /// The codes.
        codes: Vec<u16>,
    },
    /// A response header (any of its values) passes the test.
    Header {
        /// Lowercase name.
        name: String,
        /// The test.
        test: Test,
    },
    /// A request header `curl -v` printed with `>` passes the test.
    Sent {
        /// Lowercase name.
        name: String,
        /// The test.
        test: Test,
    },
    /// The value at a JSON pointer of the body, or of a header holding
    /// base64 JSON (x402's `PAYMENT-REQUIRED`), passes the test.
    Json {
        /// The header holding base64 JSON, or none for the body.
        header: Option<String>,
        /// The pointer as written.
        pointer: String,
        /// Its unescaped tokens.
        tokens: Vec<String>,
        /// The test.
        test: Test,
    },
    /// The body (or the whole paste) contains this text, ASCII case ignored.
    Body {
        /// The text.
        text: String,
    },
    /// Every condition holds.
    All {
        /// The conditions.
        of: Vec<Signal>,
    },
    /// At least one holds.
    Any {
        /// The conditions.
        of: Vec<Signal>,
    },
    /// The condition does not hold.
    Not {
        /// The condition.
        of: Box<Signal>,
    },
}

/// Compiles a `when` table, reporting every problem in it.
pub(super) fn compile(
    source: &Source,
    raw: &Spanned<RawWhen>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Signal> {
    let span = raw.span();
    let raw = raw.get_ref();
    let err = |errors: &mut Vec<Diagnostic>, span: Range<usize>, msg: String, help: &str| {
        errors.push(
            Diagnostic::error(msg)
                .at(source, span)
                .with_help(help.to_string()),
        );
    };
    let subjects = [
        raw.status.as_ref().map(|_| "status"),
        raw.header
            .as_ref()
            .filter(|_| raw.json.is_none())
            .map(|_| "header"),
        raw.request_header.as_ref().map(|_| "request-header"),
        raw.json.as_ref().map(|_| "json"),
        raw.body.as_ref().map(|_| "body"),
        raw.all.as_ref().map(|_| "all"),
        raw.any.as_ref().map(|_| "any"),
        raw.not.as_ref().map(|_| "not"),
    ];
    let named: Vec<&str> = subjects.iter().flatten().copied().collect();
    if named.len() != 1 {
        let msg = if named.is_empty() {
            "this condition checks nothing".to_string()
        } else {
            format!(
                "one condition checks one thing; this one has {}",
                named.join(", ")
            )
        };
        err(errors, span, msg, "write one of status, header, request-header, json, body, all, any or not; combine several with `all = [...]`");
        return None;
    }
    let comparator =
        raw.equals.is_some() as u8 + raw.one_of.is_some() as u8 + raw.matches.is_some() as u8;
    let takes_comparator = matches!(named[0], "header" | "request-header" | "json");
    if comparator > 1 || (comparator == 1 && !takes_comparator) {
        err(
            errors,
            span,
            format!("`{}` takes no equals, in or matches here", named[0]),
            if comparator > 1 {
                "use one of equals, in and matches"
            } else {
                "equals, in and matches go with header, request-header or json"
            },
        );
        return None;
    }
    let test = |errors: &mut Vec<Diagnostic>, header: bool| -> Option<Test> {
        if let Some(v) = &raw.equals {
            return Some(Test::Equals {
                value: scalar(source, v.get_ref(), v.span(), header, errors)?,
            });
        }
        if let Some(list) = &raw.one_of {
            if list.get_ref().is_empty() {
                err(
                    errors,
                    list.span(),
                    "`in` needs at least one value".into(),
                    "list the values, e.g. in = [\"a\", \"b\"]",
                );
                return None;
            }
            let values: Vec<Option<Scalar>> = list
                .get_ref()
                .iter()
                .map(|v| scalar(source, v, list.span(), header, errors))
                .collect();
            return Some(Test::In {
                values: values.into_iter().collect::<Option<_>>()?,
            });
        }
        if let Some(p) = &raw.matches {
            return pattern(source, p, errors);
        }
        Some(Test::Present)
    };
    let name = |s: &Spanned<String>, errors: &mut Vec<Diagnostic>| -> Option<String> {
        let n = s.get_ref();
        let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        if n.is_empty() || !n.bytes().all(token) {
            err(
                errors,
                s.span(),
                format!("`{n}` is not a header name"),
                "write the name alone, e.g. header = \"www-authenticate\"",
            );
            return None;
        }
        Some(n.to_ascii_lowercase())
    };
    let list = |l: &Spanned<Vec<RawWhen>>, errors: &mut Vec<Diagnostic>| -> Option<Vec<Signal>> {
        if l.get_ref().is_empty() {
            err(
                errors,
                l.span(),
                "an empty list of conditions".into(),
                "list at least one condition",
            );
            return None;
        }
        // The items have no spans of their own; they share the list's.
        let items: Vec<Option<Signal>> = l
            .get_ref()
            .iter()
            .map(|w| compile_unspanned(source, w, l.span(), errors))
            .collect();
        items.into_iter().collect()
    };
    match named[0] {
        "status" => {
            let v = raw.status.as_ref()?;
            let values: Vec<&toml::Value> = match v.get_ref() {
                toml::Value::Array(a) => a.iter().collect(),
                one => vec![one],
            };
            let mut codes = Vec::new();
            for value in values {
                match value.as_integer() {
                    Some(c) if (100..=599).contains(&c) => codes.push(c as u16),
                    _ => {
                        err(
                            errors,
                            v.span(),
                            format!("`{value}` is not an HTTP status code"),
                            "write a code from 100 to 599, or a list: status = [401, 403]",
                        );
                        return None;
                    }
                }
            }
            if codes.is_empty() {
                err(
                    errors,
                    v.span(),
                    "an empty list of status codes".into(),
                    "write status = 402 or status = [401, 403]",
                );
                return None;
            }
            Some(Signal::Status { codes })
        }
        "header" => Some(Signal::Header {
            name: name(raw.header.as_ref()?, errors)?,
            test: test(errors, true)?,
        }),
        "request-header" => Some(Signal::Sent {
            name: name(raw.request_header.as_ref()?, errors)?,
            test: test(errors, true)?,
        }),
        "json" => {
            let p = raw.json.as_ref()?;
            let header = match &raw.header {
                Some(h) => Some(name(h, errors)?),
                None => None,
            };
            let Some(tokens) = pointer_tokens(p.get_ref()) else {
                err(errors, p.span(), format!("`{}` is not a JSON pointer", p.get_ref()),
                    "a JSON pointer (RFC 6901) starts with `/` and escapes `~` as `~0` and `/` as `~1`, e.g. \"/error/type\"");
                return None;
            };
            Some(Signal::Json {
                header,
                pointer: p.get_ref().clone(),
                tokens,
                test: test(errors, false)?,
            })
        }
        "body" => {
            let b = raw.body.as_ref()?;
            if b.get_ref().trim().is_empty() {
                err(
                    errors,
                    b.span(),
                    "`body` needs some text to look for".into(),
                    "write a phrase of the message, e.g. body = \"credit balance is too low\"",
                );
                return None;
            }
            Some(Signal::Body {
                text: b.get_ref().clone(),
            })
        }
        "all" => Some(Signal::All {
            of: list(raw.all.as_ref()?, errors)?,
        }),
        "any" => Some(Signal::Any {
            of: list(raw.any.as_ref()?, errors)?,
        }),
        _ => Some(Signal::Not {
            of: Box::new(compile(source, raw.not.as_ref()?, errors)?),
        }),
    }
}

fn compile_unspanned(
    source: &Source,
    raw: &RawWhen,
    span: Range<usize>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Signal> {
    // Re-wrap with the enclosing span: toml gives list items no spans, so a
    // problem inside one points at its list.
    let spanned = Spanned::new(span, clone_raw(raw));
    compile(source, &spanned, errors)
}

fn clone_raw(raw: &RawWhen) -> RawWhen {
    RawWhen {
        status: raw.status.clone(),
        header: raw.header.clone(),
        request_header: raw.request_header.clone(),
        json: raw.json.clone(),
        body: raw.body.clone(),
        equals: raw.equals.clone(),
        one_of: raw.one_of.clone(),
        matches: raw.matches.clone(),
        all: raw
            .all
            .as_ref()
            .map(|l| Spanned::new(l.span(), l.get_ref().iter().map(clone_raw).collect())),
        any: raw
            .any
            .as_ref()
            .map(|l| Spanned::new(l.span(), l.get_ref().iter().map(clone_raw).collect())),
        not: raw
            .not
            .as_ref()
            .map(|n| Box::new(Spanned::new(n.span(), clone_raw(n.get_ref())))),
    }
}

fn scalar(
    source: &Source,
    v: &toml::Value,
    span: Range<usize>,
    header: bool,
    errors: &mut Vec<Diagnostic>,
) -> Option<Scalar> {
    let s = match v {
        toml::Value::String(s) => Scalar::Str(s.clone()),
        toml::Value::Integer(i) if !header => Scalar::Num(*i as f64),
        // JSON has no infinity or NaN: published, they would read back as null.
        toml::Value::Float(f) if !header && f.is_finite() => Scalar::Num(*f),
        toml::Value::Boolean(b) if !header => Scalar::Bool(*b),
        other => {
            let help = if header {
                "header values are text: put the value in quotes"
            } else {
                "compare with a string, a number or true/false"
            };
            errors.push(
                Diagnostic::error(format!("cannot compare with `{other}`"))
                    .at(source, span)
                    .with_help(help),
            );
            return None;
        }
    };
    Some(s)
}

/// The unescaped tokens of an RFC 6901 pointer, or `None` if it is malformed.
pub fn pointer_tokens(p: &str) -> Option<Vec<String>> {
    if p.is_empty() {
        return Some(Vec::new());
    }
    let rest = p.strip_prefix('/')?;
    rest.split('/')
        .map(|t| {
            let mut out = String::new();
            let mut chars = t.chars();
            while let Some(c) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some('0') => out.push('~'),
                        Some('1') => out.push('/'),
                        _ => return None,
                    }
                } else {
                    out.push(c);
                }
            }
            Some(out)
        })
        .collect()
}

fn pattern(source: &Source, p: &Spanned<String>, errors: &mut Vec<Diagnostic>) -> Option<Test> {
    let text = p.get_ref();
    let (ci, body) = match text.strip_prefix("(?i)") {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    if let Err(why) = check_pattern(body) {
        errors.push(
            Diagnostic::error(format!("pattern `{text}` {why}"))
                .at(source, p.span())
                .with_label("not in the pattern subset")
                .with_help("patterns run in the reader's browser too: use literals, `.`, `^`, `$`, `\\s`, classes such as [0-9A-Za-z_], groups, `|`, and at most one unbounded `*`, `+` or `{n,}`; a leading (?i) ignores case"),
        );
        return None;
    }
    match parses(text) {
        Ok(()) => Some(Test::Matches {
            source: body.to_string(),
            ci,
            regex: LazyRegex::new(body, ci),
        }),
        Err(e) => {
            errors.push(
                Diagnostic::error(format!("pattern `{text}` does not compile: {e}"))
                    .at(source, p.span()),
            );
            None
        }
    }
}
