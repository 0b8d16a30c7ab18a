//! The rules both search engines follow, written once: `remedy search`
//! (Rust, over tantivy) and the browser client (`search-engine.js`) plan
//! and score a query the same way, and every constant they share is here.
//! The exporter writes [`Rules`] into `search/meta.js`; the JavaScript reads
//! its weights, limits, suffixes and character classes from there and
//! writes none of them itself (`FORMAT.md`, "Rules").

use serde::Serialize;

/// Weight of a word found by prefix or by edit distance, against 1 for a
/// word found as typed: a near match counts, below an exact one.
pub const NEAR: f32 = 0.5;
/// The field of code symbols (`FORMAT.md`, fields).
pub const SYMBOLS: usize = 6;
/// Weight of a symbol typed as code (`analyzer::query_symbols`).
pub const SHAPED: f32 = 3.0;
/// The field of whole headings.
pub const WHOLE: usize = 7;
/// Weight of a synonym (a code for its reason phrase and back).
pub const SYNONYM: f32 = 0.5;
/// Weight in headings of each status code of a query that names two or more.
pub const COMPARED: f32 = 8.0;

/// Weight of an identifier typed whole (`credit_balance_exhausted`), and of
/// each of its parts: the page that has the identifier must come before
/// pages that only share its words, however many of them.
pub const RUN: f32 = 32.0;
pub const RUN_PART: f32 = 0.5;
/// An identifier in more than one document in this many is boilerplate
/// (`content-type`, `application/json`, `http/1.1`), not what a paste is
/// about: its clause keeps the plain weight.
pub const RUN_RARE: u64 = 16;
/// How much each further matching section of a page adds to its rank.
pub const PAGE_DECAY: f32 = 0.5;
/// Longest query read; the rest is ignored. A pasted response or log is
/// read whole up to here, then cut down to its informative words.
pub const MAX_QUERY_CHARS: usize = 20_000;
/// A query with more words than this is a paste: only its most informative
/// runs are searched, up to this many words in all.
pub const MAX_QUERY_PARTS: usize = 32;
/// More quoted phrases than this and the quotes are a paste's (JSON), not
/// the reader's: they are ignored.
pub const MAX_PHRASES: usize = 2;

/// Derivational suffixes, longest first where one ends another.
pub const SUFFIXES: [&str; 24] = [
    "ability", "ibility", "ation", "ition", "ions", "ion", "ency", "ence", "ancy", "ance", "able",
    "ible", "ment", "ness", "ity", "ive", "ing", "ent", "ant", "ers", "er", "ed", "es", "s",
];
/// Families are at most this many terms besides the word's own.
pub const MAX_FAMILY: usize = 4;
/// Other spellings a root may have had once a suffix is taken off
/// (`dependency` -> `dependent`).
pub const EXTRA_SPELLINGS: [(&str, &str); 7] = [
    ("ency", "ent"),
    ("ence", "ent"),
    ("ancy", "ant"),
    ("ance", "ant"),
    ("ability", "able"),
    ("ibility", "ible"),
    ("ation", "ate"),
];
/// A word shorter than this is not corrected for typos; from
/// `TYPO_TWO` characters on, two edits are allowed, below it one.
pub const TYPO_MIN: usize = 4;
pub const TYPO_TWO: usize = 8;
/// In a paste, a word with no digit and not in an identifier counts from
/// this many characters on.
pub const PASTE_WORD_MIN: usize = 4;
/// Word families: words of at least `FAMILY_MIN` ASCII letters take part,
/// and a root keeps at least `ROOT_MIN` once a suffix is off.
pub const FAMILY_MIN: usize = 4;
pub const ROOT_MIN: usize = 3;
/// tantivy's BM25 parameters (`bm25.rs`), which the browser's scores
/// repeat in f32; written here so the browser reads them too.
pub const K1: f32 = 1.2;
pub const B: f32 = 0.75;
/// A typo or a derivation brings at most this many terms.
pub const NEAR_TERMS: usize = 3;
/// The characters of a word, as a regular-expression class: what Rust's
/// `char::is_alphanumeric` admits (Alphabetic, which has the marks that
/// belong to words, or a number).
pub const WORD_CLASS: &str = "[\\p{Alphabetic}\\p{N}]";
/// Characters that join two words into one identifier (`analyzer.rs`).
pub const JOINERS: &str = "_-./:";
/// Characters that, beside a word of a query, say it was typed as code
/// (`Vec::new`, `&mut T`, `drop(x)`, `Option<T>`).
pub const CODE_PUNCTUATION: &str = ":<>()&*[]!'.#$=,;{}";

/// What `search/meta.js` carries under `rules`.
#[derive(Serialize)]
pub struct Rules {
    near: f32,
    synonym: f32,
    compared: f32,
    run: f32,
    run_part: f32,
    run_rare: u64,
    shaped: f32,
    page_decay: f32,
    reference: f32,
    max_query_chars: usize,
    max_query_parts: usize,
    max_phrases: usize,
    max_family: usize,
    near_terms: usize,
    typo_min: usize,
    typo_two: usize,
    paste_word_min: usize,
    family_min: usize,
    root_min: usize,
    k1: f32,
    b: f32,
    suffixes: &'static [&'static str],
    extra_spellings: &'static [(&'static str, &'static str)],
    word: &'static str,
    joiners: &'static str,
    code_punctuation: &'static str,
    symbols: usize,
    whole: usize,
}

/// The rules as the browser reads them.
pub fn rules() -> Rules {
    Rules {
        near: NEAR,
        synonym: SYNONYM,
        compared: COMPARED,
        run: RUN,
        run_part: RUN_PART,
        run_rare: RUN_RARE,
        shaped: SHAPED,
        page_decay: PAGE_DECAY,
        reference: super::REFERENCE_WEIGHT,
        max_query_chars: MAX_QUERY_CHARS,
        max_query_parts: MAX_QUERY_PARTS,
        max_phrases: MAX_PHRASES,
        max_family: MAX_FAMILY,
        near_terms: NEAR_TERMS,
        typo_min: TYPO_MIN,
        typo_two: TYPO_TWO,
        paste_word_min: PASTE_WORD_MIN,
        family_min: FAMILY_MIN,
        root_min: ROOT_MIN,
        k1: K1,
        b: B,
        suffixes: &SUFFIXES,
        extra_spellings: &EXTRA_SPELLINGS,
        word: WORD_CLASS,
        joiners: JOINERS,
        code_punctuation: CODE_PUNCTUATION,
        symbols: SYMBOLS,
        whole: WHOLE,
    }
}
