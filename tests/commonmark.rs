//! The Markdown stage on the CommonMark spec: the 652 examples of the npm
//! package `commonmark-spec` 0.31.2 (pinned in `tests/browser/package.json`).
//!
//! Each example goes through remedy's Markdown stage (`markdown::render`,
//! with its heading ids and anchors, highlighting and link rewriting) and
//! through pulldown-cmark alone with the same options. remedy's additions are
//! normalised away, and both results are compared with the spec's HTML. The
//! two pass counts must be equal and the two sets of passing examples the
//! same: remedy's wrappers break nothing pulldown-cmark gets right.
//!
//! The extensions remedy switches on (tables, footnotes, strikethrough, task
//! lists, `{#id}` heading attributes, `> [!NOTE]` admonitions; in a book also
//! definition lists) change a few examples by design. Those are listed in
//! [`INTENTIONAL`], measured against pulldown-cmark with no extension, so a
//! new difference fails the test until it is understood and listed.

use std::path::Path;

use pulldown_cmark::{html, Options, Parser};
use remedy::diagnostics::Source;
use remedy::highlight::Highlighter;
use remedy::markdown::{self, Context, Flavor, Links};
use remedy::theme::Theme;

mod support;
use support::tools::{self, Tool};

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/browser/node_modules/commonmark-spec/spec.txt"
);

/// Examples the enabled extensions change on purpose, with the extension.
/// pulldown-cmark with remedy's options renders them differently from the
/// spec, exactly as remedy does.
const INTENTIONAL: &[(u32, &str)] = &[];

struct Example {
    number: u32,
    section: String,
    markdown: String,
    html: String,
}

/// The same extraction as the package's `index.js` (tabs are written `→`).
fn examples(spec: &str) -> Vec<Example> {
    let fence = "`".repeat(32);
    let mut out = Vec::new();
    let mut section = String::new();
    let mut lines = spec.lines();
    while let Some(line) = lines.next() {
        if line.starts_with("<!-- END TESTS -->") {
            break;
        }
        if line == format!("{fence} example") {
            let (mut md, mut html, mut in_html) = (String::new(), String::new(), false);
            for l in lines.by_ref() {
                if l == fence {
                    break;
                }
                if l == "." && !in_html {
                    in_html = true;
                    continue;
                }
                let target = if in_html { &mut html } else { &mut md };
                target.push_str(&l.replace('→', "\t"));
                target.push('\n');
            }
            out.push(Example {
                number: out.len() as u32 + 1,
                section: section.clone(),
                markdown: md,
                html,
            });
        } else if line.starts_with('#') {
            let t = line.trim_start_matches('#');
            if t.starts_with(' ') || t.is_empty() {
                section = t.trim().to_string();
            }
        }
    }
    out
}

/// Every destination is "not a page", so links are left as written.
struct NoPages;

impl Links for NoPages {
    fn page_by_file(&self, _: &str) -> Option<&str> {
        None
    }
    fn page_by_path(&self, _: &str) -> bool {
        false
    }
    fn asset(&self, _: &str) -> bool {
        false
    }
    fn page_files(&self) -> Vec<&str> {
        Vec::new()
    }
    fn is_draft(&self, _: &str) -> bool {
        false
    }
}

fn remedy_html(md: &str, flavor: &Flavor, highlighter: &Highlighter) -> String {
    let source = Source::new("example.md", md);
    markdown::render_flavored(
        &Context {
            source: &source,
            body_offset: 0,
            rel_path: "example.md",
            root: "",
            links: &NoPages,
            highlighter,
        },
        flavor,
    )
    .html
}

fn pulldown_html(md: &str, options: Options) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(md, options));
    out
}

