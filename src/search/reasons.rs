//! Status codes and their reason phrases, for synonyms: a reader who types
//! `payment required` wants the pages about 402 and the other way round.
//! Phrases from RFC 9110 section 15, plus 429 and 431 (RFC 6585 sections 4
//! and 5) and 451 (RFC 7725 section 3).

use std::collections::BTreeMap;

use anyhow::Result;
use tantivy::Searcher;

use super::analyzer::{words, Stem};
use super::index::Fields;

pub const REASONS: &[(u16, &str)] = &[
    (400, "bad request"),
    (401, "unauthorized"),
    (402, "payment required"),
    (403, "forbidden"),
    (404, "not found"),
    (405, "method not allowed"),
    (406, "not acceptable"),
    (407, "proxy authentication required"),
    (408, "request timeout"),
    (409, "conflict"),
    (410, "gone"),
    (411, "length required"),
    (412, "precondition failed"),
    (413, "content too large"),
    (414, "uri too long"),
    (415, "unsupported media type"),
    (416, "range not satisfiable"),
    (417, "expectation failed"),
    (421, "misdirected request"),
    (422, "unprocessable content"),
    (426, "upgrade required"),
    (428, "precondition required"),
    (429, "too many requests"),
    (431, "request header fields too large"),
    (451, "unavailable for legal reasons"),
    (500, "internal server error"),
    (501, "not implemented"),
    (502, "bad gateway"),
    (503, "service unavailable"),
    (504, "gateway timeout"),
    (505, "http version not supported"),
];

/// Reason phrases, as terms, of the status codes the site mentions
/// (`meta.syn` for the browser, the same table for `remedy search`).
pub fn synonyms(
    searcher: &Searcher,
    fields: &Fields,
    stem: &Stem,
) -> Result<BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    for (code, reason) in REASONS {
        let code = code.to_string();
        let term = tantivy::Term::from_field_text(fields.body, &code);
        if searcher.doc_freq(&term)? == 0 {
            continue;
        }
        let terms = words(reason)
            .iter()
            .map(|w| stem.term(w).into_owned())
            .collect();
        out.insert(code, terms);
    }
    Ok(out)
}
