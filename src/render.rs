//! Tera templates: loading the theme's templates and rendering pages.
//!
//! Templates receive serialize-only views built here (never the content
//! model itself), so a theme author sees one documented set of variables
//! (listed in the README) and the model can change behind them.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::TocEntry;
use crate::theme::Theme;
use crate::tree::render::TreeView;

mod errors;
mod keys;
pub mod print;
mod structured;
mod views;

use errors::{load_diagnostics, tera_diagnostic};

pub use views::{markdown_file, relative_root, PageContext, ReachedFrom};

/// The templates every theme must provide (the built-in theme has them all).
pub const REQUIRED: &[&str] = &[
    "base.html",
    "page.html",
    "section.html",
    "index.html",
    "404.html",
];

/// The site's template engine.
pub struct Templates {
    tera: Tera,
    /// Template name -> the file it came from, for error messages.
    origins: errors::Origins,
}

impl Templates {
    /// Parses every `templates/*.html` of the theme.
    pub fn load(theme: &Theme) -> Result<Templates, Diagnostics> {
        let mut tera = Tera::new();
        let mut origins = BTreeMap::new();
        let mut raw = Vec::new();
        let mut diags = Diagnostics::new();
        for (name, file) in theme.under("templates/") {
            match file.text() {
                Ok(text) => {
                    let source = crate::diagnostics::Source::new(file.origin.clone(), text);
                    origins.insert(name.to_string(), source);
                    raw.push((name.to_string(), text.to_string()));
                }
                Err(d) => diags.push(d),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        if let Err(e) = tera.add_raw_templates(raw.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
            return Err(load_diagnostics(&origins, &raw, &e));
        }
        for name in REQUIRED {
            if !tera.contains_template(name) {
                diags.push(
                    Diagnostic::error(format!("the theme has no template `{name}`"))
                        .with_help(format!("add templates/{name} to the theme folder")),
                );
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Templates { tera, origins })
    }

    /// Renders `template` with `ctx`.
    pub fn render(&self, template: &str, ctx: &PageView<'_>) -> Result<String, Diagnostic> {
        let context =
            Context::from_serialize(ctx).map_err(|e| tera_diagnostic(&self.origins, &e))?;
        self.tera
            .render(template, &context)
            .map_err(|e| tera_diagnostic(&self.origins, &e))
    }
}

/// Site-wide values every template gets as `site`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    /// `[book] title`.
    pub title: String,
    /// `[book] description`.
    pub description: String,
    /// `[book] language`.
    pub language: String,
    /// `[book] authors`.
    pub authors: Vec<String>,
    /// Absolute site URL with trailing slash, when `site-url` has a host.
    pub url: Option<String>,
    /// The path the site is served under (`/kb/`).
    pub base_path: String,
    /// `remedy x.y.z`, for `<meta name="generator">`.
    pub generator: String,
    /// Whether the site has a search index (`[output.html.search] enable`).
    pub search: bool,
    /// `[output.html] git-repository-url`, shown in the header.
    pub repository: Option<String>,
    /// `[output.html] additional-css`, site paths with a fingerprint.
    pub extra_css: Vec<String>,
    /// `[output.html] additional-js`, site paths with a fingerprint.
    pub extra_js: Vec<String>,
    /// An mdBook book's `print.html` (the whole book on one page), which
    /// every page links to.
    pub print: bool,
    /// Whether the site has `opensearch.xml` (search on, and `site-url`
    /// with a host: its URL template must be absolute).
    pub opensearch: bool,
}

/// A link to a page, as templates list them (navigation, children, prev/next).
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// The page's title.
    pub title: String,
    /// URL relative to the current page.
    pub url: String,
    /// The page's description, if any.
    pub description: Option<String>,
    /// Its status codes.
    pub codes: Vec<i64>,
}

/// One sidebar entry.
#[derive(Debug, Clone, Serialize)]
pub struct NavView {
    /// Title shown in the sidebar.
    pub title: String,
    /// URL relative to the current page.
    pub url: String,
    /// This entry is the current page.
    pub current: bool,
    /// The current page is inside this section.
    pub open: bool,
    /// Sub-entries, for sections.
    pub children: Vec<NavView>,
    /// `` for a page; in a book also `part` (a part title), `draft` (a
    /// chapter not written yet) and `separator`, which have no URL.
    pub kind: &'static str,
}

/// A back-link as templates see it (`page.reached_from`).
#[derive(Debug, Clone, Serialize)]
pub struct ReachedFromView {
    /// The tree's title.
    pub tree: String,
    /// The question.
    pub question: String,
    /// The answer.
    pub answer: String,
    /// URL of the remedy's step in the tree, relative to the page.
    pub url: String,
}

/// The page being rendered, as templates see it (`page`).
#[derive(Debug, Clone, Serialize)]
pub struct PageInfo<'a> {
    /// Front matter `title`.
    pub title: &'a str,
    /// Front matter `description`.
    pub description: Option<&'a str>,
    /// The page's description, else the site's: for `<meta name="description">`.
    pub meta_description: Option<&'a str>,
    /// Rendered body HTML.
    pub content: &'a str,
    /// Table of contents.
    pub toc: &'a [TocEntry],
    /// Status codes.
    pub codes: Vec<i64>,
    /// Tags.
    pub tags: &'a [String],
    /// Site path without leading slash (`codes/429/`).
    pub path: &'a str,
    /// Absolute URL, when the site URL has a host.
    pub permalink: Option<String>,
    /// True for `_index.md` pages.
    pub is_section: bool,
    /// Pages and sections directly inside this section.
    pub children: Vec<LinkView>,
    /// "Edit this page": `[output.html] edit-url-template` with the file's path.
    pub edit_url: Option<String>,
    /// A book chapter's own `# Title`, as HTML, taken out of `content`: the
    /// template shows it instead of `title`, above the table of contents.
    pub heading: Option<&'a str>,
    /// Front matter `checked`: the day the page's sources were read.
    pub checked: Option<crate::content::date::Date>,
    /// The page's Markdown copy, relative to the page (`index.md`), for
    /// `<link rel="alternate" type="text/markdown">`.
    pub markdown: Option<String>,
    /// A guide's schema.org JSON-LD (`TechArticle`, `BreadcrumbList`),
    /// safe inside `<script>`.
    pub json_ld: Option<String>,
}

