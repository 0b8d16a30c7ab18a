//! Signals: what a pasted response must show for an answer to be chosen
//! without asking the reader.
//!
//! An answer's `when` table holds one condition; `all`, `any` and `not`
//! combine them:
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
//! The browser evaluates the same conditions (`triage.js`), so patterns are
//! held to a subset both engines read alike and no backtracking engine can
//! blow up on: see [`check_pattern`].

use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::paste::{cap, Json, Paste};
use crate::diagnostics::{Diagnostic, Source};

/// Regexes see at most this many characters of a value.
pub const MAX_MATCH_CHARS: usize = 1024;
/// Base64 header values longer than this are not decoded.
pub const MAX_BASE64_CHARS: usize = 65_536;

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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
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
        /// The compiled pattern.
        #[serde(skip)]
        regex: regex::Regex,
    },
}

/// One compiled condition.
#[derive(Debug, Clone, Serialize)]
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
        toml::Value::Float(f) if !header => Scalar::Num(*f),
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
    match regex::Regex::new(text) {
        Ok(regex) => Some(Test::Matches {
            source: body.to_string(),
            ci,
            regex,
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

/// Checks that a pattern is in the subset that Rust's `regex` and a
/// browser's `RegExp` (with the `u` flag) read the same way, and that a
/// backtracking engine runs in time at most quadratic in the value: no
/// repetition inside a repetition, no `|` inside a repetition, at most one
/// unbounded repetition, bounded ones up to 100.
pub fn check_pattern(p: &str) -> Result<(), String> {
    use regex_syntax::ast::{self, Ast};
    let ast = ast::parse::Parser::new()
        .parse(p)
        .map_err(|e| format!("does not compile: {}", e.kind()))?;
    let mut unbounded = 0;
    // (node, inside a repetition)
    let mut work: Vec<(&Ast, bool)> = vec![(&ast, false)];
    while let Some((node, in_rep)) = work.pop() {
        match node {
            Ast::Empty(_) | Ast::Dot(_) => {}
            Ast::Literal(l) => {
                use ast::LiteralKind as K;
                use ast::SpecialLiteralKind as S;
                let ok = match &l.kind {
                    K::Verbatim | K::Meta => true,
                    K::Special(s) => matches!(s, S::Tab | S::LineFeed | S::CarriageReturn),
                    _ => false,
                };
                if !ok {
                    return Err(format!(
                        "uses an escape browsers read differently: `{}`",
                        &p[l.span.start.offset..l.span.end.offset]
                    ));
                }
            }
            Ast::Assertion(a) => {
                if !matches!(
                    a.kind,
                    ast::AssertionKind::StartLine | ast::AssertionKind::EndLine
                ) {
                    return Err("uses an assertion other than ^ and $".into());
                }
            }
            Ast::ClassPerl(c) => {
                if c.kind != ast::ClassPerlKind::Space {
                    return Err("uses \\d or \\w, which mean more than ASCII in Rust and only ASCII in browsers: write [0-9] or [0-9A-Za-z_]".into());
                }
            }
            Ast::ClassUnicode(_) => return Err("uses a Unicode class (\\p{..})".into()),
            Ast::ClassBracketed(c) => {
                let mut items = vec![&c.kind];
                while let Some(set) = items.pop() {
                    match set {
                        ast::ClassSet::BinaryOp(_) => {
                            return Err("uses class set operations (&&, --, ~~)".into())
                        }
                        ast::ClassSet::Item(item) => {
                            let mut stack = vec![item];
                            while let Some(it) = stack.pop() {
                                match it {
                                    ast::ClassSetItem::Empty(_) | ast::ClassSetItem::Range(_) => {}
                                    ast::ClassSetItem::Literal(l) => {
                                        if !matches!(l.kind, ast::LiteralKind::Verbatim | ast::LiteralKind::Meta) {
                                            return Err("uses an escape inside a class that browsers read differently".into());
                                        }
                                    }
                                    ast::ClassSetItem::Perl(pc) if pc.kind == ast::ClassPerlKind::Space => {}
                                    ast::ClassSetItem::Union(u) => stack.extend(u.items.iter()),
                                    ast::ClassSetItem::Bracketed(b) => items.push(&b.kind),
                                    _ => return Err("uses a class item browsers read differently (\\d, \\w, [:alpha:], \\p{..})".into()),
                                }
                            }
                        }
                    }
                }
            }
            Ast::Repetition(r) => {
                if in_rep {
                    return Err(
                        "repeats a repetition, which can take exponential time in a browser".into(),
                    );
                }
                use ast::RepetitionKind as R;
                use ast::RepetitionRange as RR;
                match &r.op.kind {
                    R::ZeroOrMore | R::OneOrMore | R::Range(RR::AtLeast(_)) => unbounded += 1,
                    R::ZeroOrOne => {}
                    R::Range(RR::Exactly(n)) | R::Range(RR::Bounded(_, n)) => {
                        if *n > 100 {
                            return Err("repeats more than 100 times".into());
                        }
                    }
                }
                if unbounded > 1 {
                    return Err("has more than one unbounded repetition (*, +, {n,}), which can take polynomial time in a browser".into());
                }
                work.push((&r.ast, true));
            }
            Ast::Group(g) => {
                if matches!(
                    g.kind,
                    ast::GroupKind::CaptureName { .. } | ast::GroupKind::NonCapturing(_)
                ) {
                    if let ast::GroupKind::NonCapturing(flags) = &g.kind {
                        if !flags.items.is_empty() {
                            return Err(
                                "sets flags inside the pattern; only a leading (?i) is allowed"
                                    .into(),
                            );
                        }
                    } else {
                        return Err("names a group; browsers write names differently".into());
                    }
                }
                work.push((&g.ast, in_rep));
            }
            Ast::Flags(_) => return Err("sets flags; only a leading (?i) is allowed".into()),
            Ast::Alternation(a) => {
                if in_rep {
                    return Err("repeats an alternation (use a class such as [ab] instead)".into());
                }
                work.extend(a.asts.iter().map(|x| (x, in_rep)));
            }
            Ast::Concat(c) => work.extend(c.asts.iter().map(|x| (x, in_rep))),
        }
    }
    Ok(())
}

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

/// Values in a trail are cut to 60 characters.
fn shorten(v: &str) -> String {
    let c = cap(v, 60);
    if c.len() < v.len() {
        format!("{c}…")
    } else {
        c.to_string()
    }
}

fn show_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
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
    if v.len() > MAX_BASE64_CHARS {
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
    super::paste::parse_json(trimmed)
}
