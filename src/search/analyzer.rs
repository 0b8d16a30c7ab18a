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

use std::borrow::Cow;
use std::ops::Range;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Tokenizer names registered on the index.
pub const TEXT: &str = "remedy_text";
pub const PAIRS: &str = "remedy_pairs";
pub const WORDS: &str = "remedy_words";

/// Characters that join two alphanumeric stretches into one run.
fn is_joiner(c: char) -> bool {
    matches!(c, '_' | '-' | '.' | '/' | ':')
}

/// One run of text, with the byte ranges of the run and of its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub range: Range<usize>,
    pub parts: Vec<Range<usize>>,
}

/// Splits text into runs (see `FORMAT.md`).
pub fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |(b, _)| *b);
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let mut parts = Vec::new();
        loop {
            let start = i;
            while i < chars.len() && chars[i].1.is_alphanumeric() {
                i += 1;
            }
            parts.push(chars[start].0..end_of(i));
            let joined =
                i + 1 < chars.len() && is_joiner(chars[i].1) && chars[i + 1].1.is_alphanumeric();
            if !joined {
                break;
            }
            i += 1;
        }
        let range = parts[0].start..parts[parts.len() - 1].end;
        out.push(Run { range, parts });
    }
    out
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

/// Which tokens a [`ErrorText`] tokenizer emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Whole runs and stemmed parts (fields title, heading, body).
    Text,
    /// `stem(a) stem(b)` for each two consecutive parts (field pairs).
    Pairs,
    /// Lowercased parts, unstemmed (the vocabulary field).
    Words,
}

/// The tantivy tokenizer; one type for the three modes so they cannot
/// disagree on what a run or a part is.
#[derive(Clone)]
pub struct ErrorText {
    mode: Mode,
    stem: Stem,
}

impl ErrorText {
    pub fn new(mode: Mode) -> Self {
        ErrorText {
            mode,
            stem: Stem::default(),
        }
    }

    /// Every token of `text`, in order.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut position = 0;
        let mut previous: Option<(String, usize)> = None;
        for run in runs(text) {
            if self.mode == Mode::Text && run.parts.len() > 1 {
                out.push(Token {
                    offset_from: run.range.start,
                    offset_to: run.range.end,
                    position,
                    text: text[run.range.clone()].to_lowercase(),
                    position_length: run.parts.len(),
                });
            }
            for part in &run.parts {
                let word = text[part.clone()].to_lowercase();
                match self.mode {
                    Mode::Text => out.push(Token {
                        offset_from: part.start,
                        offset_to: part.end,
                        position,
                        text: self.stem.term(&word).into_owned(),
                        position_length: 1,
                    }),
                    Mode::Words => out.push(Token {
                        offset_from: part.start,
                        offset_to: part.end,
                        position,
                        text: word,
                        position_length: 1,
                    }),
                    Mode::Pairs => {
                        let term = self.stem.term(&word).into_owned();
                        if let Some((prev, from)) = previous.take() {
                            out.push(Token {
                                offset_from: from,
                                offset_to: part.end,
                                position: position - 1,
                                text: format!("{prev} {term}"),
                                position_length: 2,
                            });
                        }
                        previous = Some((term, part.start));
                    }
                }
                position += 1;
            }
        }
        out
    }
}

impl Tokenizer for ErrorText {
    type TokenStream<'a> = VecTokens;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokens {
        VecTokens {
            tokens: self.tokens(text),
            next: 0,
        }
    }
}

/// Tokens computed up front: runs need look-ahead, and section texts are
/// small, so a vector is simpler than a streaming state machine.
pub struct VecTokens {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokens {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Registers the three tokenizers; needed every time an index is opened,
/// because tantivy stores only their names.
pub fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(TEXT, ErrorText::new(Mode::Text));
    manager.register(PAIRS, ErrorText::new(Mode::Pairs));
    manager.register(WORDS, ErrorText::new(Mode::Words));
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

    #[test]
    fn words_are_lowercased_parts() {
        let w: Vec<String> = texts(Mode::Words, "Card_Declined 402")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(w, ["card", "declined", "402"]);
        assert_eq!(words("Card_Declined 402"), w);
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
