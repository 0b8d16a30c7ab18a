//! Stage 2, render content: every page's Markdown (or decision tree) to
//! HTML, with its headings, anchors, links and text, in parallel. Pages
//! that loaded are rendered even when others failed, so one build reports
//! every problem at once.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;

use crate::content::{Library, PageId};
use crate::diagnostics::Diagnostics;
use crate::markdown::{self, Links, Rendered};
use crate::render::{relative_root, ReachedFrom};
use crate::tree::render::TreeView;

use super::load::Loaded;
use super::trees;

/// The rendered body of every page, kept parallel to `Library::pages`.
pub struct Content {
    /// Each page's HTML, table of contents, anchors, links and text.
    pub rendered: Vec<Rendered>,
    /// For tree pages, the nodes and map the template draws.
    pub tree_views: Vec<Option<TreeView>>,
    /// The tree remedies that link to each page.
    pub reached_from: BTreeMap<PageId, Vec<ReachedFrom>>,
}

/// Renders every page; link and Markdown problems go to `diags`.
pub fn render(loaded: &Loaded, diags: &mut Diagnostics) -> Content {
    let Loaded {
        config,
        library,
        highlighter,
        ..
    } = loaded;
    let links = SiteLinks::new(library);
    let (rendered, mut tree_views): (Vec<Rendered>, Vec<Option<TreeView>>) = library
        .pages
        .par_iter()
        .map(|page| {
            let root = relative_root(page);
            match page.tree() {
                Some(tree) => {
                    let (r, view) = crate::tree::render::render(
                        tree,
                        &page.rel_path,
                        &root,
                        &links,
                        highlighter,
                    );
                    (r, Some(view))
                }
                None => (
                    markdown::render_flavored(
                        &markdown::Context {
                            source: &page.source,
                            body_offset: page.body_offset,
                            rel_path: &page.rel_path,
                            root: &root,
                            links: &links,
                            highlighter,
                        },
                        &config.markdown,
                    ),
                    None,
                ),
            }
        })
        .unzip();
    for r in &rendered {
        diags.extend(r.diagnostics.iter().cloned());
    }
    trees::fill_guide_titles(library, &rendered, &mut tree_views);
    let reached_from = trees::reached_from(library);
    Content {
        rendered,
        tree_views,
        reached_from,
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
            assets: library.assets.iter().map(|a| a.rel_path.as_str()).collect(),
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
