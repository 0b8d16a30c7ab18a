//! The content folder as a list of pages, sections and assets.
//!
//! Walking and front matter live here; Markdown rendering does not (it needs
//! to know every page's URL first, to rewrite and check links). Pages are kept
//! in one vector sorted by source path and referred to by index, never by
//! reference, so later stages can work on them in parallel.

pub mod cache;
pub mod date;
pub mod front_matter;
pub mod nav;
pub mod summary;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostics::{from_walk_error, Diagnostic, Diagnostics, Source};
use crate::tree::{self, Tree};

pub use front_matter::FrontMatter;

/// A page's place in `Library::pages`: a typed index, so a page number
/// cannot be mixed up with a tree node, a position in the reading order or
/// any other count that later stages keep beside pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PageId(usize);

impl PageId {
    /// The page at `index` of `Library::pages`.
    pub fn new(index: usize) -> PageId {
        PageId(index)
    }

    /// The position in `Library::pages` (and in vectors kept parallel to it).
    pub fn index(self) -> usize {
        self.0
    }
}

impl std::ops::Index<PageId> for [Page] {
    type Output = Page;
    fn index(&self, id: PageId) -> &Page {
        &self[id.0]
    }
}

impl std::ops::Index<PageId> for Vec<Page> {
    type Output = Page;
    fn index(&self, id: PageId) -> &Page {
        &self[id.0]
    }
}

/// What a page is, which decides its template and what later stages do
/// with it (search skips generated sections, trees get their own renderer).
#[derive(Debug, Clone)]
pub enum PageKind {
    /// A Markdown page (a guide, or a chapter of a book).
    Guide,
    /// A section's `_index.md` (the home page is the section at ``).
    Section,
    /// A section without `_index.md`, whose landing page is generated.
    GeneratedSection,
    /// A decision tree (`.toml` file), validated.
    Tree(Box<Tree>),
}

/// A Markdown file (or a section without `_index.md`) that becomes one HTML page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file's text and its path as shown in diagnostics.
    pub source: Source,
    /// Path relative to the content folder, with `/` separators: `codes/429.md`.
    /// For a section without `_index.md`: `codes/_index.md` (virtual).
    pub rel_path: String,
    /// Site path of the page, without leading slash: `codes/429/`, `` for home.
    pub path: String,
    /// Guide, section, generated section or decision tree.
    pub kind: PageKind,
    /// Parsed front matter.
    pub meta: FrontMatter,
    /// Byte offset of the front matter; spans in `meta` are relative to it.
    pub front_matter_offset: usize,
    /// Byte offset of the Markdown body in `source.text`.
    pub body_offset: usize,
}

impl Page {
    /// True for section landing pages, written or generated.
    pub fn is_section(&self) -> bool {
        matches!(self.kind, PageKind::Section | PageKind::GeneratedSection)
    }

    /// True for a section landing page generated for a folder without `_index.md`.
    pub fn is_generated(&self) -> bool {
        matches!(self.kind, PageKind::GeneratedSection)
    }

    /// The decision tree, for a tree page.
    pub fn tree(&self) -> Option<&Tree> {
        match &self.kind {
            PageKind::Tree(t) => Some(t),
            _ => None,
        }
    }

    /// True for the site's home page (site path ``).
    pub fn is_home(&self) -> bool {
        self.path.is_empty()
    }

    /// Site path of the section this page belongs to (`codes/` for
    /// `codes/429/`, the parent section for a section page, `None` for home).
    pub fn parent_path(&self) -> Option<String> {
        if self.path.is_empty() {
            return None;
        }
        let trimmed = self.path.trim_end_matches('/');
        Some(match trimmed.rfind('/') {
            Some(i) => format!("{}/", &trimmed[..i]),
            None => String::new(),
        })
    }

    /// The file the page is written to: `codes/429/index.html`, or the
    /// path itself for a book chapter (`format/summary.html`).
    pub fn output_file(&self) -> String {
        if self.path.ends_with(".html") {
            self.path.clone()
        } else {
            format!("{}index.html", self.path)
        }
    }

    /// Number of path segments: 0 for home, 1 for `402/`, 2 for `codes/429/`.
    pub fn depth(&self) -> usize {
        self.path.matches('/').count()
    }
}

/// A non-Markdown file under the content folder, copied as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Absolute path on disk.
    pub file: PathBuf,
    /// Relative path with `/` separators; also its path in the output.
    pub rel_path: String,
}

