//! The constants both triage engines read a paste with: limits, word
//! lists and character classes. They are written here once; `paste.rs`,
//! `signals/` and `evidence/terms.rs` use them, and the build publishes
//! them in every tree's triage data ([`Rules`], `"rules"` in `FORMAT.md`),
//! where the browser's engine (`triage-engine.js`) reads them instead of
//! keeping its own copy. The evidence model's scoring parameters travel the
//! same way, in the model ([`super::evidence::Params`]).
//!
//! What stays code in both engines is grammar: how a status line, a curl
//! prefix, a JSON or Python literal or a stack frame is shaped. The parity
//! test (`tests/triage.rs`) compares what each engine reads from every
//! paste of the corpus, step by step.
//!
//! Character classes are ASCII: lists of characters, which the engines turn
//! into lookup tables. A character outside ASCII is in no class, so both
//! engines read non-ASCII text alike whatever their own idea of a letter.

use serde::{Deserialize, Serialize};

/// The paste is cut here (characters): real responses are far smaller, and
/// every later step is linear in it.
pub const MAX_PASTE_CHARS: usize = 262_144;
/// JSON nested deeper than this is not read at all.
pub const MAX_DEPTH: usize = 64;
/// Regexes see at most this many characters of a value.
pub const MAX_MATCH_CHARS: usize = 1024;
/// Base64 header values longer than this (characters) are not decoded.
pub const MAX_BASE64_CHARS: usize = 65_536;
/// Values in a trail are cut to this many characters.
pub const SHORTEN_CHARS: usize = 60;

/// Terms shorter than this say nothing (`a`, `v1`, `id`).
pub const MIN_TERM: usize = 3;
/// Terms longer than this are tokens, hashes or base64, never evidence.
pub const MAX_TERM: usize = 64;
/// Fewest digits of an all-digit term.
pub const MIN_NUMBER: usize = 4;
/// Shortest blob (`evidence/terms.rs`).
pub const MIN_BLOB: usize = 32;
/// Fewest capitals, small letters and digits a blob has.
pub const BLOB_MIX: [usize; 3] = [4, 4, 2];
/// Shortest and longest last label of a host name (`com`, `museum`).
pub const TLD_CHARS: [usize; 2] = [2, 24];
/// Terms and host an evidence step names in the trail, at most.
pub const EXPLAINED: usize = 3;
/// A host's site is its last two labels, or three when the last is a
/// country code of this many letters and the one before it is a
/// second-level label of at most this many (`example.co.uk`).
pub const SITE_COUNTRY: [usize; 2] = [2, 3];

/// Status codes a paste may name.
pub const STATUS_RANGE: [u16; 2] = [100, 599];
/// Words that precede a status code in SDK errors and logs.
pub const STATUS_BEFORE: [&str; 5] = ["error code", "status code", "status_code", "status", "http"];
/// Words that end a longer word before a status code
/// (`APIStatusError: 402`).
pub const STATUS_BEFORE_END: [&str; 1] = ["error"];
/// Reason phrases that follow one.
pub const STATUS_AFTER: [&str; 10] = [
    " payment required",
    ": payment_required",
    " too many requests",
    ": too_many_requests",
    " bad request",
    " unauthorized",
    " forbidden",
    ": payment required",
    " - payment required",
    " insufficient balance",
];
/// Where a JSON body alone may name its status: Google-style
/// `error.code`, a Problem Details (RFC 9457) `status`.
pub const STATUS_POINTERS: [&[&str]; 2] = [&["error", "code"], &["status"]];
/// Request methods and commands that make a URL after them on a line a
/// request host.
pub const METHODS: [&str; 8] = [
    "curl", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
];
/// The schemes of those URLs.
pub const SCHEMES: [&str; 2] = ["http", "https"];
/// The header that names a request's host (lowercase).
pub const HOST_HEADER: &str = "host";
/// Lines `curl -v` adds around a body start with one of these...
pub const CURL_NOISE: [&str; 5] = ["* ", "> ", "< ", "{ [", "} ["];
/// ... or are one of these.
pub const CURL_NOISE_LINES: [&str; 3] = ["*", ">", "<"];

