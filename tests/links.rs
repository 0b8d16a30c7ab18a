//! Link integrity of the built site, checked on the output files.
//!
//! remedy checks the links it writes from Markdown while it builds; this
//! checks what it actually wrote, templates included: every `href`, `src`,
//! `srcset`, redirect and canonical URL that points into the site must name
//! a file of the output (a folder meaning its `index.html`), and every
//! `#anchor` must name an element of the target page. External URLs are
//! counted, not fetched. No browser or network is needed, so this always
//! runs.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::path::Path;

use html5gum::emitters::default::DefaultEmitter;
use html5gum::{Token, Tokenizer};

use remedy::serve::http::percent_decode;
use support::site::{build_bundled, html_files, SITE_URL};
use support::tools;

#[test]
fn every_internal_link_and_anchor_of_the_bundled_site_resolves() {
    let site = build_bundled();
    let report = check_site(&site.dir, SITE_URL);
    tools::announce(&report.to_string());
    assert!(
        report.broken.is_empty(),
        "{} broken links in the built site:\n{}",
        report.broken.len(),
        report
            .broken
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Guard against a checker that silently checks nothing.
    assert_eq!(report.pages, site.html_files().len());
    assert!(
        report.pages > site.pages,
        "404.html is among the pages checked"
    );
    assert!(
        report.links > 10 * report.pages,
        "only {} internal links in {} pages",
        report.links,
        report.pages
    );
    assert!(
        report.anchors > 0,
        "no #anchor was checked (the table of contents has some)"
    );
}

/// The mdBook user guide, built by remedy (issue #14): its chapters link
/// to each other by `.md` file, by `.html` URL and by `#anchor`.
#[test]
fn every_internal_link_and_anchor_of_the_mdbook_guide_resolves() {
    let guide = support::site::mdbook_guide_dir();
    let tool = tools::Tool {
        path: guide.join("book.toml"),
        install:
            "check out the shared folder beside the repository (../shared/compat/mdbook-guide)",
    };
    if !tools::available("mdbook guide links", &[tool]) {
        return;
    }
    let (site, _) = support::site::build_mdbook_guide()
        .unwrap_or_else(|e| panic!("the mdBook guide does not build:\n{}", e.join("\n")));
    let report = check_site(&site.dir, SITE_URL);
    tools::announce(&format!("mdbook guide {report}"));
    assert!(
        report.broken.is_empty(),
        "{} broken links in the built guide:\n{}",
        report.broken.len(),
        report
            .broken
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        report.anchors > 20,
        "only {} anchors checked",
        report.anchors
    );
}

#[test]
fn sitemap_lists_only_pages_that_exist() {
    let site = build_bundled();
    let sitemap = fs::read_to_string(site.dir.join("sitemap.xml"))
        .expect("sitemap.xml is written when site-url has a host");
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split_once("</loc>").map(|(loc, _)| loc))
        .collect();
    assert_eq!(locs.len(), site.pages, "one <loc> per page");
    for loc in locs {
        let path = loc
            .strip_prefix(SITE_URL)
            .unwrap_or_else(|| panic!("{loc} is not under {SITE_URL}"));
        let file = site.dir.join(path).join("index.html");
        assert!(
            file.is_file(),
            "the sitemap lists {loc}, but there is no {}",
            file.display()
        );
    }
}

