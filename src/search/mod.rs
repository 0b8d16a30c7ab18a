#![doc = include_str!("FORMAT.md")]

pub mod analyzer;
mod export;
mod fragments;
pub mod index;
mod morph;
pub mod pack;
pub mod query;
mod readonly;
mod reasons;
pub mod rules;
mod vocabulary;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Result;

pub use query::{Hit, Options, PageHit, SearchIndex};

/// Field names in the numbering of `FORMAT.md`.
pub const FIELD_NAMES: [&str; 8] = [
    "title", "heading", "body", "pairs", "codes", "kind", "symbols", "whole",
];
/// Titles and headings weigh more than body text; pairs reward words that
/// stand together; codes and kind only filter.
pub const FIELD_BOOSTS: [f32; 8] = [3.0, 2.0, 1.0, 1.0, 0.0, 0.0, 1.0, 8.0];
/// Where the tantivy index goes in the site.
pub const INDEX_DIR: &str = "search/index";

/// What a search hit is: part of a guide or a step of a decision tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Guide,
    Step,
}

/// One document of the index: a section of a page, or a tree node. Its
/// text is borrowed from the rendered pages where it can be: a copy would
/// double the largest thing a build holds (66 MB at 10,000 pages).
#[derive(Clone, Debug)]
pub struct SearchDoc<'a> {
    pub title: Cow<'a, str>,
    pub heading: Option<Cow<'a, str>>,
    pub body: Cow<'a, str>,
    /// The section's inline code spans, for the `symbols` field; also
    /// part of `body`.
    pub code: Cow<'a, str>,
    /// Relative to the site root, with the section's anchor.
    pub url: String,
    /// Which page the section belongs to: any number shared by the
    /// page's documents, which are consecutive.
    pub page: u32,
    pub codes: Vec<u16>,
    pub kind: Kind,
    /// A section of references only (Sources, See also): it counts half,
    /// so the sections that explain rank above the list that cites them.
    pub reference: bool,
}

/// Headings of sections that only list references (compared lowercased).
pub const REFERENCE_HEADINGS: [&str; 6] = [
    "further reading",
    "references",
    "related",
    "see also",
    "sources",
    "user reports",
];

/// What a reference section's score is multiplied by (a power of two: the
/// same in f32 in both engines).
pub const REFERENCE_WEIGHT: f32 = 0.5;

/// Whether a section with this heading only lists references.
pub fn is_reference(heading: Option<&str>) -> bool {
    heading.is_some_and(|h| {
        let h = h.trim().to_lowercase();
        REFERENCE_HEADINGS.contains(&h.as_str())
    })
}

/// Files by their path in the site.
pub type Files = BTreeMap<String, Vec<u8>>;

/// The tantivy index and the browser index, with how long indexing and
/// exporting took (for `--verbose`).
pub fn files(docs: &[SearchDoc], triage: &[String]) -> Result<(Files, [Duration; 2])> {
    files_until(docs, triage, &|| false)
}

/// [`files`], giving up with [`index::Cancelled`] soon after `stop` returns true.
pub fn files_until(
    docs: &[SearchDoc],
    triage: &[String],
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<(Files, [Duration; 2])> {
    let out = std::sync::Mutex::new(BTreeMap::new());
    let times = write_until(docs, triage, stop, &|path, bytes| {
        out.lock()
            .map_err(|_| anyhow::anyhow!("a search thread panicked"))?
            .insert(path, bytes);
        Ok(())
    })?;
    let out = out
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a search thread panicked"))?;
    Ok((out, times))
}

/// Takes each search file as soon as it is made: its path in the site
/// and its bytes. Called from several threads at once.
pub type Put<'a> = &'a (dyn Fn(String, Vec<u8>) -> Result<()> + Sync);

/// Builds the tantivy index and the browser index and hands every file to
/// `put` as it is made, so that a build writes them while it works instead
/// of holding tens of megabytes until the end (10,000 pages: 72 MB).
/// Returns how long indexing and exporting took.
pub fn write_until(
    docs: &[SearchDoc],
    triage: &[String],
    stop: &(dyn Fn() -> bool + Sync),
    put: Put<'_>,
) -> Result<[Duration; 2]> {
    let start = Instant::now();
    // The vocabulary is counted beside the index: tantivy indexes each
    // half of a large site on a thread, and the count fills the gaps.
    let (built, vocab) = rayon::join(
        || index::build_until(docs, stop),
        || vocabulary::count(docs),
    );
    let built = built?;
    if stop() {
        return Err(index::Cancelled.into());
    }
    let indexed = start.elapsed();
    index::write(&built, &|name, bytes| {
        put(format!("{INDEX_DIR}/{name}"), bytes)
    })?;
    export::write(&built, vocab, docs, triage, &|name, bytes| {
        put(format!("search/{name}"), bytes)
    })?;
    Ok([indexed, start.elapsed() - indexed])
}