/// The classes, as the characters they hold (all ASCII).
pub mod chars {
    /// Letters and digits: what terms, hosts and header names are made of.
    pub const WORD: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /// Letters: a URL's scheme, a host's last label.
    pub const LETTER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /// Control characters but tab and line breaks: beside one, a run is
    /// binary pasted by mistake, not a word (U+FFFD, what bytes that are
    /// not text become, counts too; it is no ASCII).
    pub const NOISE: &str = "\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{b}\u{c}\u{e}\u{f}\u{10}\u{11}\u{12}\u{13}\u{14}\u{15}\u{16}\u{17}\u{18}\u{19}\u{1a}\u{1b}\u{1c}\u{1d}\u{1e}\u{1f}\u{7f}";
    /// One of these between two word characters joins a run.
    pub const JOINER: &str = "_-.";
    /// With [`WORD`], base64 (blobs).
    pub const BASE64: &str = "+/=";
    /// With [`WORD`], a header name's token characters (RFC 9110 §5.6.2).
    pub const TOKEN: &str = "!#$%&'*+-.^_`|~";
    /// With [`WORD`], a host name (a `Host:` value, a URL's host).
    pub const HOST: &str = ".-";
    /// What trimming removes: ASCII whitespace.
    pub const SPACE: &str = " \t\n\u{c}\r";
    /// Whitespace between JSON tokens.
    pub const JSON_SPACE: &str = " \t\n\r";
    /// Between a status word and its code (`status: 402`, `code=402`).
    pub const STATUS_GAP: &str = " :=\t";
    /// Stripped from a word before it is read as `curl` or a method
    /// (`$ curl`, `> POST`, `"curl`, `(GET`).
    pub const REQUEST_LEAD: &str = ">$\"'(";
}

/// A set of ASCII characters, as a lookup table.
#[derive(Clone, Copy)]
pub struct Class([bool; 128]);

impl Class {
    /// The class of the characters of `sets`, together.
    pub const fn of(sets: &[&str]) -> Class {
        let mut t = [false; 128];
        let mut s = 0;
        while s < sets.len() {
            let b = sets[s].as_bytes();
            let mut i = 0;
            while i < b.len() {
                assert!(b[i] < 128, "character classes are ASCII");
                t[b[i] as usize] = true;
                i += 1;
            }
            s += 1;
        }
        Class(t)
    }

    /// Whether the byte is in the class (never a byte of a non-ASCII
    /// character).
    pub const fn has(&self, b: u8) -> bool {
        b < 128 && self.0[b as usize]
    }

    /// Whether the character is in the class.
    pub fn has_char(&self, c: char) -> bool {
        c.is_ascii() && self.has(c as u8)
    }
}

/// [`chars::WORD`].
pub const WORD: Class = Class::of(&[chars::WORD]);
/// [`chars::LETTER`].
pub const LETTER: Class = Class::of(&[chars::LETTER]);
/// [`chars::NOISE`].
pub const NOISE: Class = Class::of(&[chars::NOISE]);
/// [`chars::JOINER`].
pub const JOINER: Class = Class::of(&[chars::JOINER]);
/// [`chars::WORD`] and [`chars::BASE64`].
pub const BASE64: Class = Class::of(&[chars::WORD, chars::BASE64]);
/// [`chars::WORD`] and [`chars::TOKEN`].
pub const TOKEN: Class = Class::of(&[chars::WORD, chars::TOKEN]);
/// [`chars::WORD`] and [`chars::HOST`].
pub const HOST: Class = Class::of(&[chars::WORD, chars::HOST]);
/// [`chars::SPACE`].
pub const SPACE: Class = Class::of(&[chars::SPACE]);
/// [`chars::JSON_SPACE`].
pub const JSON_SPACE: Class = Class::of(&[chars::JSON_SPACE]);
/// [`chars::STATUS_GAP`].
pub const STATUS_GAP: Class = Class::of(&[chars::STATUS_GAP]);
/// [`chars::REQUEST_LEAD`].
pub const REQUEST_LEAD: Class = Class::of(&[chars::REQUEST_LEAD]);

