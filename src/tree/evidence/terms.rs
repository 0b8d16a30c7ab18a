//! The words evidence is made of, read the same way from a guide page and
//! from a paste (and by `triage-engine.js` in the browser, which follows
//! this file rule for rule).
//!
//! A *run* is ASCII letters and digits, with single `_`, `-` or `.` joiners
//! between them: `insufficient_quota`, `api.cohere.com`, `x-request-id`,
//! `E_ApiResponseCodes.ENDPOINT_PERMISSION_DENIED`. A run yields itself,
//! lowercased; a run with joiners also yields its `.`-separated segments and
//! its alphanumeric parts, so `error.type` in a paste meets `type` on a
//! page. Anything else, non-ASCII letters included, separates runs: error
//! identifiers are ASCII, and one rule both engines read alike beats a
//! Unicode class each engine reads its own way.
//!
//! Runs inside a *blob* are skipped: a stretch of 32 or more base64
//! characters (letters, digits, `+`, `/`, `=`) with at least 4 capitals,
//! 4 small letters and 2 digits, such as a token, a signature or an x402
//! payload. Its `+` and `/` cut it into short random runs that would match
//! the random runs of another blob, on a page or in a paste. So are runs
//! next to a control character or U+FFFD (what bytes that are not text
//! become): binary pasted by mistake is full of short runs that spell
//! words by chance.

use rustc_hash::FxHashSet as HashSet;

use crate::tree::rules::{self, BLOB_MIX};
pub use crate::tree::rules::{MAX_TERM, MIN_BLOB, MIN_NUMBER, MIN_TERM};

fn is_word(b: u8) -> bool {
    rules::WORD.has(b)
}

fn is_joiner(b: u8) -> bool {
    rules::JOINER.has(b)
}

/// The runs of `text` outside blobs, lowercased, in order (repeats
/// included).
pub fn runs(text: &str) -> Vec<String> {
    let blobs = blobs(text);
    run_slices(text, &blobs)
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The byte ranges of the blobs of `text`, in order.
pub fn blobs(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let base64 = |c: u8| rules::BASE64.has(c);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !base64(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let (mut upper, mut lower, mut digit) = (0, 0, 0);
        while i < b.len() && base64(b[i]) {
            upper += usize::from(b[i].is_ascii_uppercase());
            lower += usize::from(b[i].is_ascii_lowercase());
            digit += usize::from(b[i].is_ascii_digit());
            i += 1;
        }
        let [min_upper, min_lower, min_digit] = BLOB_MIX;
        if i - start >= MIN_BLOB && upper >= min_upper && lower >= min_lower && digit >= min_digit {
            out.push((start, i));
        }
    }
    out
}

/// The runs of `text` that start outside `blobs`, as slices of it, in order.
/// `text` may be the lowercased copy of the text the blobs were found in.
fn run_slices<'a>(
    text: &'a str,
    blobs: &'a [(usize, usize)],
) -> impl Iterator<Item = &'a str> + 'a {
    let b = text.as_bytes();
    let mut i = 0;
    let mut blob = 0;
    std::iter::from_fn(move || loop {
        while i < b.len() && !is_word(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        loop {
            while i < b.len() && is_word(b[i]) {
                i += 1;
            }
            if i + 1 < b.len() && is_joiner(b[i]) && is_word(b[i + 1]) {
                i += 1;
                continue;
            }
            break;
        }
        while blob < blobs.len() && blobs[blob].1 <= start {
            blob += 1;
        }
        if blob < blobs.len() && blobs[blob].0 <= start {
            continue;
        }
        if noise(text[..start].chars().next_back()) || noise(text[i..].chars().next()) {
            continue;
        }
        return Some(&text[start..i]);
    })
}

/// A neighbour that marks a run as part of binary: a control character
/// (tabs and line breaks apart) or U+FFFD.
fn noise(c: Option<char>) -> bool {
    c.is_some_and(|c| c == '\u{FFFD}' || rules::NOISE.has_char(c))
}

/// The terms one run yields: itself, its `.` segments, its parts; each once,
/// in that order, within the length bounds.
pub fn run_terms<'a>(run: &'a str, out: &mut Vec<&'a str>) {
    let mut push = |t: &'a str| {
        if is_term(t) && !out.contains(&t) {
            out.push(t);
        }
    };
    push(run);
    if !run.bytes().any(is_joiner) {
        return;
    }
    if run.contains('.') {
        for seg in run.split('.') {
            push(seg);
        }
    }
    for part in run.split(|c: char| is_joiner(c as u8)) {
        push(part);
    }
}

