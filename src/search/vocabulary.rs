//! The site's vocabulary: counted from the documents when a site is
//! built ([`count`]), read back from the shards by `remedy search`
//! ([`Shards`]), and the questions the planner and the word families
//! (`morph`) ask of it ([`Vocabulary`]).

use std::path::Path;

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::analyzer::{each_word, Stem};
use super::pack;
use super::SearchDoc;

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

/// Every word of the documents (their title, heading and body, lowercased,
/// unstemmed), in byte order, with its indexed term and the number of pages
/// that have it: what the vocabulary shards hold.
///
/// Counted here rather than by a tantivy field of its own: that field cost
/// a 10,000-page build about two seconds of CPU (a fifth of the index)
/// for a list the browser reads from the shards anyway, and `remedy
/// search` now reads the same shards ([`Shards`]).
pub fn count(docs: &[SearchDoc]) -> Vec<(String, (String, u32))> {
    count_in_chunks(docs, 512)
}

/// [`count`], in parallel over runs of about `size` documents.
fn count_in_chunks(docs: &[SearchDoc], size: usize) -> Vec<(String, (String, u32))> {
    let counts = page_chunks(docs, size)
        .into_par_iter()
        .map(count_pages)
        .reduce(FxHashMap::default, |mut a, mut b| {
            if a.len() < b.len() {
                std::mem::swap(&mut a, &mut b);
            }
            // Chunks hold whole pages, so their page counts add up.
            for (word, (_, pages)) in b {
                a.entry(word).or_insert((u32::MAX, 0)).1 += pages;
            }
            a
        });
    let mut words: Vec<(String, u32)> = counts.into_iter().map(|(w, (_, n))| (w, n)).collect();
    words.par_sort_unstable();
    let stem = Stem::default();
    words
        .into_par_iter()
        .map_with(stem, |stem, (word, pages)| {
            let term = stem.term(&word).into_owned();
            (word, (term, pages))
        })
        .collect()
}

/// Each word of `docs` with the last page it was seen on and how many
/// pages have it. A page's documents are consecutive.
fn count_pages(docs: &[SearchDoc]) -> FxHashMap<String, (u32, u32)> {
    let mut counts: FxHashMap<String, (u32, u32)> = FxHashMap::default();
    let mut titled = None;
    for d in docs {
        // Every section carries its page's title (and a lead has it as
        // its heading too): a page's title is counted once.
        let title = (titled != Some(d.page)).then_some(&*d.title);
        titled = Some(d.page);
        for text in [title, d.heading.as_deref(), Some(&*d.body)]
            .into_iter()
            .flatten()
        {
            each_word(text, |word| match counts.get_mut(word) {
                Some((last, pages)) => {
                    if *last != d.page {
                        *last = d.page;
                        *pages += 1;
                    }
                }
                None => {
                    counts.insert(word.to_owned(), (d.page, 1));
                }
            });
        }
    }
    counts
}

/// `docs` cut into runs of about `size` documents that never split a page.
fn page_chunks<'d, 'a>(docs: &'d [SearchDoc<'a>], size: usize) -> Vec<&'d [SearchDoc<'a>]> {
    let mut out = Vec::new();
    let mut rest = docs;
    while !rest.is_empty() {
        let mut end = size.clamp(1, rest.len());
        while end < rest.len() && rest[end].page == rest[end - 1].page {
            end += 1;
        }
        let (chunk, tail) = rest.split_at(end);
        out.push(chunk);
        rest = tail;
    }
    out
}

/// A built site's vocabulary, read from its shards (`search/v/*.js`), the
/// very lines the search box reads: `remedy search` and the box plan a
/// query from the same words.
pub struct Shards {
    /// Word, term (empty when it is the word) and pages, in word order.
    words: Vec<(String, String, u32)>,
}

#[derive(Deserialize)]
struct Keys {
    v: Vec<String>,
}

impl Shards {
    /// Reads every shard of `<site>/search`, `dir` (a few hundred
    /// kilobytes at 10,000 pages: cheaper read at once than tracked).
    pub fn open(dir: &Path) -> Result<Shards> {
        let read = |key: &str| pack::read(dir, key);
        let keys: Keys = serde_json::from_slice(&read("keys")?)
            .with_context(|| format!("{} is damaged", dir.join("keys.js").display()))?;
        let mut words = Vec::new();
        for i in 0..keys.v.len() {
            let key = format!("v{i}");
            let text = String::from_utf8(read(&key)?).with_context(|| {
                format!("{} is not UTF-8", dir.join(pack::file_name(&key)).display())
            })?;
            for line in text.lines() {
                let mut fields = line.split('\t');
                let (Some(word), Some(term), Some(Ok(pages))) =
                    (fields.next(), fields.next(), fields.next().map(str::parse))
                else {
                    anyhow::bail!(
                        "{} has a line that is not `word<TAB>term<TAB>pages`: {line:?}",
                        dir.join(pack::file_name(&key)).display()
                    );
                };
                words.push((word.to_string(), term.to_string(), pages));
            }
        }
        // Shards are written in order; a hand-edited one must not break
        // the binary searches below.
        words.sort_unstable();
        Ok(Shards { words })
    }

    fn find(&self, word: &str) -> Option<&(String, String, u32)> {
        self.words
            .binary_search_by(|(w, _, _)| w.as_str().cmp(word))
            .ok()
            .map(|i| &self.words[i])
    }

    /// The indexed term of a vocabulary word.
    pub fn term(&self, word: &str) -> Option<String> {
        self.find(word).map(|(w, t, _)| match t.is_empty() {
            true => w.clone(),
            false => t.clone(),
        })
    }

    /// How many pages have `word` (0: none).
    pub fn pages(&self, word: &str) -> u32 {
        self.find(word).map_or(0, |e| e.2)
    }

