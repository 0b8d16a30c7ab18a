//! The outputs for programs rather than people (issue #23): a Markdown
//! copy beside every page, `llms.txt` (llmstxt.org) listing them,
//! `opensearch.xml` for a browser's address bar, and each tree's triage
//! data as plain JSON. All are made from what the build already holds, in
//! a fixed order, so two builds stay byte-identical.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, Tag};

use crate::config::Config;
use crate::content::nav::{Nav, NavNode};
use crate::content::{Library, Page, PageId, PageKind};
use crate::escape::escape_attr;
use crate::markdown::resolve_relative;
use crate::render::markdown_file;
use crate::tree::{NodeKind, Tree};

use super::trees::{TriageFile, TRIAGE_FILE};

/// The plain JSON beside `triage-data.js`.
pub const TRIAGE_JSON: &str = "triage.json";

/// Every file this module makes but the Markdown copies: path from the
/// site root -> bytes.
pub fn files(
    config: &Config,
    library: &Library,
    nav: &Nav,
    triage: &BTreeMap<PageId, TriageFile>,
) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for t in triage.values() {
        let json = t.file.replace(TRIAGE_FILE, TRIAGE_JSON);
        out.insert(json, format!("{}\n", t.data.to_script_json()).into_bytes());
    }
    out.insert(
        "llms.txt".into(),
        llms_txt(config, library, nav, triage).into_bytes(),
    );
    if let Some(xml) = opensearch(config) {
        out.insert("opensearch.xml".into(), xml.into_bytes());
    }
    out
}

/// A page's URL for a program: absolute when `site-url` has a host, else
/// from the site root (where `llms.txt` is).
fn url(config: &Config, path: &str) -> String {
    config
        .site_url
        .absolute_url(path)
        .unwrap_or_else(|| path.to_string())
}

/// One line of text: descriptions may be wrapped in the front matter.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where each page's Markdown copy goes, in page order. The copies are
/// made by the write stage one at a time ([`markdown_copy`]): held all at
/// once they would be the size of the whole content folder (73 MB at
/// 10,000 pages).
pub fn copy_files(library: &Library) -> Vec<(String, PageId)> {
    library
        .ids()
        .map(|id| (markdown_file(&library.pages[id]), id))
        .collect()
}

/// The page as Markdown: its title and description, its body with links
/// pointing at the other copies (and at assets where they are published),
/// and its `checked` date. A tree becomes its questions and remedies.
pub fn markdown_copy(config: &Config, library: &Library, nav: &Nav, id: PageId) -> String {
    let page = &library.pages[id];
    let copy = markdown_file(page);
    let mut out = String::new();
    let body = page.source.text.get(page.body_offset..).unwrap_or_default();
    let own_heading = library.summary.is_some() && body.trim_start().starts_with("# ");
    if !own_heading {
        out.push_str(&format!("# {}\n\n", one_line(&page.meta.title)));
        if let Some(d) = &page.meta.description {
            out.push_str(&format!("> {}\n\n", one_line(d)));
        }
    }
    match &page.kind {
        PageKind::Guide | PageKind::Section => {
            let text = rewrite_links(config, library, body, &page.rel_path, &copy);
            out.push_str(text.trim());
            out.push_str("\n\n");
        }
        PageKind::Tree(tree) => {
            tree_markdown(config, library, tree, &page.rel_path, &copy, &mut out)
        }
        PageKind::GeneratedSection => {}
    }
    let children = nav.children(id);
    if page.is_section() && !children.is_empty() && !page.is_home() {
        out.push_str("## In this section\n\n");
        for &c in children {
            let child = &library.pages[c];
            out.push_str(&format!(
                "- [{}]({})",
                one_line(&child.meta.title),
                relative(&copy, &markdown_file(child))
            ));
            if let Some(d) = &child.meta.description {
                out.push_str(&format!(": {}", one_line(d)));
            }
            out.push('\n');
        }
        out.push('\n');
    }
    if let Some(date) = page.meta.checked() {
        out.push_str(&format!("Last checked: {date}\n"));
    }
    format!("{}\n", out.trim_end())
}

