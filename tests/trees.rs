//! Decision trees end to end: the bundled 402 tree as a page and a map,
//! back-links on the guides it points to, `remedy diagnose` along real
//! paths, and a broken tree failing the build at the right line.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use remedy::config::Overrides;
use remedy::diagnostics::Source;
use remedy::{build, BuildOptions};

mod common;
use common::{remedy_in, repo, Fixture};

fn site() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        build(&BuildOptions {
            root: repo(),
            overrides: Overrides {
                output: Some(dir.path().join("site")),
                ..Overrides::default()
            },
            write: true,
        })
        .unwrap_or_else(|f| {
            panic!(
                "{:?}",
                f.diagnostics()
                    .iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
            )
        });
        dir
    })
    .path()
}

fn bundled_tree() -> remedy::tree::Tree {
    let path = repo().join("content/troubleshoot/402.toml");
    let source = Source::new("402.toml", fs::read_to_string(path).unwrap());
    remedy::tree::parse(&source).unwrap()
}

fn tree_html() -> String {
    fs::read_to_string(site().join("site/troubleshoot/402/index.html")).unwrap()
}

#[test]
fn bundled_tree_is_big_enough() {
    let t = bundled_tree();
    assert!(t.nodes.len() >= 25, "{} nodes", t.nodes.len());
    assert!(t.nodes.iter().filter(|n| n.is_remedy()).count() >= 10);
}

#[test]
fn every_node_is_a_section_and_every_answer_a_link() {
    let t = bundled_tree();
    let html = tree_html();
    for node in &t.nodes {
        let open = format!("<section id=\"{}\" class=\"tree-node tree-", node.id);
        let at = html
            .find(&open)
            .unwrap_or_else(|| panic!("no section for {}", node.id));
        let end = at + html[at..].find("</section>").unwrap();
        let section = &html[at..end];
        assert!(
            section.contains(&format!(
                ">{}</h2>",
                node.heading().replace('\'', "&#39;").replace('"', "&quot;")
            )) || section.contains("<h2")
        );
        for a in node.answers() {
            let target = &t.nodes[a.next].id;
            assert!(
                section.contains(&format!("href=\"#{target}\"")),
                "{}: no link to {target}",
                node.id
            );
        }
        if node.is_remedy() {
            assert!(
                section.contains("class=\"tree-guides\""),
                "{} has no guides list",
                node.id
            );
        }
    }
    assert_eq!(
        html.matches("<section id=").count() - html.matches("<section id=\"rm-").count(),
        t.nodes.len()
    );
    // Without JavaScript the start node is what CSS shows first.
    assert!(html.contains(&format!(
        "<section id=\"{}\" class=\"tree-node tree-question tree-start\"",
        t.nodes[t.start].id
    )));
}

#[test]
fn map_has_a_shape_per_node_and_an_edge_per_answer() {
    let t = bundled_tree();
    let html = tree_html();
    let start = html.find("<svg class=\"tree-map\"").unwrap();
    let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
    let answers: usize = t.nodes.iter().map(|n| n.answers().len()).sum();
    assert_eq!(svg.matches("<rect ").count(), t.nodes.len());
    assert_eq!(svg.matches("class=\"map-edge\"").count(), answers);
    for n in &t.nodes {
        assert!(
            svg.contains(&format!("<a href=\"#{}\" class=\"map-node", n.id)),
            "map has no link to {}",
            n.id
        );
    }
}

#[test]
fn guides_link_back_to_the_remedies() {
    let stripe = fs::read_to_string(site().join("site/providers/stripe/index.html")).unwrap();
    assert!(stripe.contains("Reached from the troubleshooter"));
    assert!(
        stripe.contains("href=\"../../troubleshoot/402/#stripe-card-declined\""),
        "no back-link to the remedy"
    );
    let html = tree_html();
    assert!(html.contains("href=\"../../providers/stripe/#card-declined\">Stripe: 402 Payment Required and card_declined › Card declined</a>"));
}

