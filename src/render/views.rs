//! Building the views templates receive, from the content model.
//!
//! This is the one place that knows both the model (`Library`, `Nav`,
//! rendered Markdown) and what templates see (`PageView`), so the model can
//! change without a theme noticing. It never reads files or renders
//! Markdown: every input arrives already computed, which lets the build
//! render any single page again from the same inputs.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::Config;
use crate::content::nav::{breadcrumbs, Nav, NavNode};
use crate::content::summary::Item;
use crate::content::{Library, Page, PageId, PageKind};
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::tree::render::TreeView;

use super::{
    LinkView, NavView, PageInfo, PageView, ReachedFromView, SiteView, Templates, TreeLink,
};

/// Entries a sidebar list shows before it is cut to a window around the
/// current page.
const NAV_MAX_ENTRIES: usize = 30;

/// A remedy of a decision tree that links to a page, seen from that page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReachedFrom {
    /// The tree's page.
    pub tree_page: PageId,
    /// The question asked before the remedy.
    pub question: String,
    /// The answer that leads to the remedy.
    pub answer: String,
    /// The remedy's node id.
    pub node: String,
}

/// Everything needed to render any page, shared by the rendering threads.
pub struct PageContext<'a> {
    /// The site's configuration.
    pub config: &'a Config,
    /// Every page.
    pub library: &'a Library,
    /// Each page's rendered Markdown, by `PageId` index.
    pub rendered: &'a [Arc<Rendered>],
    /// Each tree page's view, by `PageId` index.
    pub tree_views: &'a [Option<TreeView>],
    /// The tree remedies pointing at each page.
    pub reached_from: &'a BTreeMap<PageId, Vec<ReachedFrom>>,
    /// Sidebar and reading order.
    pub nav: &'a Nav,
    /// Site-wide template values.
    pub site: &'a SiteView,
    /// Static asset URLs with their fingerprints.
    pub assets: &'a BTreeMap<String, String>,
    /// The theme's templates.
    pub templates: &'a Templates,
    /// The site's decision trees, for the home page's paste box.
    pub trees: &'a [TreeLink],
}

