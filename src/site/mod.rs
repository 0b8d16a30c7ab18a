//! One build, from `book.toml` to a finished output folder.
//!
//! This is the only module that knows every stage. Each stage hands an owned
//! value to the next: config -> theme, templates and highlighter -> library
//! of pages -> rendered Markdown -> link check -> HTML pages and extra files
//! -> atomic swap. Any error stops the build before the swap, so the
//! previous site stays as it was.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Config, Overrides};
use crate::content::nav::{breadcrumbs, Nav, NavNode};
use crate::content::{Library, Page};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::fingerprint::Fnv64;
use crate::highlight::{self, Highlighter};
use crate::markdown::{self, Links, Rendered};
use crate::output::{self, Staging};
use crate::render::{LinkView, NavView, PageInfo, PageView, SiteView, Templates};
use crate::theme::Theme;
use crate::tree::render::TreeView;

mod search;
mod trees;

use trees::ReachedFrom;
pub use trees::ReachedFromView;

/// Entries a sidebar list shows before it is cut to a window around the
/// current page.
const NAV_MAX_ENTRIES: usize = 30;

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The project folder (holding `book.toml`).
    pub root: PathBuf,
    /// Command-line settings that win over `book.toml`.
    pub overrides: Overrides,
    /// False for `remedy check`: do everything but write.
    pub write: bool,
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// HTML pages rendered from content (404 and redirects not counted).
    pub pages: usize,
    /// Files written in all.
    pub files: usize,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Warnings, sorted by file and line.
    pub warnings: Vec<Diagnostic>,
    /// Where the site was written.
    pub output_dir: PathBuf,
    /// Wall time of each stage, in order (for `--verbose` and benchmarks).
    pub timings: Vec<(&'static str, Duration)>,
}

/// Why a build failed: errors (and any warnings), sorted by file and line.
#[derive(Debug)]
pub struct BuildFailure {
    /// All diagnostics of the failed build.
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildFailure {
    fn from(d: Diagnostics) -> Self {
        BuildFailure {
            diagnostics: d.sorted(),
        }
    }
}

/// Builds the site described by `opts`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let start = Instant::now();
    let config = Config::load(&opts.root, &opts.overrides).map_err(BuildFailure::from)?;
    let shown_output = config.display_path(&config.output_dir);
    if opts.write {
        output::check_target(&config.output_dir, &shown_output).map_err(one)?;
    }

