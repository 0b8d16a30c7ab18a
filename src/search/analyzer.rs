//! The analyzer for error text: identifiers whole and by their parts,
//! numbers as tokens, English stemming on plain words.
//!
//! Readers paste `insufficient_quota`, `WWW-Authenticate: L402` or
//! `response.ok`; a prose analyzer would split those into parts and lose the
//! rare, precise whole. So a *run* (alphanumeric stretches joined by single
//! `_ - . / :`) is indexed whole and by its parts, at the parts' positions.
//! The rules are spelled out in `FORMAT.md`; the browser client never runs
//! them (it looks words up in the exported vocabulary), so they can change
//! here without touching JavaScript.

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::ops::Range;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::rules::{CODE_PUNCTUATION, JOINERS};

/// Tokenizer names registered on the index.
pub const TEXT: &str = "remedy_text";
pub const PAIRS: &str = "remedy_pairs";

/// Characters that join two alphanumeric stretches into one run.
fn is_joiner(c: char) -> bool {
    JOINERS.contains(c)
}

/// One run of text, with the byte ranges of the run and of its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub range: Range<usize>,
    pub parts: Vec<Range<usize>>,
}

/// Splits text into runs (see `FORMAT.md`).
pub fn runs(text: &str) -> Vec<Run> {
    let mut flat = Flat::default();
    flat.scan(text);
    flat.runs
        .iter()
        .map(|r| Run {
            range: flat.parts[r.first].start..flat.parts[r.first + r.len - 1].end,
            parts: flat.parts[r.first..r.first + r.len].to_vec(),
        })
        .collect()
}

/// Runs as indexes into one list of parts: the tokenizer's form, which
/// allocates twice per text instead of once per run.
#[derive(Default)]
struct Flat {
    parts: Vec<Range<usize>>,
    runs: Vec<FlatRun>,
}

#[derive(Clone, Copy)]
struct FlatRun {
    first: usize,
    len: usize,
}

impl Flat {
    /// Walks bytes, not `char`s: nearly all text is ASCII, and the scan
    /// runs three times over every section of a site (two fields and the
    /// vocabulary). A character outside ASCII is decoded where it starts.
    fn scan(&mut self, text: &str) {
        self.parts.clear();
        self.runs.clear();
        let bytes = text.as_bytes();
        // The length of the character at `i` when it is alphanumeric.
        let alphanumeric = |i: usize| -> Option<usize> {
            let b = *bytes.get(i)?;
            if b.is_ascii() {
                return b.is_ascii_alphanumeric().then_some(1);
            }
            let c = text.get(i..)?.chars().next()?;
            c.is_alphanumeric().then(|| c.len_utf8())
        };
        let mut open: Option<usize> = None; // first part of the current run
        let mut i = 0;
        while i < bytes.len() {
            let Some(len) = alphanumeric(i) else {
                i += match bytes[i].is_ascii() {
                    true => 1,
                    false => text[i..].chars().next().map_or(1, char::len_utf8),
                };
                continue;
            };
            let start = i;
            i += len;
            while let Some(len) = alphanumeric(i) {
                i += len;
            }
            if open.is_none() {
                open = Some(self.parts.len());
            }
            self.parts.push(start..i);
            // A joiner continues the run only if an alphanumeric follows it.
            let joined = bytes
                .get(i)
                .is_some_and(|&b| b.is_ascii() && is_joiner(b as char))
                && alphanumeric(i + 1).is_some();
            if joined {
                i += 1;
            } else if let Some(first) = open.take() {
                self.runs.push(FlatRun {
                    first,
                    len: self.parts.len() - first,
                });
            }
        }
    }
}

/// Stems English words; anything with a digit stays as it is.
#[derive(Clone)]
pub struct Stem(Stemmer);

impl Default for Stem {
    fn default() -> Self {
        Stem(Stemmer::new(Algorithm::English))
    }
}

impl Stem {
    /// The indexed term of one lowercased part.
    pub fn term<'a>(&self, word: &'a str) -> Cow<'a, str> {
        if word.chars().all(char::is_alphabetic) {
            self.0.stem(word)
        } else {
            Cow::Borrowed(word)
        }
    }
}

/// The lowercased words (parts) of a text, in order: what the vocabulary
/// holds and what pairs are made of.
pub fn words(text: &str) -> Vec<String> {
    runs(text)
        .iter()
        .flat_map(|r| r.parts.iter().map(|p| text[p.clone()].to_lowercase()))
        .collect()
}