/// Everything the content folder holds.
#[derive(Debug, Default)]
pub struct Library {
    /// All pages, sorted by `rel_path`.
    pub pages: Vec<Page>,
    /// Other files, sorted by path.
    pub assets: Vec<Asset>,
    /// `rel_path` -> the page.
    pub by_rel_path: BTreeMap<String, PageId>,
    /// Site path -> the page.
    pub by_path: BTreeMap<String, PageId>,
    /// Markdown files that exist but failed to load (their errors are
    /// reported); links to them are not reported again as broken.
    pub failed: BTreeMap<String, String>,
    /// Draft pages left out of this build (`rel_path`s).
    pub drafts: std::collections::BTreeSet<String>,
    /// For an mdBook book, its `SUMMARY.md`: the navigation and reading order.
    pub summary: Option<Vec<summary::Item>>,
    /// A book's `[output.html.redirect]` pages (`old/page.html`), which
    /// links may point at.
    pub redirects: std::collections::BTreeSet<String>,
}

impl Library {
    /// Reads every page under the content folder.
    ///
    /// Problems are pushed to `diags`; a file with an error is left out, so
    /// the caller must check `diags.has_errors()` before writing anything.
    /// An mdBook book is read by `crate::book::load` instead.
    pub fn load(config: &Config, diags: &mut Diagnostics) -> Library {
        Library::load_cached(config, diags, &mut cache::FileCache::default())
    }

    /// [`Library::load`], reusing the pages of files that have not changed
    /// since `cache` last saw them.
    pub fn load_cached(
        config: &Config,
        diags: &mut Diagnostics,
        cache: &mut cache::FileCache,
    ) -> Library {
        let mut lib = Library::default();
        if !config.content_dir.is_dir() {
            diags.push(
                Diagnostic::error(format!(
                    "content folder {} does not exist",
                    config.display_path(&config.content_dir).display()
                ))
                .at(&config.source, 0..0)
                .with_help("create it, or set `src` under `[book]` in book.toml"),
            );
            return lib;
        }
        let mut page_files = Vec::new();
        let walker = WalkDir::new(&config.content_dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !is_ignored(e.file_name().to_string_lossy().as_ref())
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(from_walk_error(&e, |p| config.display_path(p)));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&config.content_dir) else {
                continue;
            };
            let Some(rel_path) = slash_path(rel) else {
                diags.push(
                    Diagnostic::error("the file name is not valid UTF-8")
                        .in_file(config.display_path(entry.path()))
                        .with_help("rename the file"),
                );
                continue;
            };
            if rel_path.ends_with(".md") || rel_path.ends_with(".toml") {
                page_files.push((entry.path().to_path_buf(), rel_path));
            } else {
                lib.assets.push(Asset {
                    file: entry.path().to_path_buf(),
                    rel_path,
                });
            }
        }

        for (file, rel_path) in page_files {
            let path = site_path(&rel_path);
            let rel = rel_path.clone();
            let Some(page) = cache.page(&file, diags, |d| read_file(config, &file, rel_path, d))
            else {
                lib.failed.insert(rel, path);
                continue;
            };
            if page.meta.draft && !config.drafts {
                lib.drafts.insert(page.rel_path);
                continue;
            }
            lib.pages.push(page);
        }
        cache.sweep();
        lib.add_virtual_sections(config);
        lib.finish(diags);
        lib
    }

    /// Sorts the pages and builds the lookup maps, once every page is in.
    pub fn finish(&mut self, diags: &mut Diagnostics) {
        self.pages.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
        self.index(diags);
    }

    /// Every folder is a section: those without `_index.md` get a generated
    /// landing page titled after the folder, so navigation and breadcrumbs
    /// always have a parent to point at.
    fn add_virtual_sections(&mut self, config: &Config) {
        let mut needed: BTreeMap<String, ()> = BTreeMap::new();
        needed.insert(String::new(), ());
        for p in &self.pages {
            let mut dir = p.rel_path.as_str();
            while let Some(i) = dir.rfind('/') {
                dir = &dir[..i];
                needed.insert(format!("{dir}/"), ());
            }
        }
        let existing: Vec<String> = self
            .pages
            .iter()
            .filter(|p| p.is_section())
            .map(|p| p.rel_path.trim_end_matches("_index.md").to_string())
            .collect();
        for dir in needed.keys() {
            if existing.contains(dir) {
                continue;
            }
            let name = dir
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or_default();
            let title = if dir.is_empty() {
                config.title.clone()
            } else {
                title_case(name)
            };
            let rel_path = format!("{dir}_index.md");
            let shown = config.display_path(&config.content_dir.join(&rel_path));
            self.pages.push(Page {
                source: Source::new(shown, ""),
                path: site_path(&rel_path),
                rel_path,
                kind: PageKind::GeneratedSection,
                meta: FrontMatter::titled(title),
                front_matter_offset: 0,
                body_offset: 0,
            });
        }
    }

    fn index(&mut self, diags: &mut Diagnostics) {
        for (i, p) in self.pages.iter().enumerate() {
            let i = PageId(i);
            self.by_rel_path.insert(p.rel_path.clone(), i);
            if let Some(&other) = self.by_path.get(&p.path) {
                diags.push(
                    Diagnostic::error(format!(
                        "two pages would be written to /{}: this one and {}",
                        p.path,
                        self.pages[other].source.path.display()
                    ))
                    .in_file(p.source.path.clone())
                    .with_help("rename one of the two files"),
                );
                continue;
            }
            self.by_path.insert(p.path.clone(), i);
        }
    }

    /// Every page's id, in `pages` order.
    pub fn ids(&self) -> impl Iterator<Item = PageId> {
        (0..self.pages.len()).map(PageId)
    }

    /// The section landing page for a site path such as `codes/`.
    pub fn section(&self, path: &str) -> Option<PageId> {
        self.by_path
            .get(path)
            .copied()
            .filter(|&i| self.pages[i].is_section())
    }
}

