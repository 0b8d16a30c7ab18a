//! Stage 2, render content: every page's Markdown (or decision tree) to
//! HTML, with its headings, anchors, links and text, in parallel. Pages
//! that loaded are rendered even when others failed, so one build reports
//! every problem at once.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::content::{Library, Page, PageId};
use crate::diagnostics::Diagnostics;
use crate::highlight::Highlighter;
use crate::markdown::{self, Flavor, Links, Rendered};
use crate::render::{relative_root, ReachedFrom};
use crate::tree::render::TreeView;

use super::load::Loaded;
use super::trees;

/// The rendered body of every page, kept parallel to `Library::pages`.
pub struct Content {
    /// Each page's HTML, table of contents, anchors, links and text.
    pub rendered: Vec<Arc<Rendered>>,
    /// A hash of each page's HTML and table of contents, for deciding
    /// which pages must go through their template again.
    pub hashes: Vec<u64>,
    /// For tree pages, the nodes and map the template draws.
    pub tree_views: Vec<Option<TreeView>>,
    /// The tree remedies that link to each page.
    pub reached_from: BTreeMap<PageId, Vec<ReachedFrom>>,
    /// Each tree's triage data, published beside its page.
    pub triage: BTreeMap<PageId, trees::TriageFile>,
}

/// Pages rendered by earlier builds, by content path, with what their
/// rendering asked of the rest of the site. A page is rendered again when
/// its text changed or when one of those questions would now be answered
/// differently (a linked page was renamed, deleted or added); otherwise its
/// body is reused as it is. The caller clears the memo when anything else a
/// body depends on changes (configuration, syntaxes).
#[derive(Default)]
pub struct Memo {
    entries: HashMap<String, Memoized>,
    /// The site's link targets when the entries were last checked.
    links: u64,
}

struct Memoized {
    source: Arc<str>,
    body_offset: usize,
    rendered: Arc<Rendered>,
    tree: Option<TreeView>,
    hash: u64,
    asked: Vec<Asked>,
}

impl Memo {
    /// Forgets every page (the configuration or the theme changed).
    #[cfg(feature = "serve")]
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// One question a page's rendering asked of [`Links`], with its answer.
#[derive(Debug, PartialEq)]
enum Asked {
    File(String, Option<String>),
    Path(String, bool),
    Asset(String, bool),
    Draft(String, bool),
    /// The list of every page file (asked only to suggest a fix for a
    /// broken link): any change to the site's files renders the page again.
    AllFiles,
}

/// Renders every page whose body is not in `memo`; link and Markdown
/// problems go to `diags`. The memo is refilled with this build's pages.
pub fn render(loaded: &Loaded, memo: &mut Memo, diags: &mut Diagnostics) -> Content {
    let Loaded {
        config,
        library,
        highlighter,
        ..
    } = loaded;
    let links = SiteLinks::new(library);
    let fingerprint = links.fingerprint();
    let targets_changed = fingerprint != memo.links;
    let mut old = std::mem::take(&mut memo.entries);
    let reusable: Vec<Option<Memoized>> = library
        .pages
        .iter()
        .map(|page| {
            let m = old.remove(&page.rel_path)?;
            let same_text = Arc::ptr_eq(&m.source, &page.source.text)
                || (m.source == page.source.text && m.body_offset == page.body_offset);
            let same_links = !targets_changed || m.asked.iter().all(|a| links.answers(a));
            (same_text && same_links).then_some(m)
        })
        .collect();
    drop(old);
    let entries: Vec<Memoized> = library
        .pages
        .par_iter()
        .zip(reusable)
        .map(|(page, reused)| match reused {
            Some(m) => m,
            None => render_page(page, &links, highlighter, &config.markdown),
        })
        .collect();
    let mut content = Content {
        rendered: Vec::with_capacity(entries.len()),
        hashes: Vec::with_capacity(entries.len()),
        tree_views: Vec::with_capacity(entries.len()),
        reached_from: trees::reached_from(library),
        triage: BTreeMap::new(),
    };
    for (page, m) in library.pages.iter().zip(entries) {
        diags.extend(m.rendered.diagnostics.iter().cloned());
        content.rendered.push(Arc::clone(&m.rendered));
        content.hashes.push(m.hash);
        content.tree_views.push(m.tree.clone());
        memo.entries.insert(page.rel_path.clone(), m);
    }
    memo.links = fingerprint;
    trees::fill_guide_titles(library, &content.rendered, &mut content.tree_views);
    content.triage = trees::publish_triage(library, &content.rendered, &mut content.tree_views);
    content
}

/// Every page's text as rendering reads it, without highlighting and
/// without tree pages (left empty): what evidence needs, made quickly for
/// `remedy triage`, which builds nothing.
pub fn text_only(library: &Library, flavor: &Flavor) -> Vec<Arc<Rendered>> {
    let links = SiteLinks::new(library);
    let plain = Highlighter::plain();
    library
        .pages
        .par_iter()
        .map(|page| {
            if page.tree().is_some() {
                return Arc::new(Rendered::default());
            }
            Arc::new(markdown::render_flavored(
                &markdown::Context {
                    source: &page.source,
                    body_offset: page.body_offset,
                    rel_path: &page.rel_path,
                    root: &relative_root(page),
                    links: &links,
                    highlighter: &plain,
                },
                flavor,
            ))
        })
        .collect()
}

/// Renders one page's Markdown (or decision tree), noting every question
/// it asks about other pages.
fn render_page(
    page: &Page,
    links: &SiteLinks<'_>,
    highlighter: &Highlighter,
    flavor: &Flavor,
) -> Memoized {
    let root = relative_root(page);
    let recorder = Recorder {
        links,
        asked: Mutex::new(Vec::new()),
    };
    let (rendered, tree) = match page.tree() {
        Some(tree) => {
            let (r, view) =
                crate::tree::render::render(tree, &page.rel_path, &root, &recorder, highlighter);
            (r, Some(view))
        }
        None => (
            markdown::render_flavored(
                &markdown::Context {
                    source: &page.source,
                    body_offset: page.body_offset,
                    rel_path: &page.rel_path,
                    root: &root,
                    links: &recorder,
                    highlighter,
                },
                flavor,
            ),
            None,
        ),
    };
    let toc = serde_json::to_string(&rendered.toc).unwrap_or_default();
    Memoized {
        source: Arc::clone(&page.source.text),
        body_offset: page.body_offset,
        hash: crate::fingerprint::hash64((&rendered.html, toc)),
        rendered: Arc::new(rendered),
        tree,
        asked: recorder.asked.into_inner().unwrap_or_default(),
    }
}

/// Passes questions on to the site's links and writes them down.
struct Recorder<'a> {
    links: &'a SiteLinks<'a>,
    asked: Mutex<Vec<Asked>>,
}

