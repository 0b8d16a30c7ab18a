//! Stage 3, plan outputs: the values every page template shares (site,
//! fingerprinted assets, navigation) and every file besides the pages
//! (theme files, 404, alias redirects, robots.txt, sitemap.xml). They are
//! assembled before any page is rendered, so a clash between outputs fails
//! the build before the heavy work.

use std::collections::{BTreeMap, HashSet};

use crate::config::Config;
use crate::content::nav::Nav;
use crate::content::{Library, Page, PageId};
use crate::diagnostics::Diagnostics;
use crate::escape::escape_attr;
use crate::fingerprint::Fnv64;
use crate::render::{PageContext, SiteView, TreeLink};

use super::content::Content;
use super::load::Loaded;

/// What the write stage needs besides the loaded and rendered content.
pub struct Plan {
    /// Site-wide template values.
    pub site: SiteView,
    /// Static asset name -> URL with a content hash.
    pub assets: BTreeMap<String, String>,
    /// Sidebar and reading order.
    pub nav: Nav,
    /// Every output file besides pages, Markdown copies, search files and
    /// content assets.
    pub extra: BTreeMap<String, Vec<u8>>,
    /// Each page's Markdown copy: its path and page, made when written
    /// ([`Plan::copy`]).
    pub copies: Vec<(String, PageId)>,
    /// The files pages are written to.
    pub page_files: HashSet<String>,
    /// The site's decision trees, for the home page's paste box.
    pub trees: Vec<TreeLink>,
    /// Redirect targets that leave the book (links that do are the
    /// rendered pages' own `unchecked`).
    pub unchecked: Vec<String>,
}

impl Plan {
    /// The context that renders any page of this plan.
    pub fn context<'a>(&'a self, loaded: &'a Loaded, content: &'a Content) -> PageContext<'a> {
        PageContext {
            config: &loaded.config,
            library: &loaded.library,
            rendered: &content.rendered,
            tree_views: &content.tree_views,
            reached_from: &content.reached_from,
            nav: &self.nav,
            site: &self.site,
            assets: &self.assets,
            templates: &loaded.templates,
            trees: &self.trees,
        }
    }
}

impl Plan {
    /// The Markdown copy of page `id`, as the write stage puts it.
    pub fn copy(&self, loaded: &Loaded, id: PageId) -> Vec<u8> {
        super::machines::markdown_copy(&loaded.config, &loaded.library, &self.nav, id).into_bytes()
    }

    /// Every Markdown copy, made in parallel: for `remedy serve`, which
    /// compares each with what it wrote last.
    pub fn all_copies(&self, loaded: &Loaded) -> Vec<(String, Vec<u8>)> {
        use rayon::prelude::*;
        self.copies
            .par_iter()
            .map(|(path, id)| (path.clone(), self.copy(loaded, *id)))
            .collect()
    }
}

/// Plans the outputs; a 404 template error goes to `diags`.
pub fn plan(loaded: &Loaded, content: &Content, diags: &mut Diagnostics) -> Plan {
    let Loaded {
        config,
        theme,
        css,
        library,
        ..
    } = loaded;
    let book_files = crate::book::extra_files(config, library, diags);
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
        print: config.print && library.summary.is_some() && !library.pages.is_empty(),
        opensearch: config.search && config.site_url.absolute.is_some(),
    };
    let mut statics: BTreeMap<String, Vec<u8>> = theme
        .under("static/")
        .map(|(name, f)| (format!("static/{name}"), f.bytes.to_vec()))
        .collect();
    statics.insert("static/highlight.css".into(), css.clone().into_bytes());
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
    let nav = match &library.summary {
        Some(summary) => Nav::from_order(library, crate::book::order(library, summary)),
        None => Nav::build(library),
    };
    let mut plan = Plan {
        site,
        assets,
        nav,
        extra: statics,
        page_files: library.pages.iter().map(Page::output_file).collect(),
        copies: super::machines::copy_files(library),
        trees: content
            .triage
            .iter()
            .map(|(&id, t)| TreeLink {
                title: t.data.title.clone(),
                path: library.pages[id].path.clone(),
                data: t.url.clone(),
            })
            .collect(),
        unchecked: book_files.unchecked,
    };
    plan.extra.extend(book_files.files);
    for t in content.triage.values() {
        plan.extra.insert(t.file.clone(), t.bytes.clone());
    }
    plan.extra.extend(super::machines::files(
        config,
        library,
        &plan.nav,
        &content.triage,
    ));
    let style = plan
        .extra
        .get("static/style.css")
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    match plan.context(loaded, content).render_404(&style) {
        Ok(html) => {
            plan.extra.insert("404.html".into(), html.into_bytes());
        }
        Err(d) => diags.push(d),
    }
    if plan.site.print {
        if let Some(summary) = &library.summary {
            let order = crate::book::order(library, summary);
            let print = crate::render::print::page(&plan.context(loaded, content), &order);
            match print {
                Ok(html) => {
                    plan.extra.insert("print.html".into(), html.into_bytes());
                }
                Err(d) => diags.push(d),
            }
        }
    }
    for (path, html) in alias_pages(library, config) {
        plan.extra.insert(path, html.into_bytes());
    }
    plan.extra
        .insert("robots.txt".into(), robots(config).into_bytes());
    if let Some(sitemap) = sitemap(library, config) {
        plan.extra
            .insert("sitemap.xml".into(), sitemap.into_bytes());
    }
    plan
}

/// `/old/page` -> `old/page/`.
pub fn alias_path(alias: &str) -> String {
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
            let target = escape_attr(&target);
            let html = format!(
                "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{target}\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{target}\">{title}</a>.</p>\n</body>\n</html>\n",
                lang = escape_attr(&config.language),
                title = escape_attr(&page.meta.title),
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
    for (path, &id) in &library.by_path {
        let url = config.site_url.absolute_url(path)?;
        // `checked` is the day the page's facts were last confirmed: the
        // closest thing a page has to a modification date.
        let lastmod = library.pages[id]
            .meta
            .checked()
            .map_or(String::new(), |d| format!("<lastmod>{d}</lastmod>"));
        s.push_str(&format!(
            "  <url><loc>{}</loc>{lastmod}</url>\n",
            escape_attr(&url)
        ));
    }
    s.push_str("</urlset>\n");
    Some(s)
}
