//! Where the words of a query are looked up: the planner and the word
//! families (`morph`) ask the same questions of any vocabulary, the index's
//! (`query::IndexVocabulary`) or a list in a unit test.

/// Where the words of a query are looked up.
pub trait Vocabulary {
    /// The indexed term of a lowercased word the corpus contains.
    fn term(&self, word: &str) -> Option<String>;
    /// Corpus words that start with `prefix`, in byte order.
    fn starting_with(&self, prefix: &str) -> Vec<String>;
    /// How many pages have the word (0: none). A paste keeps the words
    /// specific to few pages: what is on most pages says nothing.
    fn pages(&self, word: &str) -> u32;
    /// How many pages the site has.
    fn page_count(&self) -> u32;
}

/// A vocabulary from a list of words, for the planners' unit tests: each
/// word on one page of ten, `402`, `the` and `error` on six.
#[cfg(test)]
pub(crate) struct Words(pub Vec<&'static str>);

#[cfg(test)]
impl Vocabulary for Words {
    fn pages(&self, word: &str) -> u32 {
        match word {
            _ if !self.0.contains(&word) => 0,
            "402" | "the" | "error" => 6,
            _ => 1,
        }
    }
    fn page_count(&self) -> u32 {
        10
    }
    fn term(&self, word: &str) -> Option<String> {
        self.0
            .contains(&word)
            .then(|| super::analyzer::Stem::default().term(word).into_owned())
    }
    fn starting_with(&self, prefix: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .0
            .iter()
            .filter(|w| w.starts_with(prefix))
            .map(|w| w.to_string())
            .collect();
        v.sort();
        v
    }
}