/// A tree as Markdown: each node a heading with its id, questions listing
/// their answers as links to the nodes they lead to.
fn tree_markdown(
    config: &Config,
    library: &Library,
    tree: &Tree,
    rel_path: &str,
    copy: &str,
    out: &mut String,
) {
    for i in tree.bfs_order() {
        let node = &tree.nodes[i];
        out.push_str(&format!(
            "## {} {{#{}}}\n\n",
            one_line(node.heading()),
            node.id
        ));
        match &node.kind {
            NodeKind::Question { help, answers, .. } => {
                if let Some(h) = help {
                    let text = rewrite_links(config, library, &h.text, rel_path, copy);
                    out.push_str(&format!("{}\n\n", text.trim()));
                }
                for a in answers {
                    let next = &tree.nodes[a.next].id;
                    out.push_str(&format!("- [{}](#{next})\n", one_line(&a.label)));
                }
                out.push('\n');
            }
            NodeKind::Remedy {
                who, body, guides, ..
            } => {
                if let Some(w) = who {
                    out.push_str(&format!("Who acts: {}\n\n", w.label()));
                }
                let text = rewrite_links(config, library, &body.text, rel_path, copy);
                out.push_str(&format!("{}\n\n", text.trim()));
                for g in guides {
                    let Some(&target) = library.by_rel_path.get(&g.file) else {
                        continue;
                    };
                    let file = markdown_file(&library.pages[target]);
                    let anchor = g.anchor.as_ref().map_or(String::new(), |a| format!("#{a}"));
                    out.push_str(&format!(
                        "- Guide: [{}]({}{anchor})\n",
                        one_line(&library.pages[target].meta.title),
                        relative(copy, &file)
                    ));
                }
                if !guides.is_empty() {
                    out.push('\n');
                }
            }
        }
    }
}

/// `to` (a path from the site root) as seen from the file `from`.
fn relative(from: &str, to: &str) -> String {
    format!("{}{to}", "../".repeat(from.matches('/').count()))
}

/// Where a link of the source points in the copies, from the site root:
/// a page's copy, or an asset; `None` leaves the link as written (URLs,
/// `#anchors` of the same page, anything that names no file).
fn copy_target(library: &Library, from_file: &str, dest: &str) -> Option<String> {
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let scheme = path
        .find(':')
        .is_some_and(|c| !path[..c].contains('/') && c > 0);
    if path.is_empty() || scheme || path.starts_with("//") {
        return None;
    }
    let target = if let Some(site_path) = path.strip_prefix('/') {
        let page = library.by_path.get(site_path)?;
        markdown_file(&library.pages[*page])
    } else {
        let rel = resolve_relative(from_file, path)?;
        match library.by_rel_path.get(&rel) {
            Some(&p) => markdown_file(&library.pages[p]),
            None if library.assets.iter().any(|a| a.rel_path == rel) => rel,
            None => return None,
        }
    };
    Some(match fragment {
        Some(f) => format!("{target}#{f}"),
        None => target,
    })
}