impl Recorder<'_> {
    fn note(&self, a: Asked) {
        if let Ok(mut asked) = self.asked.lock() {
            asked.push(a);
        }
    }
}

impl Links for Recorder<'_> {
    fn page_by_file(&self, rel_path: &str) -> Option<&str> {
        let answer = self.links.page_by_file(rel_path);
        self.note(Asked::File(rel_path.into(), answer.map(str::to_string)));
        answer
    }
    fn page_by_path(&self, path: &str) -> bool {
        let answer = self.links.page_by_path(path);
        self.note(Asked::Path(path.into(), answer));
        answer
    }
    fn asset(&self, rel_path: &str) -> bool {
        let answer = self.links.asset(rel_path);
        self.note(Asked::Asset(rel_path.into(), answer));
        answer
    }
    fn page_files(&self) -> Vec<&str> {
        self.note(Asked::AllFiles);
        self.links.page_files()
    }
    fn is_draft(&self, rel_path: &str) -> bool {
        let answer = self.links.is_draft(rel_path);
        self.note(Asked::Draft(rel_path.into(), answer));
        answer
    }
}

/// Answers the Markdown renderer's questions about the site's pages.
struct SiteLinks<'a> {
    library: &'a Library,
    assets: HashSet<&'a str>,
}

impl<'a> SiteLinks<'a> {
    fn new(library: &'a Library) -> Self {
        SiteLinks {
            library,
            // A book's redirect pages are link targets as much as its files.
            assets: library
                .assets
                .iter()
                .map(|a| a.rel_path.as_str())
                .chain(library.redirects.iter().map(String::as_str))
                .collect(),
        }
    }
}

impl SiteLinks<'_> {
    /// A hash of every answer these links can give: equal fingerprints,
    /// equal answers to any question.
    fn fingerprint(&self) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        for (rel, &i) in &self.library.by_rel_path {
            (rel, &self.library.pages[i].path).hash(&mut h);
        }
        self.library.by_path.len().hash(&mut h);
        self.library.failed.hash(&mut h);
        self.library.drafts.hash(&mut h);
        let mut assets: Vec<&&str> = self.assets.iter().collect();
        assets.sort_unstable();
        assets.hash(&mut h);
        h.finish()
    }

    /// True when `asked` gets the same answer now. Only asked when the
    /// fingerprint changed.
    fn answers(&self, asked: &Asked) -> bool {
        match asked {
            Asked::File(f, a) => self.page_by_file(f) == a.as_deref(),
            Asked::Path(p, a) => self.page_by_path(p) == *a,
            Asked::Asset(f, a) => self.asset(f) == *a,
            Asked::Draft(f, a) => self.is_draft(f) == *a,
            // The fingerprint changed, so some file may have: a hint
            // listing the files may read differently now.
            Asked::AllFiles => false,
        }
    }
}

impl Links for SiteLinks<'_> {
    fn page_by_file(&self, rel_path: &str) -> Option<&str> {
        self.library
            .by_rel_path
            .get(rel_path)
            .map(|&i| self.library.pages[i].path.as_str())
            .or_else(|| self.library.failed.get(rel_path).map(String::as_str))
    }
    fn page_by_path(&self, path: &str) -> bool {
        self.library.by_path.contains_key(path)
    }
    fn asset(&self, rel_path: &str) -> bool {
        self.assets.contains(rel_path)
    }
    fn page_files(&self) -> Vec<&str> {
        self.library
            .by_rel_path
            .keys()
            .map(String::as_str)
            .collect()
    }
    fn is_draft(&self, rel_path: &str) -> bool {
        self.library.drafts.contains(rel_path)
    }
}
