//! A book's table of contents as mdBook's `SUMMARY.md` gives it.
//!
//! Only the types: `book::summary` parses the file. They live in `content`
//! because [`Library`](super::Library) carries them (the book's sidebar and
//! reading order), and `book` builds a `Library`, so `content` must not
//! depend on `book`.

use std::ops::Range;

/// One entry of the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A chapter (possibly a draft) and its sub-chapters.
    Chapter(Chapter),
    /// A `---` line.
    Separator,
    /// A `# Part title` between lists.
    PartTitle(String),
}

/// A chapter as `SUMMARY.md` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// The link text.
    pub name: String,
    /// The file, relative to the source folder; `None` for a draft.
    pub path: Option<String>,
    /// `1.2.` numbering for chapters of a list; `None` for prefix/suffix ones.
    pub number: Option<Vec<u32>>,
    /// Nested chapters.
    pub sub_items: Vec<Item>,
    /// Where the link is written in `SUMMARY.md`.
    pub span: Range<usize>,
}