/// Calls `f` with each lowercased word of `text`, in order, from one
/// reused buffer: the vocabulary is counted this way over every section of
/// a site, where a `String` per word would be most of the work.
pub fn each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut flat = Flat::default();
    flat.scan(text);
    let mut word = String::new();
    for part in &flat.parts {
        lowercase_into(&mut word, &text[part.clone()]);
        f(&word);
    }
}

/// The symbols of code: each maximal stretch of letters, digits and `_`
/// with a letter in it and two characters or more, lowercased and
/// unstemmed (`AtomicUsize` -> `atomicusize`, `size_of` -> `size_of`,
/// `Ordering::Relaxed` -> `ordering`, `relaxed`). The `symbols` field holds
/// them, so a query for an identifier finds the code that uses it, not the
/// prose that shares its stem (`Ordering` is not `order`).
pub fn symbols(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|s| s.chars().nth(1).is_some() && s.chars().any(char::is_alphabetic))
        .map(str::to_lowercase)
}

/// A query's symbols (as [`symbols`]), each with whether it was typed as
/// code: an `_`, a capital after the first letter, a letter beside a
/// digit, or code punctuation on either side. Such a word is an
/// identifier the reader means, and its symbol clause weighs more.
pub fn query_symbols(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let is_symbol = |c: char| c.is_alphanumeric() || c == '_';
    let mut chars = text.char_indices().peekable();
    let mut before = ' ';
    while let Some((start, c)) = chars.next() {
        if !is_symbol(c) {
            before = c;
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, c)) = chars.peek() {
            if !is_symbol(c) {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let after = chars.peek().map_or(' ', |&(_, c)| c);
        let word = &text[start..end];
        let mut prev: Option<char> = None;
        let mut shaped = CODE_PUNCTUATION.contains(before) || CODE_PUNCTUATION.contains(after);
        for c in word.chars() {
            shaped |= c == '_'
                || (prev.is_some() && c.is_uppercase())
                || prev.is_some_and(|p| {
                    (p.is_alphabetic() && c.is_numeric()) || (p.is_numeric() && c.is_alphabetic())
                });
            prev = Some(c);
        }
        if word.chars().nth(1).is_some() && word.chars().any(char::is_alphabetic) {
            out.push((word.to_lowercase(), shaped));
        }
        before = after;
    }
    out
}

/// A heading as one term: the indexed terms of its words, in order,
/// joined by spaces (`Checked Uninitialized Memory` -> `check uniniti
/// memori`), what a query's words make when it repeats the heading.
pub fn whole(heading: &str, stem: &Stem) -> String {
    words(heading)
        .iter()
        .map(|w| stem.term(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which tokens a [`ErrorText`] tokenizer emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Whole runs and stemmed parts (fields title, heading, body).
    Text,
    /// `stem(a) stem(b)` for each two consecutive parts (field pairs).
    Pairs,
}

/// The tantivy tokenizer; one type for the two modes so they cannot
/// disagree on what a run or a part is.
///
/// It streams tokens into one reused [`Token`] and keeps the stems it has
/// computed: a corpus repeats its words, and stemming and allocating per
/// token was most of the indexing time.
#[derive(Clone)]
pub struct ErrorText {
    mode: Mode,
    stem: Stem,
    /// Fx, not SipHash: keys are the site's own words, and hashing them
    /// was a tenth of indexing.
    cache: FxHashMap<String, String>,
}

impl ErrorText {
    pub fn new(mode: Mode) -> Self {
        ErrorText {
            mode,
            stem: Stem::default(),
            cache: FxHashMap::default(),
        }
    }

    /// Every token of `text`, in order.
    pub fn tokens(&mut self, text: &str) -> Vec<Token> {
        let mut stream = self.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }
}

impl Tokenizer for ErrorText {
    type TokenStream<'a> = ErrorTextStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ErrorTextStream<'a> {
        let mut flat = Flat::default();
        flat.scan(text);
        ErrorTextStream {
            text,
            flat,
            run: 0,
            part: 0,
            whole_done: false,
            position: 0,
            previous: None,
            spare: String::new(),
            word: String::new(),
            token: Token::default(),
            tokenizer: self,
        }
    }
}

/// The token stream of [`ErrorText`].
pub struct ErrorTextStream<'a> {
    text: &'a str,
    flat: Flat,
    run: usize,
    part: usize,
    whole_done: bool,
    position: usize,
    /// Pairs mode: the previous part's term and where it started.
    previous: Option<(String, usize)>,
    /// Pairs mode: the buffer the next part's term is written into.
    spare: String,
    word: String,
    token: Token,
    tokenizer: &'a mut ErrorText,
}

fn lowercase_into(out: &mut String, s: &str) {
    out.clear();
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
    } else {
        out.extend(s.chars().flat_map(char::to_lowercase));
    }
}

impl ErrorTextStream<'_> {
    /// The term of the lowercased word in `self.word`, into `out`.
    fn term_into(&mut self, out: &mut String) {
        out.clear();
        if !self.word.chars().all(char::is_alphabetic) {
            out.push_str(&self.word);
            return;
        }
        let t = &mut *self.tokenizer;
        if let Some(term) = t.cache.get(&self.word) {
            out.push_str(term);
            return;
        }
        let term = t.stem.term(&self.word).into_owned();
        out.push_str(&term);
        if t.cache.len() < 1_000_000 {
            t.cache.insert(self.word.clone(), term);
        }
    }

    fn set(&mut self, range: Range<usize>, position: usize, position_length: usize) {
        self.token.offset_from = range.start;
        self.token.offset_to = range.end;
        self.token.position = position;
        self.token.position_length = position_length;
    }
}