/// The checker finds what it should: a missing page, a missing anchor, a
/// path that climbs out of the site, a relative link on the 404 page (which
/// is served at any depth), and a canonical URL of a page that does not
/// exist; and it accepts everything else in this small site.
#[test]
fn checker_reports_each_kind_of_broken_link() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let write = |path: &str, html: &str| {
        let file = root.join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, html).unwrap();
    };
    write(
        "index.html",
        r##"<!DOCTYPE html><link rel="stylesheet" href="static/s.css?v=1"><link rel="canonical" href="https://remedy.test/">
        <a href="guide/">guide</a> <a href="guide/#fix">fix</a> <a href="guide/#nope">nope</a>
        <a href="gone/">gone</a> <a href="../outside/">outside</a> <a href="#top-id">self</a>
        <a href="https://example.org/x#y">external</a> <a href="mailto:a@b.c">mail</a>
        <img src="img/a%20b.png" srcset="img/a%20b.png 1x, img/missing.png 2x" alt="">
        <script>if (a < b) { document.write('<a href="nowhere/">') }</script>
        <h1 id="top-id">Home</h1>"##,
    );
    write(
        "guide/index.html",
        r##"<link rel="canonical" href="https://remedy.test/guide/"><h2 id="fix">Fix</h2>
        <a href="../">home</a> <a href="/guide/#fix">absolute</a> <a href="../guide">no slash</a>
        <link rel="canonical" href="https://remedy.test/old/">"##,
    );
    write(
        "404.html",
        r##"<a href="#main">skip</a> <a href="/">home</a> <a href="static/s.css">relative</a>
        <b id="main"></b>"##,
    );
    write("static/s.css", "");
    write("img/a b.png", "");

    let report = check_site(root, "https://remedy.test/");
    let broken: Vec<(String, String)> = report
        .broken
        .iter()
        .map(|b| (b.page.clone(), b.link.clone()))
        .collect();
    assert_eq!(
        broken,
        [
            ("404.html", "static/s.css"),
            ("guide/index.html", "https://remedy.test/old/"),
            ("index.html", "../outside/"),
            ("index.html", "gone/"),
            ("index.html", "guide/#nope"),
            ("index.html", "img/missing.png"),
        ]
        .map(|(p, l)| (p.to_string(), l.to_string())),
        "{report}"
    );
    assert_eq!(report.pages, 3);
    assert_eq!(report.external, 2);
    assert_eq!(report.anchors, 5, "#fix twice, #nope, #top-id, #main");
}

/// What the check found.
struct Report {
    /// HTML files read.
    pages: usize,
    /// Internal URLs checked (anchors included).
    links: usize,
    /// Of those, the ones with a `#fragment`.
    anchors: usize,
    /// URLs pointing outside the site (not checked).
    external: usize,
    /// Sorted by page, then link.
    broken: Vec<Broken>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "links: {} pages, {} internal links ({} with an #anchor) checked, {} external skipped, {} broken",
            self.pages,
            self.links,
            self.anchors,
            self.external,
            self.broken.len()
        )
    }
}

/// A link that does not resolve.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Broken {
    /// The page holding the link, relative to the output folder.
    page: String,
    /// The link as written.
    link: String,
    reason: String,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.page, self.link, self.reason)
    }
}

/// What a page defines and refers to.
#[derive(Default)]
struct Page {
    /// `id`s, and `name`s of `<a>` (both are fragment targets).
    ids: BTreeSet<String>,
    /// Every URL in a link-like attribute, in document order.
    urls: Vec<String>,
}

/// Checks every HTML file under `root`; `site_url` (ending in `/`) marks
/// absolute URLs that point into the site.
fn check_site(root: &Path, site_url: &str) -> Report {
    let pages: BTreeMap<String, Page> = html_files(root)
        .into_iter()
        .map(|file| {
            let rel = file
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            let html = fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
            (rel, scan(&html))
        })
        .collect();
    let mut report = Report {
        pages: pages.len(),
        links: 0,
        anchors: 0,
        external: 0,
        broken: Vec::new(),
    };
    for (rel, page) in &pages {
        // The 404 page is served for any missing URL, at any depth.
        let served_anywhere = rel == "404.html";
        let dir = rel.rsplit_once('/').map_or("", |(dir, _)| dir);
        for url in &page.urls {
            let problem = match classify(url, site_url) {
                Link::External => {
                    report.external += 1;
                    continue;
                }
                Link::Relative(target) if served_anywhere && !target.starts_with('#') => Some(
                    "a relative link on the 404 page breaks when it is served below the root"
                        .to_string(),
                ),
                Link::Relative(target) => {
                    resolve(root, &pages, Some((rel, dir)), target, &mut report)
                }
                Link::Absolute(target) => resolve(root, &pages, None, target, &mut report),
            };
            if let Some(reason) = problem {
                report.broken.push(Broken {
                    page: rel.clone(),
                    link: url.clone(),
                    reason,
                });
            }
        }
    }
    report.broken.sort();
    report
}