/// Within the length bounds, and if only digits, at least [`MIN_NUMBER`]
/// of them: `20100` is an error code, but `45` or `17` are line numbers
/// and clock times as often as anything (status codes are signals' work).
fn is_term(t: &str) -> bool {
    (MIN_TERM..=MAX_TERM).contains(&t.len())
        && (t.len() >= MIN_NUMBER || !t.bytes().all(|b| b.is_ascii_digit()))
}

/// Every distinct term of `text`, in order of first appearance. The text
/// is lowercased once (ASCII only, so byte positions hold) and terms are
/// slices of it until they are kept: a page of ten thousand words makes
/// one string per distinct term, not one per word.
pub fn distinct_terms(text: &str) -> Vec<String> {
    let blobs = blobs(text);
    let lower = text.to_ascii_lowercase();
    let mut seen: HashSet<&str> = HashSet::default();
    let mut out = Vec::new();
    let mut one = Vec::new();
    for run in run_slices(&lower, &blobs) {
        one.clear();
        run_terms(run, &mut one);
        for &t in &one {
            if seen.insert(t) {
                out.push(t.to_string());
            }
        }
    }
    out
}

/// `text` without its stack frames: lines that say where code ran, not
/// what went wrong. Their paths (`node_modules/openai/core/error.js`,
/// `node:internal/process`) are full of words (`core`, `internal`,
/// `process`, `client`) that some page has by chance, and a trace of
/// twenty frames would outvote the one line that names the error. A frame
/// is a line that, without its leading blanks, starts with `at ` and has
/// `:` followed by a digit (JavaScript, Java), starts with `File "` and
/// has `", line ` (Python), or starts with `from ` and has `:in ` (Ruby).
/// Lines keep their place (a frame becomes an empty line).
pub fn without_frames(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.lines().any(is_frame) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if is_frame(line) {
            out.push('\n');
        } else {
            out.push_str(line);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn is_frame(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    let numbered = t
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b':' && w[1].is_ascii_digit());
    (t.starts_with("at ") && numbered)
        || (t.starts_with("File \"") && t.contains("\", line "))
        || (t.starts_with("from ") && t.contains(":in "))
}

/// A run that reads as a host name: two or more labels of letters, digits
/// and inner hyphens, the last one letters only (`api.cohere.com`, not
/// `response.ok`'s look-alikes such as `1.1` or `error_code.x`).
pub fn is_host(run: &str) -> bool {
    let labels: Vec<&str> = run.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.bytes().all(|b| rules::WORD.has(b) || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels.last().is_some_and(|l| {
            let [shortest, longest] = rules::TLD_CHARS;
            (shortest..=longest).contains(&l.len()) && l.bytes().all(|b| rules::LETTER.has(b))
        })
}

/// The hosts named anywhere in `text` (URLs, bare domains), distinct, in order.
pub fn hosts(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for run in runs(text) {
        if is_host(&run) && !out.contains(&run) {
            out.push(run);
        }
    }
    out
}

/// The hosts of the URLs in `text` (`scheme://host`), lowercased,
/// distinct, in order: names that are hosts for sure, unlike a bare
/// `error.type`.
pub fn url_hosts(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let scheme = rest[..at]
            .bytes()
            .rev()
            .take_while(|&b| rules::LETTER.has(b))
            .count();
        let tail = &rest[at + 3..];
        let end = tail
            .bytes()
            .position(|b| !rules::HOST.has(b))
            .unwrap_or(tail.len());
        let host = tail[..end].trim_end_matches('.').to_ascii_lowercase();
        if scheme > 0 && is_host(&host) && !out.contains(&host) {
            out.push(host);
        }
        rest = tail;
    }
    out
}

/// The registrable part of a host, roughly: its last two labels, or three
/// when the second-to-last is a short second-level label under a country
/// code (`example.co.uk`). Hosts of one site share it.
pub fn site(host: &str) -> &str {
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    let [country, second] = rules::SITE_COUNTRY;
    let take = if n >= 3 && labels[n - 1].len() == country && labels[n - 2].len() <= second {
        3
    } else {
        2
    };
    if n <= take {
        return host;
    }
    let skip: usize = labels[..n - take].iter().map(|l| l.len() + 1).sum();
    &host[skip..]
}

/// Whether a declared host (`api.x.com`, or `*.x.com` for its subdomains)
/// names `host` exactly.
pub fn host_matches(declared: &str, host: &str) -> bool {
    match declared.strip_prefix("*.") {
        Some(base) => {
            host.len() > base.len() + 1 && host.ends_with(base) && {
                host.as_bytes()[host.len() - base.len() - 1] == b'.'
            }
        }
        None => declared == host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_frames_are_not_evidence() {
        let paste = "Error: 402 Insufficient Balance\n    at APIError.generate (/srv/node_modules/openai/core/error.js:45:20)\n  File \"/usr/lib/python3/anthropic/_base_client.py\", line 1037, in _request\nfrom /app/vendor/stripe.rb:12:in `request'\nat the end of the day: 2 errors\n";
        let kept = without_frames(paste);
        assert_eq!(
            kept,
            "Error: 402 Insufficient Balance\n\n\n\nat the end of the day: 2 errors\n"
        );
        let terms = distinct_terms(&kept);
        assert!(terms.contains(&"balance".to_string()));
        assert!(!terms
            .iter()
            .any(|t| t == "core" || t == "anthropic" || t == "stripe"));
        // No frame: the same text, not a copy.
        assert!(matches!(
            without_frames("at rest"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn runs_join_identifiers_hosts_and_headers() {
        let r = runs("error.type: \"insufficient_quota\" at api.cohere.com. X-Request-Id: req_1");
        assert_eq!(
            r,
            [
                "error.type",
                "insufficient_quota",
                "at",
                "api.cohere.com",
                "x-request-id",
                "req_1"
            ]
        );
        // Joiners need a word on both sides; other characters split.
        let r = runs("__a--b c/d e:f g.h. é");
        assert_eq!(r, ["a", "b", "c", "d", "e", "f", "g.h"]);
    }

    #[test]
    fn runs_in_binary_are_skipped() {
        assert_eq!(
            runs("\u{1}eip\u{FFFD} two\u{7f} ok tab\tnew\nline"),
            ["ok", "tab", "new", "line"]
        );
    }

    #[test]
    fn blobs_are_skipped() {
        let token = "eyJ4NDAyVmVyc2lvbiI6Mn0+f2Tr/JqZ9aBcDeFgHiJkLmNoPq==";
        assert_eq!(blobs(token), [(0, token.len())]);
        assert!(runs(&format!("x-payment: {token} done")).ends_with(&["done".to_string()]));
        assert_eq!(
            runs(&format!("x-payment: {token} done")),
            ["x-payment", "done"]
        );
        // Long, but one case or without digits: a word, a path, a hex hash.
        for text in [
            "https://api.example.com/v1/chat/completions/stream/events",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ",
            "0123456789abcdef0123456789abcdef0123",
        ] {
            assert!(blobs(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_run_yields_itself_its_segments_and_its_parts() {
        let mut out: Vec<&str> = Vec::new();
        run_terms("e_apiresponsecodes.endpoint_permission_denied", &mut out);
        assert_eq!(
            out,
            [
                "e_apiresponsecodes.endpoint_permission_denied",
                "e_apiresponsecodes",
                "endpoint_permission_denied",
                "apiresponsecodes",
                "endpoint",
                "permission",
                "denied"
            ]
        );
        assert_eq!(
            distinct_terms("HTTP/2 402 402 card_declined 20100 12:45:07"),
            ["http", "card_declined", "card", "declined", "20100"]
        );
        // Bounds: one letter, and 65 characters, are not terms.
        assert!(distinct_terms(&format!("a {}", "x".repeat(65))).is_empty());
    }

    #[test]
    fn hosts_and_sites() {
        assert_eq!(
            hosts("POST https://api.cohere.com/v2/chat see docs.cohere.com, response.ok 1.1 error.type"),
            ["api.cohere.com", "docs.cohere.com", "response.ok", "error.type"]
        );
        assert_eq!(
            url_hosts(
                "see https://Docs.X.io/a and ftp://b.c.dev. and ://nohost.com and error.type"
            ),
            ["docs.x.io", "b.c.dev"]
        );
        assert_eq!(site("api.cohere.com"), "cohere.com");
        assert_eq!(site("shop.example.co.uk"), "example.co.uk");
        assert_eq!(site("example.com"), "example.com");
        assert!(host_matches("*.myshopify.com", "acme.myshopify.com"));
        assert!(!host_matches("*.myshopify.com", "myshopify.com"));
        assert!(!host_matches("*.myshopify.com", "evilmyshopify.com"));
        assert!(host_matches("api.stripe.com", "api.stripe.com"));
    }
}
