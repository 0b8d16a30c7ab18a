//! The outputs for programs (#23), checked on the built bundled site:
//! `llms.txt` in the llmstxt.org shape with every link landing on a file,
//! a Markdown copy beside every page (linked from it, its own links
//! landing on files), each tree's `triage.json` equal to the data the page
//! loads, the guides' JSON-LD, `opensearch.xml`, and
//! the README's node example run on the built site.
//!
//! The node example needs `node`; without it that test prints one line and
//! passes, unless `REMEDY_REQUIRE_ALL=1`.

mod common;
mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use common::repo;
use support::site::{build_bundled, BuiltSite, SITE_URL};
use support::tools::{self, Tool};

fn site() -> &'static BuiltSite {
    static SITE: OnceLock<BuiltSite> = OnceLock::new();
    SITE.get_or_init(build_bundled)
}

fn read(rel: &str) -> String {
    fs::read_to_string(site().dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `from` (a file's path from the site root) joined with the relative
/// `href`, `..` resolved; `None` if it climbs out of the site.
fn resolve(from: &str, href: &str) -> Option<String> {
    let href = href.split(['#', '?']).next().unwrap_or_default();
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if href.ends_with('/') || href.is_empty() {
        path.push_str(if path.is_empty() {
            "index.html"
        } else {
            "/index.html"
        });
    }
    Some(path)
}

/// Every Markdown link destination `[..](dest)` of `text`, outside code.
fn markdown_links(text: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    Parser::new_ext(text, Options::all())
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

fn html_pages() -> Vec<String> {
    site()
        .html_files()
        .iter()
        .map(|p| {
            p.strip_prefix(&site().dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// The `href` of `<link rel="alternate" type="text/markdown">`, if any.
fn markdown_alternate(html: &str) -> Option<String> {
    let at = html.find(r#"<link rel="alternate" type="text/markdown" href=""#)?;
    let rest = &html[at..];
    let start = rest.find("href=\"")? + 6;
    let end = start + rest[start..].find('"')?;
    Some(rest[start..end].to_string())
}

#[test]
fn llms_txt_follows_the_llmstxt_format_and_every_link_lands() {
    let text = read("llms.txt");
    let lines: Vec<&str> = text.lines().collect();
    // llmstxt.org: an H1 with the site's name, a blockquote summary, then
    // H2 sections of `- [name](url): notes` lists.
    assert!(
        lines[0].starts_with("# ") && lines[0].len() > 2,
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "");
    assert!(lines[2].starts_with("> "), "no summary: {}", lines[2]);
    let sections: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("## "))
        .copied()
        .collect();
    assert!(sections.len() >= 3, "{sections:?}");
    assert!(sections.contains(&"## Data for programs"), "{sections:?}");
    assert!(
        !lines.iter().any(|l| l.starts_with("# ") && *l != lines[0]),
        "one H1 only"
    );
    let mut listed = BTreeSet::new();
    let mut in_section = false;
    for line in &lines {
        in_section |= line.starts_with("## ");
        if !in_section || line.is_empty() || line.starts_with("## ") {
            continue;
        }
        let item = line
            .strip_prefix("- [")
            .unwrap_or_else(|| panic!("not a list item: {line}"));
        let (_, rest) = item.split_once("](").expect("a link");
        let (url, notes) = rest.split_once(')').expect("a closed link");
        assert!(
            notes.is_empty() || notes.starts_with(": "),
            "notes follow `: `: {line}"
        );
        let path = url
            .strip_prefix(SITE_URL)
            .unwrap_or_else(|| panic!("not a URL of the site: {url}"));
        assert!(site().dir.join(path).is_file(), "{url} is not in the site");
        listed.insert(path.to_string());
    }
    // Every page's copy is listed (the home page's in the intro paragraph).
    for page in html_pages() {
        if page == "404.html" {
            continue;
        }
        let copy = page.replace(".html", ".md");
        assert!(
            listed.contains(&copy) || page == "index.html",
            "{copy} is not listed in llms.txt"
        );
    }
    assert!(listed.contains("troubleshoot/402/triage.json"));
}

#[test]
fn every_page_links_its_markdown_copy_and_the_copy_links_land() {
    let mut copies = 0;
    for page in html_pages() {
        let html = read(&page);
        let alternate = markdown_alternate(&html);
        if page == "404.html" {
            assert_eq!(alternate, None, "the 404 page has no Markdown copy to link");
            continue;
        }
        let href = alternate.unwrap_or_else(|| panic!("{page} does not link its Markdown copy"));
        let copy = resolve(&page, &href).expect("inside the site");
        assert_eq!(copy, page.replace(".html", ".md"), "{page}");
        let text = read(&copy);
        assert!(
            text.starts_with("# "),
            "{copy} does not start with its title"
        );
        assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{copy}");
        for dest in markdown_links(&text) {
            if dest.starts_with("http://") || dest.starts_with("https://") || dest.starts_with('#')
            {
                continue;
            }
            let target = resolve(&copy, &dest)
                .unwrap_or_else(|| panic!("{copy}: `{dest}` climbs out of the site"));
            assert!(
                site().dir.join(&target).is_file(),
                "{copy}: `{dest}` lands on no file ({target})"
            );
            assert!(
                !target.ends_with(".html"),
                "{copy}: `{dest}` points at HTML, not at the copy"
            );
        }
        copies += 1;
    }
    assert!(copies >= 60, "only {copies} copies");
    // A dated page says so in its copy too, and its front matter is gone.
    let stripe = read("providers/stripe/index.md");
    assert!(stripe.contains("\nLast checked: 20"), "{stripe}");
    assert!(!stripe.contains("+++"), "{stripe}");
}

#[test]
fn triage_json_is_the_data_the_tree_page_loads() {
    let script = read("troubleshoot/402/triage-data.js");
    let inner = script
        .trim_end()
        .strip_prefix("__remedyTriage(")
        .and_then(|s| s.strip_suffix(");"))
        .expect("__remedyTriage(DATA);");
    let from_script: serde_json::Value = serde_json::from_str(inner).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&read("troubleshoot/402/triage.json")).unwrap();
    assert_eq!(json, from_script);
    for key in [
        "version",
        "path",
        "start",
        "headings",
        "questions",
        "evidence",
    ] {
        assert!(json.get(key).is_some(), "triage.json lacks `{key}`");
    }
    // FORMAT.md documents it under this name.
    let format = fs::read_to_string(repo().join("src/tree/FORMAT.md")).unwrap();
    assert!(format.contains("triage.json"));
}

/// The schema.org properties each type used may carry (from schema.org's
/// type pages: TechArticle < Article < CreativeWork < Thing; ListItem;
/// BreadcrumbList < ItemList; WebSite < CreativeWork), and the ones
/// search engines require for the rich result (Google's Article and
/// Breadcrumb guidelines: a headline; every crumb a position, name, item).
fn schema(ty: &str) -> (&'static [&'static str], &'static [&'static str]) {
    const THING: &[&str] = &["@type", "name", "description", "url", "mainEntityOfPage"];
    match ty {
        "TechArticle" => (
            &[
                "@type",
                "name",
                "description",
                "url",
                "mainEntityOfPage",
                "headline",
                "inLanguage",
                "dateModified",
                "keywords",
                "isPartOf",
            ],
            &["headline", "url"],
        ),
        "WebSite" => (THING, &["name", "url"]),
        "BreadcrumbList" => (&["@type", "itemListElement"], &["itemListElement"]),
        "ListItem" => (
            &["@type", "position", "name", "item"],
            &["position", "name", "item"],
        ),
        other => panic!("`{other}` is not a type the theme should emit"),
    }
}

fn check_schema(value: &serde_json::Value, at: &str) {
    let obj = value
        .as_object()
        .unwrap_or_else(|| panic!("{at}: not an object"));
    let ty = obj["@type"].as_str().unwrap();
    let (allowed, required) = schema(ty);
    for key in obj.keys() {
        assert!(allowed.contains(&key.as_str()), "{at}: {ty} has no `{key}`");
    }
    for key in required {
        assert!(obj.contains_key(*key), "{at}: {ty} needs `{key}`");
    }
    for v in obj.values() {
        match v {
            serde_json::Value::Object(_) => check_schema(v, at),
            serde_json::Value::Array(items) => items.iter().for_each(|i| check_schema(i, at)),
            _ => {}
        }
    }
}

#[test]
fn guides_carry_json_ld_with_the_checked_date_and_breadcrumbs() {
    let mut guides = 0;
    for page in html_pages() {
        let html = read(&page);
        let Some(start) = html.find(r#"<script type="application/ld+json">"#) else {
            continue;
        };
        let body = &html[start + 35..];
        let text = &body[..body.find("</script>").unwrap()];
        assert!(!text.contains('<'), "{page}: `<` in JSON-LD");
        let ld: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(ld["@context"], "https://schema.org", "{page}");
        let graph = ld["@graph"].as_array().unwrap();
        for item in graph {
            check_schema(item, &page);
        }
        let article = &graph[0];
        assert_eq!(article["@type"], "TechArticle", "{page}");
        let url = format!("{SITE_URL}{}", page.trim_end_matches("index.html"));
        assert_eq!(article["url"], url.as_str(), "{page}");
        let crumbs = graph[1]["itemListElement"].as_array().unwrap();
        for (i, c) in crumbs.iter().enumerate() {
            assert_eq!(c["position"], i + 1, "{page}: positions count from 1");
            assert!(c["item"].as_str().unwrap().starts_with(SITE_URL), "{page}");
        }
        assert_eq!(crumbs.last().unwrap()["item"], url.as_str(), "{page}");
        guides += 1;
    }
    assert!(guides >= 50, "only {guides} guides carry JSON-LD");
    let stripe = read("providers/stripe/index.html");
    let checked = read("providers/stripe/index.md");
    let day = checked
        .lines()
        .find_map(|l| l.strip_prefix("Last checked: "))
        .unwrap();
    assert!(stripe.contains(&format!(r#""dateModified":"{day}""#)));
}

#[test]
fn opensearch_points_the_address_bar_at_q_on_the_home_page() {
    let xml = read("opensearch.xml");
    assert!(xml.contains(r#"xmlns="http://a9.com/-/spec/opensearch/1.1/""#));
    assert!(xml.contains(&format!(
        r#"<Url type="text/html" method="get" template="{SITE_URL}?q={{searchTerms}}"/>"#
    )));
    let home = read("index.html");
    assert!(home.contains(
        r#"<link rel="search" type="application/opensearchdescription+xml" href="opensearch.xml""#
    ));
    // The search index owns `search/`: no page of the theme's there.
    assert!(!site().dir.join("search/index.html").exists());
}

/// The fenced `js` block after the README's marker comment.
fn readme_node_example() -> String {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let marker = "<!-- tests/machines.rs runs this example -->";
    let after = &readme[readme.find(marker).expect("the README's marker") + marker.len()..];
    let start = after.find("```js\n").expect("a ```js block") + 6;
    let end = start + after[start..].find("```").unwrap();
    after[start..end].to_string()
}

#[test]
fn the_readme_node_example_turns_a_response_into_a_remedy_url() {
    let example = readme_node_example();
    let lines = example.lines().count();
    assert!(lines <= 10, "the example is {lines} lines, not ten");
    if !tools::available("the README node example", &[Tool::node()]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script: PathBuf = dir.path().join("remedy-url.mjs");
    fs::write(&script, &example).unwrap();
    let run = |paste: &Path| {
        let out = Command::new(Tool::node().path)
            .arg(&script)
            .arg(&site().dir)
            .stdin(Stdio::from(fs::File::open(paste).unwrap()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "node failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let out = run(&repo().join("tests/triage/stripe-card-declined.txt"));
    assert!(
        out.ends_with("/troubleshoot/402/#stripe-card-declined\n"),
        "{out}"
    );
    assert!(
        out.starts_with("Stripe: the card issuer declined the charge\n"),
        "{out}"
    );
    let out = run(&repo().join("tests/triage/deepseek-sdk-python.txt"));
    assert!(
        out.contains("/troubleshoot/402/#deepseek-balance\n"),
        "{out}"
    );
}