impl PageContext<'_> {
    fn link(&self, i: PageId, root: &str) -> LinkView {
        let p = &self.library.pages[i];
        LinkView {
            // The home page's own title is often a long headline: name it plainly.
            title: if p.is_home() {
                "Home".to_string()
            } else {
                p.meta.title.clone()
            },
            url: href(root, &p.path),
            description: p.meta.description.clone(),
            codes: p.meta.codes.iter().map(|c| *c.get_ref()).collect(),
        }
    }

    /// The sidebar as seen from `current`: sections are expanded only on
    /// the way to the current page, and a long section shows only the
    /// entries around the current one plus a link to the full list. So its
    /// size stays bounded however large the site grows, instead of every
    /// page carrying the whole site (mdBook's cost at 10,000 pages).
    fn nav_views(
        &self,
        node: &NavNode,
        current: Option<PageId>,
        parent: PageId,
        root: &str,
    ) -> Vec<NavView> {
        let current_path = current.map(|c| self.library.pages[c].path.as_str());
        let children = &node.children;
        let (from, to) = if children.len() <= NAV_MAX_ENTRIES {
            (0, children.len())
        } else {
            // Centre the window on the entry that is (or contains) the current page.
            let at = children
                .iter()
                .position(|c| {
                    let p = &self.library.pages[c.page];
                    Some(c.page) == current
                        || (p.is_section()
                            && current_path.is_some_and(|cp| cp.starts_with(&p.path)))
                })
                .unwrap_or(0);
            let half = NAV_MAX_ENTRIES / 2;
            let from = at
                .saturating_sub(half)
                .min(children.len() - NAV_MAX_ENTRIES);
            (from, from + NAV_MAX_ENTRIES)
        };
        let mut views: Vec<NavView> = children[from..to]
            .iter()
            .map(|child| {
                let p = &self.library.pages[child.page];
                let open = p.is_section() && current_path.is_some_and(|c| c.starts_with(&p.path));
                NavView {
                    title: p.meta.short.clone().unwrap_or_else(|| p.meta.title.clone()),
                    url: href(root, &p.path),
                    current: Some(child.page) == current,
                    open,
                    children: if open {
                        self.nav_views(child, current, child.page, root)
                    } else {
                        Vec::new()
                    },
                    kind: "",
                }
            })
            .collect();
        if to - from < children.len() {
            let section = &self.library.pages[parent];
            views.push(NavView {
                title: format!("All {} pages of {}…", children.len(), section.meta.title),
                url: href(root, &section.path),
                current: false,
                open: false,
                children: Vec::new(),
                kind: "",
            });
        }
        views
    }

    /// The sidebar: a book's from its `SUMMARY.md`, a site's from its folders.
    fn sidebar(&self, current: Option<PageId>, root: &str) -> Vec<NavView> {
        match &self.library.summary {
            Some(summary) => book_nav(self.library, summary, current, root),
            None => self.nav_views(&self.nav.root, current, self.nav.root.page, root),
        }
    }

    /// Renders the page `i` with its template.
    pub fn render_page(&self, i: PageId) -> Result<String, Diagnostic> {
        let page = &self.library.pages[i];
        let rendered = &self.rendered[i.index()];
        let root = relative_root(page);
        let children = self.nav.children(i);
        let (heading, content) = match self.library.summary {
            Some(_) => crate::book::split_heading(&rendered.html),
            None => (None, rendered.html.as_str()),
        };
        let view = PageView {
            site: self.site,
            page: PageInfo {
                title: &page.meta.title,
                description: page.meta.description.as_deref(),
                meta_description: page
                    .meta
                    .description
                    .as_deref()
                    .or(Some(self.config.description.as_str()).filter(|d| !d.is_empty())),
                content,
                toc: &rendered.toc,
                codes: page.meta.codes.iter().map(|c| *c.get_ref()).collect(),
                tags: &page.meta.tags,
                path: &page.path,
                permalink: self.config.site_url.absolute_url(&page.path),
                is_section: page.is_section(),
                children: children.iter().map(|&j| self.link(j, &root)).collect(),
                edit_url: self
                    .config
                    .edit_url_template
                    .as_ref()
                    .filter(|_| matches!(page.kind, PageKind::Guide | PageKind::Section))
                    .map(|t| {
                        let file = self
                            .config
                            .display_path(&self.config.content_dir.join(&page.rel_path));
                        t.replace("{path}", &file.to_string_lossy())
                    }),
                heading,
                checked: page.meta.checked(),
                markdown: Some(markdown_href(page)),
                json_ld: matches!(page.kind, PageKind::Guide).then(|| self.json_ld(i, &root)),
            },
            root: &root,
            nav: self.sidebar(Some(i), &root),
            breadcrumbs: breadcrumbs(self.library, i)
                .into_iter()
                .map(|j| self.link(j, &root))
                .collect(),
            prev: self.nav.prev(i).map(|j| self.link(j, &root)),
            next: self.nav.next(i).map(|j| self.link(j, &root)),
            assets: self.assets,
            tree: self.tree_views[i.index()].as_ref(),
            reached_from: self
                .reached_from
                .get(&i)
                .map(|list| {
                    list.iter()
                        .map(|r| ReachedFromView {
                            tree: self.library.pages[r.tree_page].meta.title.clone(),
                            question: r.question.clone(),
                            answer: r.answer.clone(),
                            url: format!(
                                "{}#{}",
                                href(&root, &self.library.pages[r.tree_page].path),
                                r.node
                            ),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            trees: if page.is_home() { self.trees } else { &[] },
            style: None,
        };
        let template = match page.kind {
            PageKind::Tree(_) => "tree.html",
            _ if page.is_home() => "index.html",
            PageKind::Section | PageKind::GeneratedSection => "section.html",
            PageKind::Guide => "page.html",
        };
        self.templates.render(template, &view)
    }

    /// A guide's JSON-LD: the article and its breadcrumbs, home to itself.
    fn json_ld(&self, i: PageId, root: &str) -> String {
        let page = &self.library.pages[i];
        let url = |p: &Page| {
            self.config
                .site_url
                .absolute_url(&p.path)
                .unwrap_or_else(|| href(root, &p.path))
        };
        let mut trail: Vec<(String, String)> = breadcrumbs(self.library, i)
            .into_iter()
            .map(|j| {
                let link = self.link(j, root);
                (link.title, url(&self.library.pages[j]))
            })
            .collect();
        trail.push((page.meta.title.clone(), url(page)));
        let site_url = self
            .config
            .site_url
            .absolute
            .clone()
            .unwrap_or_else(|| href(root, ""));
        super::structured::json_ld(&super::structured::Article {
            site: (&self.site.title, &site_url),
            title: &page.meta.title,
            description: page.meta.description.as_deref(),
            url: &url(page),
            language: &self.config.language,
            checked: page.meta.checked(),
            tags: &page.meta.tags,
            trail,
        })
    }

    /// The 404 page is served at any URL, so its links use the absolute base
    /// path (right where the site is served where `site-url` says; the
    /// page's script corrects them under any other prefix) and its
    /// stylesheet `style` is inlined.
    pub fn render_404(&self, style: &str) -> Result<String, Diagnostic> {
        let root = &self.config.site_url.base_path;
        let view = PageView {
            site: self.site,
            page: PageInfo {
                title: "Page not found",
                description: None,
                meta_description: None,
                content: "",
                toc: &[],
                codes: vec![404],
                tags: &[],
                path: "404.html",
                permalink: None,
                is_section: false,
                children: Vec::new(),
                edit_url: None,
                heading: None,
                checked: None,
                markdown: None,
                json_ld: None,
            },
            root,
            nav: self.sidebar(None, root),
            breadcrumbs: Vec::new(),
            prev: None,
            next: None,
            assets: self.assets,
            tree: None,
            reached_from: Vec::new(),
            trees: &[],
            // `</style` inside the stylesheet would end the element early;
            // `<\/` means the same in CSS.
            style: Some(style.replace("</", "<\\/")),
        };
        self.templates.render("404.html", &view)
    }
}

/// A book's sidebar, drawn from `SUMMARY.md`: numbered chapters, part titles,
/// separators and drafts included.
fn book_nav(
    library: &Library,
    items: &[Item],
    current: Option<PageId>,
    root: &str,
) -> Vec<NavView> {
    items
        .iter()
        .map(|item| match item {
            Item::Chapter(c) => {
                let page = c
                    .path
                    .as_ref()
                    .and_then(|p| library.by_rel_path.get(p))
                    .copied();
                let number = c.number.as_ref().map_or(String::new(), |n| {
                    n.iter().map(|x| format!("{x}.")).collect::<String>() + " "
                });
                NavView {
                    title: format!("{number}{}", c.name),
                    url: page.map_or(String::new(), |i| {
                        format!("{root}{}", library.pages[i].path)
                    }),
                    current: page.is_some() && page == current,
                    open: !c.sub_items.is_empty(),
                    children: book_nav(library, &c.sub_items, current, root),
                    kind: if page.is_some() { "" } else { "draft" },
                }
            }
            Item::PartTitle(t) => NavView {
                title: t.clone(),
                url: String::new(),
                current: false,
                open: false,
                children: Vec::new(),
                kind: "part",
            },
            Item::Separator => NavView {
                title: String::new(),
                url: String::new(),
                current: false,
                open: false,
                children: Vec::new(),
                kind: "separator",
            },
        })
        .collect()
}

/// The page's Markdown copy, relative to the page: `index.md`, or
/// `summary.md` beside a book's `format/summary.html`.
pub fn markdown_href(page: &Page) -> String {
    let file = markdown_file(page);
    file.rsplit('/').next().unwrap_or(&file).to_string()
}

/// The Markdown copy's path from the site root: the page's HTML file
/// with `.md` for `.html`.
pub fn markdown_file(page: &Page) -> String {
    let html = page.output_file();
    format!("{}.md", html.strip_suffix(".html").unwrap_or(&html))
}

/// `../../` for `codes/429/`; `` for the home page.
pub fn relative_root(page: &Page) -> String {
    "../".repeat(page.depth())
}

/// Joins a root prefix and a site path into an href that is never empty.
fn href(root: &str, path: &str) -> String {
    let s = format!("{root}{path}");
    if s.is_empty() {
        "./".into()
    } else {
        s
    }
}