/// The rules as published in a tree's triage data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    /// [`MAX_PASTE_CHARS`].
    pub max_paste_chars: usize,
    /// [`MAX_DEPTH`].
    pub max_depth: usize,
    /// [`MAX_MATCH_CHARS`].
    pub max_match_chars: usize,
    /// [`MAX_BASE64_CHARS`].
    pub max_base64_chars: usize,
    /// [`SHORTEN_CHARS`].
    pub shorten_chars: usize,
    /// [`MIN_TERM`].
    pub min_term: usize,
    /// [`MAX_TERM`].
    pub max_term: usize,
    /// [`MIN_NUMBER`].
    pub min_number: usize,
    /// [`MIN_BLOB`].
    pub min_blob: usize,
    /// [`BLOB_MIX`].
    pub blob_mix: [usize; 3],
    /// [`TLD_CHARS`].
    pub tld_chars: [usize; 2],
    /// [`EXPLAINED`].
    pub explained: usize,
    /// [`SITE_COUNTRY`].
    pub site_country: [usize; 2],
    /// [`STATUS_RANGE`].
    pub status_range: [u16; 2],
    /// [`STATUS_BEFORE`].
    pub status_before: Vec<String>,
    /// [`STATUS_BEFORE_END`].
    pub status_before_end: Vec<String>,
    /// [`STATUS_AFTER`].
    pub status_after: Vec<String>,
    /// [`STATUS_POINTERS`].
    pub status_pointers: Vec<Vec<String>>,
    /// [`METHODS`].
    pub methods: Vec<String>,
    /// [`SCHEMES`].
    pub schemes: Vec<String>,
    /// [`HOST_HEADER`].
    pub host_header: String,
    /// [`CURL_NOISE`].
    pub curl_noise: Vec<String>,
    /// [`CURL_NOISE_LINES`].
    pub curl_noise_lines: Vec<String>,
    /// The classes of [`chars`], by name.
    pub chars: Chars,
}

/// [`chars`] as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Chars {
    pub word: String,
    pub letter: String,
    pub noise: String,
    pub joiner: String,
    pub base64: String,
    pub token: String,
    pub host: String,
    pub space: String,
    pub json_space: String,
    pub status_gap: String,
    pub request_lead: String,
}

impl Default for Rules {
    fn default() -> Rules {
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Rules {
            max_paste_chars: MAX_PASTE_CHARS,
            max_depth: MAX_DEPTH,
            max_match_chars: MAX_MATCH_CHARS,
            max_base64_chars: MAX_BASE64_CHARS,
            shorten_chars: SHORTEN_CHARS,
            min_term: MIN_TERM,
            max_term: MAX_TERM,
            min_number: MIN_NUMBER,
            min_blob: MIN_BLOB,
            blob_mix: BLOB_MIX,
            tld_chars: TLD_CHARS,
            explained: EXPLAINED,
            site_country: SITE_COUNTRY,
            status_range: STATUS_RANGE,
            status_before: list(&STATUS_BEFORE),
            status_before_end: list(&STATUS_BEFORE_END),
            status_after: list(&STATUS_AFTER),
            status_pointers: STATUS_POINTERS.iter().map(|p| list(p)).collect(),
            methods: list(&METHODS),
            schemes: list(&SCHEMES),
            host_header: HOST_HEADER.into(),
            curl_noise: list(&CURL_NOISE),
            curl_noise_lines: list(&CURL_NOISE_LINES),
            chars: Chars {
                word: chars::WORD.into(),
                letter: chars::LETTER.into(),
                noise: chars::NOISE.into(),
                joiner: chars::JOINER.into(),
                base64: chars::BASE64.into(),
                token: chars::TOKEN.into(),
                host: chars::HOST.into(),
                space: chars::SPACE.into(),
                json_space: chars::JSON_SPACE.into(),
                status_gap: chars::STATUS_GAP.into(),
                request_lead: chars::REQUEST_LEAD.into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_their_characters_and_ascii_only() {
        assert!(WORD.has(b'a') && WORD.has(b'Z') && WORD.has(b'7'));
        assert!(!WORD.has(b'_') && !WORD.has(0xC3) && !WORD.has_char('é'));
        assert!(TOKEN.has(b'~') && TOKEN.has(b'x') && !TOKEN.has(b':'));
        assert!(SPACE.has(0x0C) && !JSON_SPACE.has(0x0C));
        // The same as the standard library's ASCII classes they stand for.
        for b in 0..=255u8 {
            assert_eq!(WORD.has(b), b.is_ascii_alphanumeric(), "{b}");
            assert_eq!(SPACE.has(b), b.is_ascii_whitespace(), "{b}");
            assert_eq!(LETTER.has(b), b.is_ascii_alphabetic(), "{b}");
            let control = b.is_ascii_control() && !matches!(b, b'\t' | b'\n' | b'\r');
            assert_eq!(NOISE.has(b), control, "{b}");
        }
    }
}
