//! The build-time check that two answers of one question cannot both match
//! one paste: an example paste is built from both answers' signals and run
//! through the real reader and evaluator, so a reported overlap is real
//! (the check can miss some, never invent one).

use std::collections::BTreeMap;

use super::pattern::sample_regex;
use super::{Scalar, Signal, Test};
use crate::diagnostics::{Diagnostic, Source};
use crate::tree::paste::{self, Json};
use crate::tree::{Node, NodeKind};

/// A warning for each pair of answers of one question that an example
/// paste, built from their signals, matches both.
pub fn overlaps(source: &Source, nodes: &[Node]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for node in nodes {
        if matches!(
            node.kind,
            NodeKind::Question {
                first_wins: true,
                ..
            }
        ) {
            continue;
        }
        let answers = node.answers();
        for (j, b) in answers.iter().enumerate() {
            let (Some(sb), Some(span)) = (&b.when, &b.when_span) else {
                continue;
            };
            let earlier = answers[..j].iter().enumerate().find_map(|(i, a)| {
                let sa = a.when.as_ref()?;
                Some((i, example_of_both(sa, sb)?))
            });
            if let Some((i, example)) = earlier {
                out.push(
                    Diagnostic::warning(format!(
                        "answers {} and {} of question `{}` can both match one paste; the first one wins",
                        i + 1,
                        j + 1,
                        node.id
                    ))
                    .at(source, span.clone())
                    .with_label("overlaps an earlier answer")
                    .with_help(format!(
                        "make them exclusive, e.g. with `not = {{ ... }}`; this paste matches both:\n{}",
                        example.trim_end()
                    )),
                );
            }
        }
    }
    out
}

fn example_of_both(a: &Signal, b: &Signal) -> Option<String> {
    let (da, db) = (dnf(a), dnf(b));
    for ca in &da {
        for cb in &db {
            let both: Vec<&Signal> = ca.iter().chain(cb).copied().collect();
            let flipped: Vec<&Signal> = cb.iter().chain(ca).copied().collect();
            for atoms in [both, flipped] {
                let text = witness(&atoms);
                let p = paste::parse(&text);
                if a.eval(&p).is_some() && b.eval(&p).is_some() {
                    return Some(text);
                }
            }
        }
    }
    None
}

/// The positive atoms of each way the signal can hold (negations dropped:
/// the example is checked against the real signals afterwards).
fn dnf(s: &Signal) -> Vec<Vec<&Signal>> {
    const MAX: usize = 32;
    match s {
        Signal::All { of } => {
            let mut acc: Vec<Vec<&Signal>> = vec![Vec::new()];
            for part in of {
                let alts = dnf(part);
                let mut next = Vec::new();
                for a in &acc {
                    for b in &alts {
                        if next.len() < MAX {
                            next.push(a.iter().chain(b).copied().collect());
                        }
                    }
                }
                acc = next;
            }
            acc
        }
        Signal::Any { of } => of.iter().flat_map(dnf).take(MAX).collect(),
        Signal::Not { .. } => vec![Vec::new()],
        atom => vec![vec![atom]],
    }
}

/// A raw HTTP response that shows every atom (later atoms win on the same
/// header or pointer).
fn witness(atoms: &[&Signal]) -> String {
    let mut status = 402;
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut sent: Vec<(String, String)> = Vec::new();
    let mut body = Json::Obj(Vec::new());
    let mut header_json: BTreeMap<String, Json> = BTreeMap::new();
    let mut texts = Vec::new();
    let set = |list: &mut Vec<(String, String)>, name: &str, value: String| {
        list.retain(|(n, _)| n != name);
        list.push((name.to_string(), value));
    };
    for atom in atoms {
        match atom {
            Signal::Status { codes } => status = codes[0],
            Signal::Header { name, test } => set(&mut headers, name, sample_str(test)),
            Signal::Sent { name, test } => set(&mut sent, name, sample_str(test)),
            Signal::Json {
                header,
                tokens,
                test,
                ..
            } => {
                let root = match header {
                    None => &mut body,
                    Some(h) => header_json
                        .entry(h.clone())
                        .or_insert(Json::Obj(Vec::new())),
                };
                set_pointer(root, tokens, sample_json(test));
            }
            Signal::Body { text } => texts.push(text.clone()),
            _ => {}
        }
    }
    for (h, json) in &header_json {
        set(&mut headers, h, base64(&to_json(json)));
    }
    let mut out = String::new();
    for (n, v) in &sent {
        out.push_str(&format!("> {n}: {v}\n"));
    }
    out.push_str(&format!("HTTP/1.1 {status}\n"));
    for (n, v) in &headers {
        out.push_str(&format!("{n}: {v}\n"));
    }
    out.push('\n');
    if body != Json::Obj(Vec::new()) {
        out.push_str(&to_json(&body));
        out.push('\n');
    }
    for t in texts {
        out.push_str(&t);
        out.push('\n');
    }
    out
}

fn sample_str(test: &Test) -> String {
    match test {
        Test::Present => "x".into(),
        Test::Equals { value } => scalar_text(value),
        Test::In { values } => values.first().map(scalar_text).unwrap_or_default(),
        Test::Matches { regex, .. } => {
            // The reader trims header values: keep a trailing space inside.
            let mut s = sample_regex(regex.as_str());
            if s.ends_with(|c: char| c.is_ascii_whitespace()) {
                s.push('x');
            }
            s
        }
    }
}

fn sample_json(test: &Test) -> Json {
    let of = |s: &Scalar| match s {
        Scalar::Str(s) => Json::Str(s.clone()),
        Scalar::Num(n) => Json::Num(*n),
        Scalar::Bool(b) => Json::Bool(*b),
    };
    match test {
        Test::Present => Json::Str("x".into()),
        Test::Equals { value } => of(value),
        Test::In { values } => values.first().map_or(Json::Null, of),
        Test::Matches { regex, .. } => Json::Str(sample_regex(regex.as_str())),
    }
}

fn scalar_text(s: &Scalar) -> String {
    match s {
        Scalar::Str(s) => s.clone(),
        Scalar::Num(n) => n.to_string(),
        Scalar::Bool(b) => b.to_string(),
    }
}

fn set_pointer(root: &mut Json, tokens: &[String], value: Json) {
    let mut at = root;
    for t in tokens {
        let index = t.parse::<usize>().ok().filter(|i| *i < 16);
        at = match index {
            Some(i) => {
                if !matches!(at, Json::Arr(_)) {
                    *at = Json::Arr(Vec::new());
                }
                let Json::Arr(items) = at else { return };
                while items.len() <= i {
                    items.push(Json::Null);
                }
                &mut items[i]
            }
            None => {
                if !matches!(at, Json::Obj(_)) {
                    *at = Json::Obj(Vec::new());
                }
                let Json::Obj(members) = at else { return };
                let pos = match members.iter().position(|(k, _)| k == t) {
                    Some(p) => p,
                    None => {
                        members.push((t.clone(), Json::Null));
                        members.len() - 1
                    }
                };
                &mut members[pos].1
            }
        };
    }
    *at = value;
}

fn to_json(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => b.to_string(),
        Json::Num(n) => serde_json::to_string(n).unwrap_or_else(|_| "0".into()),
        Json::Str(s) => serde_json::to_string(s).unwrap_or_default(),
        Json::Arr(items) => format!(
            "[{}]",
            items.iter().map(to_json).collect::<Vec<_>>().join(",")
        ),
        Json::Obj(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| format!(
                    "{}:{}",
                    serde_json::to_string(k).unwrap_or_default(),
                    to_json(v)
                ))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

fn base64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}