/// Reads one content file: a `.md` page with front matter, or a `.toml`
/// decision tree, which becomes a page whose title, description and weight
/// come from its `[tree]` table.
fn read_file(
    config: &Config,
    file: &Path,
    rel_path: String,
    diags: &mut Diagnostics,
) -> Option<Page> {
    let source = read_source(config, file, diags)?;
    let parsed = if rel_path.ends_with(".toml") {
        tree::parse(&source).map(|tree| {
            let meta = FrontMatter {
                title: tree.title.clone(),
                description: tree.description.clone(),
                codes: tree.codes.clone(),
                tags: vec!["decision-tree".into()],
                weight: tree.weight,
                draft: false,
                aliases: Vec::new(),
                short: None,
                hosts: Vec::new(),
                checked: None,
            };
            (meta, 0, source.text.len(), Some(Box::new(tree)))
        })
    } else {
        front_matter::parse(&source).map(|split| {
            (
                split.front_matter,
                split.front_matter_offset,
                split.body_offset,
                None,
            )
        })
    };
    let (meta, front_matter_offset, body_offset, tree) = match parsed {
        Ok(parts) => parts,
        Err(errs) => {
            diags.extend(errs);
            return None;
        }
    };
    if let Some(t) = &tree {
        diags.extend(t.warnings.iter().cloned());
    }
    let kind = match tree {
        Some(t) => PageKind::Tree(t),
        None if rel_path == "_index.md" || rel_path.ends_with("/_index.md") => PageKind::Section,
        None => PageKind::Guide,
    };
    Some(Page {
        path: site_path(&rel_path),
        kind,
        rel_path,
        meta,
        front_matter_offset,
        body_offset,
        source,
    })
}

/// Reads a UTF-8 text file (a leading BOM is dropped) for parsing and diagnostics.
fn read_source(config: &Config, file: &Path, diags: &mut Diagnostics) -> Option<Source> {
    let shown = config.display_path(file);
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::error(format!("cannot read the file: {e}")).in_file(shown));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let line = valid.matches('\n').count() + 1;
            let col = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            diags.push(
                Diagnostic::error(format!("the file is not valid UTF-8 (byte {offset})"))
                    .at_line_col(shown, line, col)
                    .with_help("save the file as UTF-8"),
            );
            return None;
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    Some(Source::new(shown, text))
}

/// `codes/429.md` -> `codes/429/`, `402/_index.md` -> `402/`, `_index.md` -> ``,
/// `troubleshoot/402.toml` -> `troubleshoot/402/`.
/// Each segment is slugified so URLs never need escaping.
pub fn site_path(rel_path: &str) -> String {
    let without_ext = rel_path
        .strip_suffix(".md")
        .or_else(|| rel_path.strip_suffix(".toml"))
        .unwrap_or(rel_path);
    let mut out = String::new();
    for seg in without_ext.split('/') {
        if seg == "_index" {
            continue;
        }
        out.push_str(&slug::slugify(seg));
        out.push('/');
    }
    out
}

fn slash_path(p: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = p.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|v| v.join("/"))
}

/// Hidden files and the temp files editors leave next to the ones being
/// edited: never content, and never a reason for `remedy serve` to rebuild.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

fn title_case(name: &str) -> String {
    let words: Vec<String> = name
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_are_pretty() {
        assert_eq!(site_path("_index.md"), "");
        assert_eq!(site_path("402/_index.md"), "402/");
        assert_eq!(site_path("codes/429.md"), "codes/429/");
        assert_eq!(
            site_path("Guides/Card Declined.md"),
            "guides/card-declined/"
        );
    }

    #[test]
    fn editor_files_are_ignored() {
        for n in [".hidden.md", "a.md~", "#a.md#", ".a.md.swp"] {
            assert!(is_ignored(n), "{n}");
        }
        assert!(!is_ignored("a.md"));
    }

    #[test]
    fn folder_names_become_titles() {
        assert_eq!(title_case("google-apis"), "Google Apis");
    }
}