    /// Vocabulary words that start with `prefix`, in byte order.
    pub fn starting_with(&self, prefix: &str) -> Vec<String> {
        let from = self.words.partition_point(|(w, _, _)| w.as_str() < prefix);
        self.words[from..]
            .iter()
            .take_while(|(w, _, _)| w.starts_with(prefix))
            .map(|(w, _, _)| w.clone())
            .collect()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::words;
    use crate::search::Kind;
    use std::borrow::Cow;
    use std::collections::{BTreeMap, BTreeSet};

    fn doc(page: u32, heading: Option<&'static str>, body: &'static str) -> SearchDoc<'static> {
        SearchDoc {
            title: Cow::Owned(format!("Page {page} Card_Declined")),
            heading: heading.map(Cow::Borrowed),
            body: Cow::Borrowed(body),
            code: Cow::Borrowed(""),
            url: format!("p{page}/"),
            page,
            codes: Vec::new(),
            kind: Kind::Guide,
            reference: false,
        }
    }

    /// Pages of three to five sections, words repeating within and across
    /// pages, so that chunks end inside runs of one page's documents.
    fn docs() -> Vec<SearchDoc<'static>> {
        let bodies = [
            "Retry the request after the Retry-After delay.",
            "insufficient_quota: the plan's quota is used up. RETRY later",
            "A 402 Payment Required answer names no scheme.",
            "Étape: vérifier la carte (card) avant de réessayer",
            "",
        ];
        let mut out = Vec::new();
        for page in 0..40u32 {
            out.push(doc(page, None, bodies[page as usize % 5]));
            for s in 0..(3 + page % 3) {
                let heading = ["Why", "Fix it", "Sources", "Retry"][(page + s) as usize % 4];
                out.push(doc(page, Some(heading), bodies[(page + s) as usize % 5]));
            }
        }
        out
    }

    /// The count agrees with a plain reading of what it promises: every
    /// lowercased word of title, heading (or title) and body, the distinct
    /// pages that have it, the term the analyzer gives it; whatever the
    /// chunk size, including chunks that would split a page.
    #[test]
    fn count_is_words_by_distinct_pages() {
        let docs = docs();
        let mut expected: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
        for d in &docs {
            let heading = d.heading.as_deref().unwrap_or(&d.title);
            for w in words(&format!("{}\n{}\n{}", d.title, heading, d.body)) {
                expected.entry(w).or_default().insert(d.page);
            }
        }
        let stem = Stem::default();
        let expected: Vec<(String, (String, u32))> = expected
            .into_iter()
            .map(|(w, pages)| {
                let term = stem.term(&w).into_owned();
                (w, (term, pages.len() as u32))
            })
            .collect();
        assert!(expected.iter().any(|(w, _)| w == "vérifier"));
        assert!(expected.iter().any(|(w, (_, n))| w == "retry" && *n > 1));
        for size in [1, 2, 3, 7, 512] {
            assert_eq!(count_in_chunks(&docs, size), expected, "chunks of {size}");
        }
    }

    #[test]
    fn chunks_keep_pages_whole() {
        let docs = docs();
        for size in [1, 4, 9, 1000] {
            let chunks = page_chunks(&docs, size);
            assert_eq!(chunks.iter().map(|c| c.len()).sum::<usize>(), docs.len());
            for pair in chunks.windows(2) {
                let last = pair[0].last().map(|d| d.page);
                assert_ne!(last, pair[1].first().map(|d| d.page), "size {size}");
            }
        }
        assert!(page_chunks(&[], 4).is_empty());
    }

    fn site_with_shards(shards: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let bounds: Vec<String> = shards
            .iter()
            .enumerate()
            .map(|(i, s)| match i {
                0 => String::new(),
                _ => s.split('\t').next().unwrap().to_string(),
            })
            .collect();
        let keys = serde_json::json!({ "t": [""], "v": bounds, "p": "", "r": "" });
        let mut files = vec![("keys".to_string(), keys.to_string())];
        for (i, s) in shards.iter().enumerate() {
            files.push((format!("v{i}"), s.to_string()));
        }
        for (key, payload) in files {
            let path = dir.path().join(pack::file_name(&key));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, pack::script(&key, payload.as_bytes())).unwrap();
        }
        dir
    }

    #[test]
    fn shards_answer_across_shard_bounds() {
        let dir = site_with_shards(&[
            "402\t\t9\ncard\t\t4\ncarry\tcarri\t2\n",
            "cart\t\t1\nretry\tretri\t7\nretrying\tretri\t2\n",
        ]);
        let shards = Shards::open(dir.path()).unwrap();
        assert_eq!(shards.term("retrying").as_deref(), Some("retri"));
        assert_eq!(shards.term("card").as_deref(), Some("card"));
        assert_eq!(shards.term("cards"), None);
        assert_eq!(shards.pages("402"), 9);
        assert_eq!(shards.pages("nothing"), 0);
        assert_eq!(shards.starting_with("car"), ["card", "carry", "cart"]);
        assert_eq!(shards.starting_with("retry"), ["retry", "retrying"]);
        assert!(shards.starting_with("z").is_empty());
    }

    #[test]
    fn a_damaged_shard_is_an_error_naming_it() {
        let dir = site_with_shards(&["402\t\t9\ncard 4\n"]);
        let err = format!("{:#}", Shards::open(dir.path()).err().unwrap());
        assert!(err.contains("0.js") && err.contains("card 4"), "{err}");
        std::fs::remove_file(dir.path().join("v/0.js")).unwrap();
        let err = format!("{:#}", Shards::open(dir.path()).err().unwrap());
        assert!(err.contains("cannot read") && err.contains("0.js"), "{err}");
    }
}