    let mut diags = Diagnostics::new();
    diags.extend(config.warnings.iter().cloned());
    let theme = Theme::load(&config).map_err(BuildFailure::from)?;
    let mut timings = Vec::new();
    let mut lap = Instant::now();
    let mut stage = |name: &'static str, timings: &mut Vec<(&'static str, Duration)>| {
        timings.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    stage("config and theme", &mut timings);
    let (((templates, t_tpl), (highlighter, t_syn)), (css, library)) = rayon::join(
        || {
            rayon::join(
                || timed(|| Templates::load(&theme)),
                || timed(|| Highlighter::new(&theme)),
            )
        },
        || {
            let mut d = Diagnostics::new();
            let lib = Library::load(&config, &mut d);
            (highlight::stylesheet(&config), (lib, d))
        },
    );
    timings.push(("  templates (parallel)", t_tpl));
    timings.push(("  syntaxes (parallel)", t_syn));
    stage("load templates, syntaxes, content", &mut timings);
    let (library, lib_diags) = library;
    diags.extend(lib_diags);
    let templates = collect(templates, &mut diags);
    let highlighter = collect(highlighter, &mut diags);
    let css = collect(css, &mut diags);
    let (Some(templates), Some(highlighter), Some(css)) = (templates, highlighter, css) else {
        return Err(BuildFailure::from(diags));
    };
    if library.pages.iter().all(|p| p.is_virtual) && library.failed.is_empty() {
        diags.push(
            Diagnostic::error(format!(
                "no Markdown pages in {}",
                config.display_path(&config.content_dir).display()
            ))
            .with_help("add a content/_index.md for the home page"),
        );
        return Err(BuildFailure::from(diags));
    }

    // Pages that loaded are rendered even when others failed, so one build
    // reports every problem at once.
    let links = SiteLinks::new(&library);
    let (rendered, mut tree_views): (Vec<Rendered>, Vec<Option<TreeView>>) = library
        .pages
        .par_iter()
        .map(|page| {
            let root = relative_root(page);
            match &page.tree {
                Some(tree) => {
                    let (r, view) = crate::tree::render::render(
                        tree,
                        &page.rel_path,
                        &root,
                        &links,
                        &highlighter,
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
                            highlighter: &highlighter,
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
    check_anchors(&library, &rendered, &mut diags);
    check_aliases(&library, &mut diags);
    trees::fill_guide_titles(&library, &rendered, &mut tree_views);
    let reached_from = trees::reached_from(&library);
    stage("render Markdown, check links", &mut timings);
    if diags.has_errors() {
        return Err(BuildFailure::from(diags));
    }

    let book_files = crate::book::extra_files(&config, &mut diags);
    let site = SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        language: config.language.clone(),
        authors: config.authors.clone(),
        url: config.site_url.absolute.clone(),
        base_path: config.site_url.base_path.clone(),
        generator: format!("remedy {}", env!("CARGO_PKG_VERSION")),
        search: config.search,
        repository: config.git_repository_url.clone(),
        extra_css: book_files.css,
        extra_js: book_files.js,
    };
    let mut statics: BTreeMap<String, Vec<u8>> = theme
        .under("static/")
        .map(|(name, f)| (format!("static/{name}"), f.bytes.to_vec()))
        .collect();
    statics.insert("static/highlight.css".into(), css.into_bytes());
    let assets: BTreeMap<String, String> = statics
        .iter()
        .map(|(path, bytes)| {
            let name = path.trim_start_matches("static/").to_string();
            (
                name,
                format!("{path}?v={}", Fnv64::default().update(bytes).short()),
            )
        })
        .collect();

    let nav = Nav::build(&library);
    let ctx = PageContext {
        config: &config,
        library: &library,
        rendered: &rendered,
        tree_views: &tree_views,
        reached_from: &reached_from,
        nav: &nav,
        site: &site,
        assets: &assets,
        templates: &templates,
    };

    // Every file besides the pages, assembled and checked for clashes before
    // any page is rendered, so a clash fails the build before the heavy work.
    let mut extra: BTreeMap<String, Vec<u8>> = statics;
    extra.extend(book_files.files);
    match ctx.render_404() {
        Ok(html) => {
            extra.insert("404.html".into(), html.into_bytes());
        }
        Err(d) => diags.push(d),
    }
    for (path, html) in alias_pages(&library, &config) {
        extra.insert(path, html.into_bytes());
    }
    extra.insert("robots.txt".into(), robots(&config).into_bytes());
    if let Some(sitemap) = sitemap(&library, &config) {
        extra.insert("sitemap.xml".into(), sitemap.into_bytes());
    }
    let page_files: HashSet<String> = library.pages.iter().map(Page::output_file).collect();
    for asset in &library.assets {
        if page_files.contains(&asset.rel_path) || extra.contains_key(&asset.rel_path) {
            diags.push(
                Diagnostic::error(format!(
                    "the file would overwrite a generated file at /{}",
                    asset.rel_path
                ))
                .in_file(config.display_path(&asset.file))
                .with_help("rename or move the file"),
            );
        }
    }
    // The search index owns `search/`; a page or file there would mix
    // with it (or be overwritten by it).
    let reserved = |path: &str| config.search && path.starts_with("search/");
    for page in library.pages.iter().filter(|p| reserved(&p.path)) {
        diags.push(
            Diagnostic::error(
                "pages cannot live under /search/: that folder holds the search index",
            )
            .in_file(page.source.path.clone())
            .with_help("move or rename the file (or its folder)"),
        );
    }
    for asset in library.assets.iter().filter(|a| reserved(&a.rel_path)) {
        diags.push(
            Diagnostic::error(
                "files cannot live under /search/: that folder holds the search index",
            )
            .in_file(config.display_path(&asset.file))
            .with_help("move or rename the file (or its folder)"),
        );
    }
    for path in extra.keys() {
        if page_files.contains(path) {
            diags.push(
                Diagnostic::error(format!("two outputs would be written to /{path}")).with_help(
                    "an alias or theme file has the same path as a page; rename one of them",
                ),
            );
        }
    }
    if diags.has_errors() {
        return Err(BuildFailure::from(diags));
    }

    let staging = if opts.write {
        match Staging::new(&config.output_dir, config.precompress) {
            Ok(s) => Some(s),
            Err(e) => {
                diags.push(Diagnostic::error(format!(
                    "cannot create a temporary folder beside {}: {e}",
                    shown_output.display()
                )));
                return Err(BuildFailure::from(diags));
            }
        }
    } else {
        None
    };
    // The search index is built on one thread while the pool renders pages.
    let search_docs = search::documents(&library, &rendered);
    let (page_results, search_files) = rayon::join(
        || -> Vec<Result<(), Diagnostic>> {
            library
                .pages
                .par_iter()
                .enumerate()
                .map(|(i, page)| {
                    let html = ctx.render_page(i)?;
                    if let Some(staging) = &staging {
                        staging
                            .write(&page.output_file(), html.as_bytes())
                            .map_err(|e| write_error(&page.path, e))?;
                    }
                    Ok(())
                })
                .collect()
        },
        // The search files are written as soon as they exist, while pages
        // are still being rendered.
        || {
            let staging = staging.as_ref().filter(|_| config.search)?;
            Some(timed(|| -> Result<(usize, [Duration; 2]), Diagnostic> {
                let (files, times) = crate::search::files(&search_docs).map_err(|e| {
                    Diagnostic::error(format!("cannot build the search index: {e:#}"))
                })?;
                files
                    .par_iter()
                    .try_for_each(|(path, bytes)| staging.write(path, bytes).map_err(|e| (path, e)))
                    .map_err(|(path, e)| write_error(path, e))?;
                Ok((files.len(), times))
            }))
        },
    );
    let mut search_count = 0;
    match search_files {
        Some((Ok((n, [index, export])), t)) => {
            timings.push(("  search: tantivy index (parallel)", index));
            timings.push(("  search: browser index", export));
            timings.push(("  search: written", t - index - export));
            search_count = n;
        }
        Some((Err(d), _)) => diags.push(d),
        None => {}
    }
    for r in page_results {
        if let Err(d) = r {
            diags.push(d);
        }
    }
    stage("render templates, write pages", &mut timings);
    if diags.has_errors() {
        return Err(BuildFailure::from(diags));
    }

    let mut files = page_files.len() + search_count;
    if let Some(staging) = staging {
        // Theme files, the 404 page, aliases: written in parallel, as pages are.
        extra
            .par_iter()
            .try_for_each(|(path, bytes)| staging.write(path, bytes).map_err(|e| (path, e)))
            .map_err(|(path, e)| one(write_error(path, e)))?;
        files += extra.len();
        for asset in &library.assets {
            // Assets are copied whether linked or not: authors may reference
            // them from raw HTML, which the link checker cannot see.
            let bytes = std::fs::read(&asset.file).map_err(|e| {
                one(Diagnostic::error(format!("cannot read: {e}"))
                    .in_file(config.display_path(&asset.file)))
            })?;
            staging
                .write(&asset.rel_path, &bytes)
                .map_err(|e| one(write_error(&asset.rel_path, e)))?;
            files += 1;
        }
        files += staging.siblings();
        staging.commit().map_err(|e| {
            one(Diagnostic::error(format!(
                "cannot move the new site into {}: {e}",
                shown_output.display()
            )))
        })?;
    }
    stage("extra files, swap", &mut timings);

    Ok(BuildReport {
        pages: library.pages.len(),
        files,
        elapsed: start.elapsed(),
        warnings: diags.sorted(),
        output_dir: config.output_dir.clone(),
        timings,
    })
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    (f(), t.elapsed())
}

fn collect<T>(r: Result<T, Diagnostics>, diags: &mut Diagnostics) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(d) => {
            diags.extend(d);
            None
        }
    }
}

fn one(d: Diagnostic) -> BuildFailure {
    BuildFailure {
        diagnostics: vec![d],
    }
}

fn write_error(path: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write /{path}: {e}"))
}

/// `../../` for `codes/429/`; `` for the home page.
fn relative_root(page: &Page) -> String {
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

/// Every `page.md#anchor` link must name an id that the target page defines.
fn check_anchors(library: &Library, rendered: &[Rendered], diags: &mut Diagnostics) {
    for r in rendered {
        for link in &r.anchor_refs {
            let Some(&target) = library.by_path.get(&link.page_path) else {
                continue;
            };
            let anchors = &rendered[target].anchors;
            if anchors.contains(&link.anchor) {
                continue;
            }
            let mut known: Vec<&str> = anchors.iter().map(String::as_str).collect();
            known.sort_unstable();
            let help = match did_you_mean(&link.anchor, known.iter().copied()) {
                Some(s) => format!("did you mean `#{s}`?"),
                None if known.is_empty() => "that page has no headings".to_string(),
                None => format!(
                    "headings there: {}",
                    known
                        .iter()
                        .map(|k| format!("#{k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            diags.push(
                Diagnostic::error(format!(
                    "`#{}` is not a heading of {}",
                    link.anchor,
                    library.pages[target].source.path.display()
                ))
                .at(&link.source, link.span.clone())
                .with_label("broken anchor")
                .with_help(help),
            );
        }
    }
}

/// Aliases must not land on a real page or on each other.
fn check_aliases(library: &Library, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, page) in library.pages.iter().enumerate() {
        for alias in &page.meta.aliases {
            let path = alias_path(alias.get_ref());
            let span = alias.span();
            let span = span.start + page.front_matter_offset..span.end + page.front_matter_offset;
            if library.by_path.contains_key(&path) {
                diags.push(
                    Diagnostic::error(format!(
                        "the alias `{}` is the path of an existing page",
                        alias.get_ref()
                    ))
                    .at(&page.source, span)
                    .with_help("remove the alias or move the other page"),
                );
            } else if let Some(&other) = seen.get(&path) {
                diags.push(
                    Diagnostic::error(format!(
                        "the alias `{}` is also an alias of {}",
                        alias.get_ref(),
                        library.pages[other].source.path.display()
                    ))
                    .at(&page.source, span),
                );
            } else {
                seen.insert(path, i);
            }
        }
    }
}

/// `/old/page` -> `old/page/`.
fn alias_path(alias: &str) -> String {
    let trimmed = alias.trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else if trimmed.ends_with(".html") {
        trimmed.to_string()
    } else {
        format!("{trimmed}/")
    }
}

/// Redirect pages for aliases: a meta refresh plus a plain link.
fn alias_pages(library: &Library, config: &Config) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for page in &library.pages {
        for alias in &page.meta.aliases {
            let path = alias_path(alias.get_ref());
            let file = if path.ends_with(".html") {
                path.clone()
            } else {
                format!("{path}index.html")
            };
            let target = format!("{}{}", config.site_url.base_path, page.path);
            let target = markdown::escape_attr(&target);
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{target}\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{target}\">{title}</a>.</p>\n</body>\n</html>\n",
                lang = markdown::escape_attr(&config.language),
                title = markdown::escape_attr(&page.meta.title),
            );
            out.push((file, html));
        }
    }
    out
}

fn robots(config: &Config) -> String {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if let Some(url) = config.site_url.absolute_url("sitemap.xml") {
        s.push_str(&format!("Sitemap: {url}\n"));
    }
    s
}

/// `sitemap.xml` needs absolute URLs: it is written only when `site-url` has a host.
fn sitemap(library: &Library, config: &Config) -> Option<String> {
    config.site_url.absolute.as_ref()?;
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in library.by_path.keys() {
        let url = config.site_url.absolute_url(path)?;
        s.push_str(&format!(
            "  <url><loc>{}</loc></url>\n",
            markdown::escape_attr(&url)
        ));
    }
    s.push_str("</urlset>\n");
    Some(s)
}

/// Everything needed to render any page, shared by the rendering threads.
struct PageContext<'a> {
    config: &'a Config,
    library: &'a Library,
    rendered: &'a [Rendered],
    tree_views: &'a [Option<TreeView>],
    reached_from: &'a BTreeMap<usize, Vec<ReachedFrom>>,
    nav: &'a Nav,
    site: &'a SiteView,
    assets: &'a BTreeMap<String, String>,
    templates: &'a Templates,
}

impl PageContext<'_> {
    fn link(&self, i: usize, root: &str) -> LinkView {
        let p = &self.library.pages[i];
        LinkView {
            // The home page's own title is often a long headline: name it plainly.
            title: if p.path.is_empty() {
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
        current: Option<usize>,
        parent: usize,
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
                        || (p.is_section && current_path.is_some_and(|cp| cp.starts_with(&p.path)))
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
                let open = p.is_section && current_path.is_some_and(|c| c.starts_with(&p.path));
                NavView {
                    title: p.meta.title.clone(),
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

    fn render_page(&self, i: usize) -> Result<String, Diagnostic> {
        let page = &self.library.pages[i];
        let rendered = &self.rendered[i];
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
                is_section: page.is_section,
                children: children.iter().map(|&j| self.link(j, &root)).collect(),
                edit_url: self
                    .config
                    .edit_url_template
                    .as_ref()
                    .filter(|_| !page.is_virtual && page.tree.is_none())
                    .map(|t| {
                        let file = self
                            .config
                            .display_path(&self.config.content_dir.join(&page.rel_path));
                        t.replace("{path}", &file.to_string_lossy())
                    }),
                heading,
            },
            root: &root,
            nav: match &self.library.summary {
                Some(summary) => crate::book::nav_views(self.library, summary, Some(i), &root),
                None => self.nav_views(&self.nav.root, Some(i), self.nav.root.page, &root),
            },
            breadcrumbs: breadcrumbs(self.library, i)
                .into_iter()
                .map(|j| self.link(j, &root))
                .collect(),
            prev: self.nav.prev(i).map(|j| self.link(j, &root)),
            next: self.nav.next(i).map(|j| self.link(j, &root)),
            assets: self.assets,
            tree: self.tree_views[i].as_ref(),
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
        };
        let template = if page.tree.is_some() {
            "tree.html"
        } else if page.path.is_empty() {
            "index.html"
        } else if page.is_section {
            "section.html"
        } else {
            "page.html"
        };
        self.templates.render(template, &view)
    }

    /// The 404 page is served at any URL, so its links use the absolute base path.
    fn render_404(&self) -> Result<String, Diagnostic> {
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
            },
            root,
            nav: match &self.library.summary {
                Some(summary) => crate::book::nav_views(self.library, summary, None, root),
                None => self.nav_views(&self.nav.root, None, self.nav.root.page, root),
            },
            breadcrumbs: Vec::new(),
            prev: None,
            next: None,
            assets: self.assets,
            tree: None,
            reached_from: Vec::new(),
        };
        self.templates.render("404.html", &view)
    }
}