impl TokenStream for ErrorTextStream<'_> {
    fn advance(&mut self) -> bool {
        let mode = self.tokenizer.mode;
        loop {
            let Some(run) = self.flat.runs.get(self.run).copied() else {
                return false;
            };
            if mode == Mode::Text && run.len > 1 && !self.whole_done {
                self.whole_done = true;
                let range =
                    self.flat.parts[run.first].start..self.flat.parts[run.first + run.len - 1].end;
                lowercase_into(&mut self.token.text, &self.text[range.clone()]);
                self.set(range, self.position, run.len);
                return true;
            }
            if self.part == run.len {
                self.run += 1;
                self.part = 0;
                self.whole_done = false;
                continue;
            }
            let range = self.flat.parts[run.first + self.part].clone();
            self.part += 1;
            let position = self.position;
            self.position += 1;
            let mut word = std::mem::take(&mut self.word);
            lowercase_into(&mut word, &self.text[range.clone()]);
            self.word = word;
            match mode {
                Mode::Text => {
                    let mut text = std::mem::take(&mut self.token.text);
                    self.term_into(&mut text);
                    self.token.text = text;
                    self.set(range, position, 1);
                    return true;
                }
                Mode::Pairs => {
                    // Two buffers take turns holding this part's term and
                    // the previous one's: no allocation per token.
                    let mut term = std::mem::take(&mut self.spare);
                    self.term_into(&mut term);
                    let previous = self.previous.take();
                    let paired = previous.is_some();
                    if let Some((prev, from)) = previous {
                        self.token.text.clear();
                        self.token.text.push_str(&prev);
                        self.token.text.push(' ');
                        self.token.text.push_str(&term);
                        self.set(from..range.end, position - 1, 2);
                        self.spare = prev;
                    }
                    self.previous = Some((term, range.start));
                    if paired {
                        return true;
                    }
                }
            }
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Registers the two tokenizers; needed every time an index is opened,
/// because tantivy stores only their names.
pub fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(TEXT, ErrorText::new(Mode::Text));
    manager.register(PAIRS, ErrorText::new(Mode::Pairs));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(mode: Mode, text: &str) -> Vec<(String, usize)> {
        ErrorText::new(mode)
            .tokens(text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    }

    fn terms(text: &str) -> Vec<String> {
        texts(Mode::Text, text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn identifiers_are_indexed_whole_and_by_parts() {
        assert_eq!(
            texts(Mode::Text, "insufficient_quota"),
            [
                ("insufficient_quota".into(), 0),
                ("insuffici".into(), 0),
                ("quota".into(), 1)
            ]
        );
        assert_eq!(
            terms("WWW-Authenticate: L402"),
            ["www-authenticate", "www", "authent", "l402"]
        );
        assert_eq!(terms("response.ok"), ["response.ok", "respons", "ok"]);
        assert_eq!(terms("/v1/chat"), ["v1/chat", "v1", "chat"]);
        assert_eq!(
            terms("Retry-After: 30"),
            ["retry-after", "retri", "after", "30"]
        );
    }

    #[test]
    fn numbers_stay_tokens_and_case_is_folded() {
        assert_eq!(
            terms("HTTP 402 Payment Required"),
            ["http", "402", "payment", "requir"]
        );
        assert_eq!(terms("X402"), ["x402"]);
        assert_eq!(terms("1.5"), ["1.5", "1", "5"]);
    }

    #[test]
    fn prose_is_stemmed() {
        assert_eq!(
            terms("declined cards retrying"),
            ["declin", "card", "retri"]
        );
    }

    #[test]
    fn joiners_only_join_between_alphanumerics() {
        assert_eq!(terms("a - b"), ["a", "b"]);
        assert_eq!(terms("end. Next"), ["end", "next"]);
        assert_eq!(terms("https://x.io"), ["https", "x.io", "x", "io"]);
        assert_eq!(terms("__init__"), ["init"]);
        assert!(terms("!!! ... ---").is_empty());
        assert!(terms("").is_empty());
    }

    #[test]
    fn positions_advance_per_part() {
        let t = texts(Mode::Text, "card_declined error");
        assert_eq!(t.last(), Some(&("error".to_string(), 2)));
    }

    #[test]
    fn pairs_join_consecutive_stems() {
        let pairs: Vec<String> = texts(Mode::Pairs, "Payment Required: insufficient_quota")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(
            pairs,
            ["payment requir", "requir insuffici", "insuffici quota"]
        );
        assert!(texts(Mode::Pairs, "alone").is_empty());
    }

    /// The scan as it was written first, over `char`s: the byte scan
    /// must find the same parts and runs in any text.
    fn scan_by_chars(text: &str) -> (Vec<Range<usize>>, Vec<(usize, usize)>) {
        let (mut parts, mut runs) = (Vec::new(), Vec::new());
        let mut chars = text.char_indices().peekable();
        let mut open: Option<usize> = None;
        while let Some((i, c)) = chars.next() {
            if !c.is_alphanumeric() {
                continue;
            }
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !d.is_alphanumeric() {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            open.get_or_insert(parts.len());
            parts.push(i..end);
            let joined = match chars.peek() {
                Some(&(_, j)) if is_joiner(j) => {
                    let mut ahead = chars.clone();
                    ahead.next();
                    ahead.peek().is_some_and(|&(_, n)| n.is_alphanumeric())
                }
                _ => false,
            };
            if joined {
                chars.next();
            } else if let Some(first) = open.take() {
                runs.push((first, parts.len() - first));
            }
        }
        (parts, runs)
    }

    #[test]
    fn byte_scan_agrees_with_a_char_scan() {
        // Characters chosen to sit on every branch: ASCII letters and
        // digits, joiners, other punctuation, letters and digits outside
        // ASCII (two to four bytes), non-alphanumerics outside ASCII.
        let alphabet: Vec<char> = "aZ09_-./: ,\n(éßЖ٣中𝔸😀—\u{301}".chars().collect();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut flat = Flat::default();
        for round in 0..20_000 {
            let len = round % 13;
            let text: String = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    alphabet[(seed % alphabet.len() as u64) as usize]
                })
                .collect();
            flat.scan(&text);
            let runs: Vec<(usize, usize)> = flat.runs.iter().map(|r| (r.first, r.len)).collect();
            assert_eq!((flat.parts.clone(), runs), scan_by_chars(&text), "{text:?}");
        }
    }

    #[test]
    fn words_are_lowercased_parts() {
        let w = words("Card_Declined 402 ÉTAT-Civil");
        assert_eq!(w, ["card", "declined", "402", "état", "civil"]);
        let mut each = Vec::new();
        each_word("Card_Declined 402 ÉTAT-Civil", |w| {
            each.push(w.to_string())
        });
        assert_eq!(each, w);
    }

    #[test]
    fn symbols_are_identifiers_whole() {
        let s: Vec<String> =
            symbols("let x = Ordering::Relaxed; size_of::<T>() + 42 _start Ünïcode_1 é").collect();
        assert_eq!(
            s,
            [
                "let",
                "ordering",
                "relaxed",
                "size_of",
                "_start",
                "ünïcode_1"
            ]
        );
    }

    #[test]
    fn query_symbols_know_code_when_they_see_it() {
        let q = query_symbols("how does Vec::new work with AtomicUsize, size_of x86 drop(x) ok");
        let shaped: Vec<(&str, bool)> = q.iter().map(|(w, s)| (w.as_str(), *s)).collect();
        assert_eq!(
            shaped,
            [
                ("how", false),
                ("does", false),
                ("vec", true),
                ("new", true),
                ("work", false),
                ("with", false),
                ("atomicusize", true),
                ("size_of", true),
                ("x86", true),
                ("drop", true),
                ("ok", false),
            ]
        );
    }

    #[test]
    fn unicode_text_does_not_break_offsets() {
        let t = ErrorText::new(Mode::Text).tokens("Zahlung erforderlich — café_crème");
        for token in &t {
            assert!(token.offset_from < token.offset_to);
        }
        assert!(t.iter().any(|t| t.text == "café_crème"));
    }
}
