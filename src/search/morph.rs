//! Word families beyond Snowball's stems, read off the vocabulary.
//!
//! Snowball conflates inflections (`cache`, `cached`, `caching` are all
//! `cach`) but not derivations: `cacheable`, `retryable`, `idempotency` keep
//! stems of their own, so a reader who types one misses pages that use
//! another. Rather than a hand list of word pairs, a word is related to the
//! vocabulary words it becomes when a derivational suffix is taken off
//! (`cacheable` -> `cache`, `retryable` -> `retry`, `idempotency` ->
//! `idempotent`), and to the vocabulary words that become it. Only words the
//! site's own text contains take part, so the families are the site's.
//! The browser client applies the same rules to the same vocabulary
//! (`FORMAT.md`, rule 3).

use std::collections::BTreeSet;

use super::rules::{EXTRA_SPELLINGS, FAMILY_MIN, MAX_FAMILY, ROOT_MIN, SUFFIXES};
use super::vocabulary::Vocabulary;

/// Whether `word` takes part: ASCII letters only, at least 4 of them.
fn eligible(word: &str) -> bool {
    word.len() >= FAMILY_MIN && word.bytes().all(|b| b.is_ascii_lowercase())
}

/// Spellings `word` may come from once `suffix` is taken off (in order).
fn candidates(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    for suffix in SUFFIXES {
        let Some(root) = word.strip_suffix(suffix) else {
            continue;
        };
        if root.len() < ROOT_MIN {
            continue;
        }
        out.push(root.to_string());
        out.push(format!("{root}e"));
        if let Some(r) = root.strip_suffix('i') {
            out.push(format!("{r}y"));
        }
        let b = root.as_bytes();
        if b.len() >= 2 && b[b.len() - 1] == b[b.len() - 2] {
            out.push(root[..root.len() - 1].to_string());
        }
        for (s, ending) in EXTRA_SPELLINGS {
            if s == suffix {
                out.push(format!("{root}{ending}"));
            }
        }
    }
    out
}

/// The vocabulary words `word` derives from (`cacheable` -> `cache`), each
/// with its term (looked up once here, not again by callers).
pub fn bases(word: &str, vocab: &dyn Vocabulary) -> Vec<(String, String)> {
    if !eligible(word) {
        return Vec::new();
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for c in candidates(word) {
        if c == word || c.len() < ROOT_MIN || out.iter().any(|(w, _)| *w == c) {
            continue;
        }
        if let Some(term) = vocab.term(&c) {
            out.push((c, term));
        }
    }
    out
}

/// Where words derived from `word` start: `cache` -> `cach`, `retry` ->
/// `retr` (a final e or y changes when a suffix is added).
pub fn derived_prefix(word: &str) -> &str {
    word.strip_suffix(['e', 'y']).unwrap_or(word)
}

/// The terms of `word`'s family besides `own` (its own term), sorted, at
/// most [`MAX_FAMILY`]: the terms of its bases and of the vocabulary words
/// derived from it.
pub fn family(word: &str, own: &str, vocab: &dyn Vocabulary) -> Vec<String> {
    if !eligible(word) {
        return Vec::new();
    }
    let mut related: BTreeSet<String> = BTreeSet::new();
    related.extend(bases(word, vocab).into_iter().map(|(_, term)| term));
    for other in vocab.starting_with(derived_prefix(word)) {
        if other != word && eligible(&other) && candidates(&other).iter().any(|c| c == word) {
            related.extend(vocab.term(&other));
        }
    }
    related.remove(own);
    related.into_iter().take(MAX_FAMILY).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::vocabulary::Words;

    fn vocab() -> Words {
        Words(vec![
            "cache",
            "cached",
            "caching",
            "cacheable",
            "retry",
            "retries",
            "idempotency",
            "idempotent",
            "payment",
            "pay",
            "response",
            "responses",
        ])
    }

    #[test]
    fn derivations_join_their_base() {
        let v = vocab();
        let words = |w: &str| -> Vec<String> { bases(w, &v).into_iter().map(|b| b.0).collect() };
        assert_eq!(words("cacheable"), ["cache"]);
        assert_eq!(words("retryable"), ["retry"]);
        assert_eq!(words("idempotency"), ["idempotent"]);
        assert_eq!(
            bases("retryable", &v),
            [("retry".to_string(), "retri".to_string())]
        );
        assert_eq!(family("cacheable", "cacheabl", &v), ["cach"]);
        assert_eq!(family("cache", "cach", &v), ["cacheabl"]);
        assert_eq!(
            family("idempotent", "idempot", &v),
            Vec::<String>::new(),
            "same stem"
        );
    }

    #[test]
    fn short_words_digits_and_unrelated_words_stay_alone() {
        let v = vocab();
        assert!(family("pay", "pay", &v).is_empty());
        assert!(bases("x402s", &v).is_empty());
        assert_eq!(family("payment", "payment", &v), ["pay"]);
        assert!(bases("respons", &v).is_empty());
    }
}