/// Where a URL points.
enum Link<'a> {
    /// Another site, or a scheme such as `mailto:`.
    External,
    /// Relative to the page's folder (`../codes/429/`, `#fix`).
    Relative(&'a str),
    /// Relative to the site root (from `/x` or `https://site/x`).
    Absolute(&'a str),
}

fn classify<'a>(url: &'a str, site_url: &str) -> Link<'a> {
    if let Some(rest) = url.strip_prefix(site_url) {
        return Link::Absolute(rest);
    }
    if url.starts_with("//") || has_scheme(url) {
        return Link::External;
    }
    match url.strip_prefix('/') {
        Some(rest) => Link::Absolute(rest),
        None => Link::Relative(url),
    }
}

/// `https:`, `mailto:`, `data:`: a scheme before any `/`, `?` or `#`.
fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Resolves `target` (path, query, fragment) against `base`: the linking
/// page and its folder, or `None` for the site root. Returns why the link
/// is broken, or `None` if it names an existing file (and element).
fn resolve(
    root: &Path,
    pages: &BTreeMap<String, Page>,
    base: Option<(&str, &str)>,
    target: &str,
    report: &mut Report,
) -> Option<String> {
    report.links += 1;
    let (rest, fragment) = match target.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (target, None),
    };
    let path = rest.split('?').next().unwrap_or("");
    let Some(path) = percent_decode(path) else {
        return Some("invalid percent-encoding".into());
    };
    let (own, dir) = base.unwrap_or(("index.html", ""));
    let file = if path.is_empty() {
        // `#x` or `?q`: the linking page itself.
        own.to_string()
    } else {
        let Some(joined) = normalize(dir, &path) else {
            return Some("climbs above the site root".into());
        };
        if joined.is_empty() || joined.ends_with('/') {
            format!("{joined}index.html")
        } else if root.join(&joined).is_dir() {
            format!("{joined}/index.html")
        } else {
            joined
        }
    };
    if !root.join(&file).is_file() {
        return Some(format!("no file /{file}"));
    }
    let fragment = fragment.filter(|f| !f.is_empty())?;
    report.anchors += 1;
    let page = pages.get(&file)?;
    let id = percent_decode(fragment).unwrap_or_else(|| fragment.to_string());
    if page.ids.contains(&id) {
        None
    } else {
        Some(format!("/{file} has no element with id `{id}`"))
    }
}

/// Joins a relative path onto `dir`, resolving `.` and `..`; keeps a
/// trailing slash. `None` if `..` leaves the root.
fn normalize(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    let trailing = path.ends_with('/')
        || path.ends_with("/.")
        || path.ends_with("/..")
        || path == "."
        || path == "..";
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// Reads the ids and link URLs of one HTML document.
fn scan(html: &str) -> Page {
    let mut emitter = DefaultEmitter::default();
    // Treat <script>, <style> and <title> content as text, as a browser does.
    emitter.naively_switch_states(true);
    let mut page = Page::default();
    for token in Tokenizer::new_with_emitter(html, emitter) {
        let Ok(Token::StartTag(tag)) = token else {
            continue;
        };
        let name = String::from_utf8_lossy(&tag.name);
        let attr = |key: &str| {
            tag.attributes
                .get(key.as_bytes())
                .map(|v| String::from_utf8_lossy(v).trim().to_string())
        };
        if let Some(id) = attr("id") {
            page.ids.insert(id);
        }
        if name == "a" {
            if let Some(anchor) = attr("name") {
                page.ids.insert(anchor);
            }
        }
        let mut urls: Vec<String> = Vec::new();
        for key in ["href", "xlink:href", "src", "poster", "data"] {
            urls.extend(attr(key));
        }
        if let Some(srcset) = attr("srcset") {
            urls.extend(
                srcset
                    .split(',')
                    .filter_map(|candidate| candidate.split_whitespace().next())
                    .map(str::to_string),
            );
        }
        if name == "meta" {
            if let Some(content) = attr("content") {
                let property = attr("property").unwrap_or_default();
                let refresh = attr("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("refresh"));
                if property == "og:url" || property == "og:image" {
                    urls.push(content);
                } else if refresh {
                    // `0; url=/new/path/`
                    if let Some((_, url)) = content.split_once(['=']) {
                        urls.push(url.trim().trim_matches(['"', '\'']).to_string());
                    }
                }
            }
        }
        page.urls.extend(urls.into_iter().filter(|u| !u.is_empty()));
    }
    page
}