/// `text` (Markdown written in `from_file`) with the destinations of its
/// links, images and link definitions rewritten for the copy at `copy`.
fn rewrite_links(
    config: &Config,
    library: &Library,
    text: &str,
    from_file: &str,
    copy: &str,
) -> String {
    let options = crate::markdown::options(&config.markdown);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut edit = |range: std::ops::Range<usize>, dest: &str| {
        let Some(target) = copy_target(library, from_file, dest) else {
            return;
        };
        // The destination as written, at the end of the link's text
        // (`[text](dest "title")`); escaped forms are left alone.
        let Some(slice) = text.get(range.clone()) else {
            return;
        };
        if let Some(at) = slice.rfind(dest) {
            let start = range.start + at;
            edits.push((start, start + dest.len(), relative(copy, &target)));
        }
    };
    let mut parser = Parser::new_ext(text, options).into_offset_iter();
    for (event, range) in parser.by_ref() {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
            edit(range, &dest_url);
        }
    }
    for (_, def) in parser.reference_definitions().iter() {
        edit(def.span.clone(), &def.dest);
    }
    edits.sort();
    edits.dedup_by(|b, a| b.0 < a.1);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, with) in edits {
        out.push_str(&text[at..start]);
        out.push_str(&with);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// `llms.txt`: the site's title and description, then its sections in
/// reading order, each a list of its pages' Markdown copies with their
/// one-line descriptions, and the trees' data for programs.
fn llms_txt(
    config: &Config,
    library: &Library,
    nav: &Nav,
    triage: &BTreeMap<PageId, TriageFile>,
) -> String {
    let mut out = format!("# {}\n\n", one_line(&config.title));
    if !config.description.trim().is_empty() {
        out.push_str(&format!("> {}\n\n", one_line(&config.description)));
    }
    // An mdBook book with an empty SUMMARY.md has no page, not even a home.
    if !library.pages.is_empty() {
        let home = &library.pages[nav.root.page];
        out.push_str(&format!(
            "Every page is linked here as its Markdown copy (`index.md` beside the page's HTML). Start at the home page: [{}]({}).\n",
            one_line(&home.meta.title),
            url(config, &markdown_file(home))
        ));
    }
    let item = |out: &mut String, p: &Page| {
        out.push_str(&format!(
            "- [{}]({})",
            one_line(&p.meta.title),
            url(config, &markdown_file(p))
        ));
        if let Some(d) = &p.meta.description {
            out.push_str(&format!(": {}", one_line(d)));
        }
        out.push('\n');
    };
    fn walk(node: &NavNode, into: &mut Vec<PageId>) {
        into.push(node.page);
        for c in &node.children {
            walk(c, into);
        }
    }
    let loose: Vec<&NavNode> = nav
        .root
        .children
        .iter()
        .filter(|c| !library.pages[c.page].is_section())
        .collect();
    if !loose.is_empty() {
        out.push_str("\n## Guides\n\n");
        for c in loose {
            item(&mut out, &library.pages[c.page]);
        }
    }
    for section in nav
        .root
        .children
        .iter()
        .filter(|c| library.pages[c.page].is_section())
    {
        out.push_str(&format!(
            "\n## {}\n\n",
            one_line(&library.pages[section.page].meta.title)
        ));
        let mut pages = Vec::new();
        walk(section, &mut pages);
        for p in pages {
            item(&mut out, &library.pages[p]);
        }
    }
    if !triage.is_empty() {
        out.push_str("\n## Data for programs\n\n");
        for (&id, t) in triage {
            let json = t.file.replace(TRIAGE_FILE, TRIAGE_JSON);
            out.push_str(&format!(
                "- [{} (triage data)]({}): the decision tree's questions, answers, signals and remedies as JSON; `static/triage-engine.mjs` walks it with a pasted response, as the page does\n",
                one_line(&library.pages[id].meta.title),
                url(config, &json)
            ));
        }
    }
    out
}

/// `opensearch.xml`: lets a browser's address bar search the site. Its URL
/// template must be absolute, so it exists only when `site-url` has a host.
fn opensearch(config: &Config) -> Option<String> {
    if !config.search {
        return None;
    }
    let base = config.site_url.absolute.as_ref()?;
    // OpenSearch 1.1: ShortName is at most 16 characters.
    let short: String = config.title.chars().take(16).collect();
    Some(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n  <ShortName>{}</ShortName>\n  <Description>Search {}</Description>\n  <InputEncoding>UTF-8</InputEncoding>\n  <Image width=\"16\" height=\"16\" type=\"image/svg+xml\">{}</Image>\n  <Url type=\"text/html\" method=\"get\" template=\"{}\"/>\n</OpenSearchDescription>\n",
        escape_attr(short.trim()),
        escape_attr(&config.title),
        escape_attr(&format!("{base}static/favicon.svg")),
        escape_attr(&format!("{base}?q={{searchTerms}}")),
    ))
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn relative_paths_climb_from_the_copy() {
        assert_eq!(
            relative("index.md", "codes/429/index.md"),
            "codes/429/index.md"
        );
        assert_eq!(
            relative("providers/stripe/index.md", "codes/429/index.md"),
            "../../codes/429/index.md"
        );
    }
}