/// Removes what remedy adds around pulldown-cmark's HTML (heading ids and
/// anchor links, the highlighter's `<pre>` and spans, the table wrapper,
/// the `<wbr>` line-break opportunities in long inline code, a book's
/// `.md` links pointed at the `.html` page as mdBook points them), and the
/// white space between block tags that HTML ignores.
fn normalize(html: &str) -> String {
    let mut s = html.replace(".md\"", ".html\"");
    // <h2 id="x"> -> <h2>; the anchor link inside it goes.
    for level in 1..=6 {
        let open = format!("<h{level} id=\"");
        while let Some(i) = s.find(&open) {
            let Some(end) = s[i..].find('>') else { break };
            s.replace_range(i..i + end + 1, &format!("<h{level}>"));
        }
    }
    while let Some(i) = s.find("<a class=\"heading-anchor\"") {
        let Some(end) = s[i..].find("</a>") else {
            break;
        };
        s.replace_range(i..i + end + 4, "");
    }
    while let Some(i) = s.find("<pre class=\"hl-code\"") {
        let Some(end) = s[i..].find("<code") else {
            break;
        };
        s.replace_range(i..i + end, "<pre>");
    }
    while let Some(i) = s.find("<div class=\"table-wrap\"") {
        let Some(end) = s[i..].find('>') else { break };
        s.replace_range(i..i + end + 1, "");
    }
    // Code blocks: syntect's spans, and "text" for a block with no language.
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(i) = rest.find("<pre><code") {
        out.push_str(&rest[..i]);
        let end = rest[i..]
            .find("</code></pre>")
            .map_or(rest.len(), |e| i + e);
        let block = &rest[i..end];
        let block = block.replace("<code class=\"language-text\">", "<code>");
        let mut clean = String::new();
        let mut b = block.as_str();
        while let Some(j) = b.find("<span") {
            clean.push_str(&b[..j]);
            b = b[j..].find('>').map_or("", |k| &b[j + k + 1..]);
        }
        clean.push_str(b);
        out.push_str(&clean.replace("</span>", ""));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out.replace("</div>\n", "")
        .replace("<wbr>", "")
        .replace("&quot;", "\"")
        .replace(">\n", ">")
        .replace("\n<", "<")
        .trim()
        .to_string()
}

struct Outcome {
    remedy: Vec<u32>,
    pulldown: Vec<u32>,
    plain: Vec<u32>,
}

fn run(flavor: &Flavor, examples: &[Example], highlighter: &Highlighter) -> Outcome {
    let mut o = Outcome {
        remedy: Vec::new(),
        pulldown: Vec::new(),
        plain: Vec::new(),
    };
    for ex in examples {
        let expected = normalize(&ex.html);
        if normalize(&remedy_html(&ex.markdown, flavor, highlighter)) == expected {
            o.remedy.push(ex.number);
        }
        if normalize(&pulldown_html(&ex.markdown, markdown::options(flavor))) == expected {
            o.pulldown.push(ex.number);
        }
        if normalize(&pulldown_html(&ex.markdown, Options::empty())) == expected {
            o.plain.push(ex.number);
        }
    }
    o
}

fn check(name: &str, flavor: Flavor) {
    let spec_tool = Tool {
        path: Path::new(SPEC).to_path_buf(),
        install: "npm ci --ignore-scripts --prefix tests/browser",
    };
    if !tools::available("commonmark", &[spec_tool]) {
        return;
    }
    let spec = std::fs::read_to_string(SPEC).expect("read spec.txt");
    let examples = examples(&spec);
    assert_eq!(
        examples.len(),
        652,
        "commonmark-spec 0.31.2 has 652 examples"
    );
    let highlighter = Highlighter::new(&Theme::builtin()).expect("built-in highlighter");
    let o = run(&flavor, &examples, &highlighter);
    tools::announce(&format!(
        "commonmark ({name}): remedy {}/652, pulldown-cmark with the same options {}/652, pulldown-cmark with no extension {}/652",
        o.remedy.len(),
        o.pulldown.len(),
        o.plain.len()
    ));
    let broken: Vec<String> = o
        .pulldown
        .iter()
        .filter(|n| !o.remedy.contains(n))
        .map(|n| {
            let ex = &examples[*n as usize - 1];
            format!(
                "example {n} ({}): {:?}\n  expected {:?}\n  remedy   {:?}",
                ex.section,
                ex.markdown,
                normalize(&ex.html),
                normalize(&remedy_html(&ex.markdown, &flavor, &highlighter))
            )
        })
        .collect();
    assert!(
        broken.is_empty(),
        "remedy's Markdown stage fails examples pulldown-cmark passes:\n{}",
        broken.join("\n")
    );
    assert_eq!(o.remedy, o.pulldown, "same examples pass");
    let changed: Vec<u32> = o
        .plain
        .iter()
        .copied()
        .filter(|n| !o.pulldown.contains(n))
        .collect();
    let listed: Vec<u32> = INTENTIONAL
        .iter()
        .filter(|(_, ext)| flavor.definition_lists || !ext.contains("definition"))
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(
        changed, listed,
        "examples that remedy's extensions change (update INTENTIONAL with the extension that changes each)"
    );
}

#[test]
fn commonmark_spec_native_markdown() {
    check("native", Flavor::default());
}

#[test]
fn commonmark_spec_mdbook_markdown() {
    // Smart punctuation is off by default in mdBook too; it rewrites quotes
    // in most examples by design.
    check(
        "mdBook",
        Flavor {
            mdbook: true,
            smart_punctuation: false,
            definition_lists: true,
            admonitions: true,
            hidelines: Default::default(),
            strict_links: false,
        },
    );
}