fn diagnose(answers: &str) -> (bool, String, String) {
    let repo = repo();
    let out = remedy_in(&repo, &["diagnose", "402", "--answers", answers]);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn diagnose_reaches_the_expected_remedies() {
    let paths = [
        ("2,1,1,1", "stripe-card-declined"),
        ("2,2,1", "openai-insufficient-quota"),
        ("1,1,1", "vercel-visitor"),
        ("2,1,10,3,1", "x402-pay"),
        ("3,4,1", "cf-pay-per-crawl"),
        ("4,2,5", "cached-402"),
        ("2,3,1", "anthropic-credit-low"),
        ("3,1,1", "l402-pay"),
        ("2,b,1,1,1", "vercel-visitor"),
    ];
    let t = bundled_tree();
    for (answers, remedy) in paths {
        let (ok, out, err) = diagnose(answers);
        assert!(ok, "{answers}: {err}");
        let node = &t.nodes[t.find(remedy).unwrap_or_else(|| panic!("no node {remedy}"))];
        assert!(
            out.contains(&format!("=> {}", node.heading())),
            "{answers} did not reach {remedy}:\n{out}"
        );
        assert!(
            out.contains(&format!(
                "This step on the site: https://remedy.example.org/troubleshoot/402/#{remedy}"
            )),
            "{out}"
        );
        assert!(out.contains("Guides:\n  - "), "{out}");
    }
}

#[test]
fn diagnose_rejects_bad_answers() {
    let (ok, _, err) = diagnose("2,9");
    assert!(!ok);
    assert!(err.contains("`9` is not an answer of question"), "{err}");
    let (ok, _, err) = diagnose("2");
    assert!(!ok);
    assert!(err.contains("before a remedy"), "{err}");
}

#[test]
fn diagnose_interactive_prompt() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["diagnose", "-C"])
        .arg(repo())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"x\n2\nb\n1\n1\n1\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("answer [1-5, b = back, q = quit]:"), "{text}");
    assert!(
        text.contains("Type a number from 1 to 5, b or q."),
        "{text}"
    );
    assert!(
        text.contains(
            "This step on the site: https://remedy.example.org/troubleshoot/402/#vercel-visitor"
        ),
        "{text}"
    );
}

const TREE: &str = "[tree]\ntitle = \"Why?\"\nstart = \"q\"\n\n[[question]]\nid = \"q\"\ntext = \"Which?\"\nanswers = [\n  { label = \"A\", next = \"a\" },\n  { label = \"B\", next = \"b\" },\n]\n\n[[remedy]]\nid = \"a\"\ntitle = \"Do A\"\nbody = \"\"\"\nRead [home](../_index.md#start).\n\"\"\"\nguides = [\"a.md\"]\n\n[[remedy]]\nid = \"b\"\ntitle = \"Do B\"\nbody = \"Fix it.\"\nguides = [\"_index.md#start\"]\n";

#[test]
fn a_tree_in_a_fixture_site_builds() {
    let f = Fixture::new();
    f.write("content/t/why.toml", TREE);
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = fs::read_to_string(f.root().join("public/t/why/index.html")).unwrap();
    assert!(
        html.contains("href=\"../../#start\""),
        "Markdown links in nodes are rewritten"
    );
    assert!(fs::read_to_string(f.root().join("public/a/index.html"))
        .unwrap()
        .contains("href=\"../t/why/#a\""));
}

#[test]
fn broken_guide_anchor_in_a_tree_fails_at_its_line() {
    let f = Fixture::new();
    f.write(
        "content/t/why.toml",
        &TREE.replace("_index.md#start\"]", "_index.md#strat\"]"),
    );
    let e = f.fails_with("`#strat` is not a heading of content/_index.md");
    assert!(e.contains("content/t/why.toml:25:11"), "{e}");
}

#[test]
fn broken_link_in_node_markdown_fails_at_its_line() {
    let f = Fixture::new();
    f.write(
        "content/t/why.toml",
        &TREE.replace("../_index.md#start", "../nope.md"),
    );
    let e = f.fails_with("link to a page that does not exist: `../nope.md`");
    assert!(e.contains("content/t/why.toml:17:6"), "{e}");
}

#[test]
fn structural_errors_are_reported_together() {
    let f = Fixture::new();
    let bad = TREE
        .replace("next = \"b\" }", "next = \"c\" }")
        .replace("guides = [\"a.md\"]", "guides = []");
    f.write("content/t/why.toml", &bad);
    // Reachability is checked only once every target resolves, so that one
    // typo does not also report the node it was meant to reach.
    let e = f.fails_with("build failed with 2 errors");
    assert!(
        e.contains("content/t/why.toml:10:25"),
        "unknown target `c`:\n{e}"
    );
    assert!(
        e.contains("did you mean `b`?") || e.contains("did you mean `a`?"),
        "{e}"
    );
    assert!(e.contains("remedy `a` links to no guide"), "{e}");
}

/// The example in the README is a valid tree, and its guides exist in the bundled site.
#[test]
fn readme_example_is_a_valid_tree() {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let section = &readme[readme.find("## Decision trees").unwrap()..];
    let start = section.find("```toml\n").unwrap() + 8;
    let end = start + section[start..].find("```").unwrap();
    let tree = remedy::tree::parse(&Source::new("README.md", &section[start..end]))
        .unwrap_or_else(|e| panic!("{:?}", e.iter().map(|d| d.to_string()).collect::<Vec<_>>()));
    for node in &tree.nodes {
        if let remedy::tree::NodeKind::Remedy { guides, .. } = &node.kind {
            for g in guides {
                assert!(repo().join("content").join(&g.file).is_file(), "{}", g.file);
            }
        }
    }
}
