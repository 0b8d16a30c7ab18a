//! `print.html`: the whole book on one page, as mdBook writes it, for
//! printing or saving as PDF.
//!
//! The chapters follow SUMMARY.md, each in its own `<section>` that starts
//! on a new printed page. One page holds every chapter's ids, so ids that
//! repeat get `-1`, `-2`, ... (as mdBook does), and links are rewritten to
//! match: a link to another chapter goes to that chapter's section on this
//! page (or the heading it names), a link to a file or a redirect goes to
//! it from the book's root, where this page lives.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::{PageContext, PageInfo, PageView};
use crate::content::PageId;
use crate::diagnostics::Diagnostic;
use crate::markdown::resolve_relative;

/// An `id`, `href` or `src` attribute: what chapters' HTML names and links with.
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(\s)(id|href|src)="([^"]*)""#)
        .unwrap_or_else(|e| panic!("the attribute pattern is valid: {e}"))
});

/// The print page of the book whose chapters, in reading order, are `order`.
pub fn page(ctx: &PageContext<'_>, order: &[PageId]) -> Result<String, Diagnostic> {
    let content = chapters(ctx, order);
    let view = PageView {
        site: ctx.site,
        page: PageInfo {
            title: &ctx.config.title,
            description: None,
            meta_description: None,
            content: &content,
            toc: &[],
            codes: Vec::new(),
            tags: &[],
            path: "print.html",
            permalink: None,
            is_section: false,
            children: Vec::new(),
            edit_url: None,
            heading: None,
            checked: None,
            markdown: None,
            json_ld: None,
        },
        root: "",
        nav: Vec::new(),
        breadcrumbs: Vec::new(),
        prev: None,
        next: None,
        assets: ctx.assets,
        tree: None,
        reached_from: Vec::new(),
        trees: &[],
        style: None,
    };
    ctx.templates.render("print.html", &view)
}

/// Every chapter's HTML, ids made unique and links pointed into this page.
fn chapters(ctx: &PageContext<'_>, order: &[PageId]) -> String {
    let pages = &ctx.library.pages;
    let mut used: HashSet<String> = HashSet::new();
    // Per chapter: its section's id, and its ids that had to change.
    let mut section: HashMap<&str, String> = HashMap::new();
    let mut renamed: HashMap<&str, HashMap<String, String>> = HashMap::new();
    let mut bodies: Vec<String> = Vec::with_capacity(order.len());
    for &i in order {
        let path = pages[i].path.as_str();
        let base = format!(
            "print-{}",
            path.trim_end_matches(".html").replace(['/', '.'], "-")
        );
        section.insert(path, unique(&base, &mut used));
        let map = renamed.entry(path).or_default();
        let html = ATTR.replace_all(&ctx.rendered[i.index()].html, |c: &Captures<'_>| {
            if &c[2] != "id" {
                return c[0].to_string();
            }
            let new = unique(&c[3], &mut used);
            if new != c[3] {
                map.insert(c[3].to_string(), new.clone());
            }
            format!("{}id=\"{new}\"", &c[1])
        });
        bodies.push(html.into_owned());
    }
    let mut out = String::new();
    for (&i, body) in order.iter().zip(&bodies) {
        let path = pages[i].path.as_str();
        let id = |page: &str, fragment: &str| -> String {
            renamed
                .get(page)
                .and_then(|m| m.get(fragment))
                .cloned()
                .unwrap_or_else(|| fragment.to_string())
        };
        let body = ATTR.replace_all(body, |c: &Captures<'_>| {
            let (space, attr, value) = (&c[1], &c[2], &c[3]);
            if attr == "id" {
                return c[0].to_string();
            }
            let link = |v: String| format!("{space}{attr}=\"{v}\"");
            if let Some(fragment) = value.strip_prefix('#') {
                return link(format!("#{}", id(path, fragment)));
            }
            let external = value.starts_with('/')
                || value.contains("://")
                || value.starts_with("mailto:")
                || value.starts_with("data:");
            if external {
                return c[0].to_string();
            }
            let (target, fragment) = match value.split_once('#') {
                Some((t, f)) => (t, Some(f)),
                None => (value, None),
            };
            let Some(resolved) = resolve_relative(path, target) else {
                // Beyond the book: from the root, one folder less to climb.
                return link(climb(path, value));
            };
            match (section.get(resolved.as_str()), fragment) {
                (Some(_), Some(f)) => link(format!("#{}", id(&resolved, f))),
                (Some(s), None) => link(format!("#{s}")),
                (None, Some(f)) => link(format!("{resolved}#{f}")),
                (None, None) => link(resolved),
            }
        });
        out.push_str(&format!(
            "<section class=\"print-chapter\" id=\"{}\">\n",
            section.get(path).map_or("", String::as_str)
        ));
        out.push_str(&body);
        out.push_str("</section>\n");
    }
    out
}

/// A link that climbs out of the book from the chapter at `path`, written
/// from the book's root instead.
fn climb(path: &str, value: &str) -> String {
    let depth = path.matches('/').count();
    let mut rest = value;
    for _ in 0..depth {
        match rest.strip_prefix("../") {
            Some(r) => rest = r,
            None => break,
        }
    }
    rest.to_string()
}

/// `id`, or `id-1`, `id-2`, ... when the page already has it.
fn unique(id: &str, used: &mut HashSet<String>) -> String {
    if used.insert(id.to_string()) {
        return id.to_string();
    }
    (1..)
        .map(|n| format!("{id}-{n}"))
        .find(|c| used.insert(c.clone()))
        .unwrap_or_else(|| id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn climbing_links_are_written_from_the_root() {
        assert_eq!(
            climb("guide/a.html", "../../std/index.html"),
            "../std/index.html"
        );
        assert_eq!(climb("a.html", "../std/index.html"), "../std/index.html");
    }
}