/// Everything a template receives.
/// A decision tree as the home page's paste box reads it.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct TreeLink {
    /// The tree's title.
    pub title: String,
    /// Its page's site path (`troubleshoot/402/`).
    pub path: String,
    /// Its triage data's URL from the site root, with a content hash.
    pub data: String,
}

/// What a page template receives.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<'a> {
    /// Site-wide values.
    pub site: &'a SiteView,
    /// The page.
    pub page: PageInfo<'a>,
    /// Relative prefix from this page to the site root (`../../`), or the
    /// absolute base path on pages served at any URL (404).
    pub root: &'a str,
    /// Sidebar tree.
    pub nav: Vec<NavView>,
    /// Sections from home to the parent of this page.
    pub breadcrumbs: Vec<LinkView>,
    /// Previous page in reading order.
    pub prev: Option<LinkView>,
    /// Next page in reading order.
    pub next: Option<LinkView>,
    /// Static asset URLs relative to the site root, with a content hash
    /// query so browsers refetch them when they change.
    pub assets: &'a BTreeMap<String, String>,
    /// For a decision-tree page, its nodes and map.
    pub tree: Option<&'a TreeView>,
    /// Remedies of decision trees that link to this page.
    pub reached_from: Vec<ReachedFromView>,
    /// On the home page, the site's decision trees, for the paste box that
    /// opens it (`trees`); empty elsewhere, so no other page changes when a
    /// tree's data does.
    pub trees: &'a [TreeLink],
    /// The stylesheet's text, on the 404 page only: served at any URL under
    /// any prefix, that page cannot know where `static/` is before its
    /// script has looked, and a page must not wait for a script to be styled.
    pub style: Option<String>,
}
