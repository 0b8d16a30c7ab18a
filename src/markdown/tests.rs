use super::*;
use crate::theme::Theme;

struct FakeLinks;

impl Links for FakeLinks {
    fn page_by_file(&self, rel_path: &str) -> Option<&str> {
        match rel_path {
            "codes/429.md" => Some("codes/429/"),
            "providers/stripe.md" => Some("providers/stripe/"),
            "402/_index.md" => Some("402/"),
            _ => None,
        }
    }
    fn page_by_path(&self, path: &str) -> bool {
        path == "codes/429/"
    }
    fn asset(&self, rel_path: &str) -> bool {
        rel_path == "providers/diagram.png"
    }
    fn page_files(&self) -> Vec<&str> {
        vec!["codes/429.md", "providers/stripe.md", "402/_index.md"]
    }
    fn is_draft(&self, rel_path: &str) -> bool {
        rel_path == "providers/next.md"
    }
}

fn highlighter() -> &'static Highlighter {
    static H: std::sync::OnceLock<Highlighter> = std::sync::OnceLock::new();
    H.get_or_init(|| Highlighter::new(&Theme::builtin()).unwrap())
}

fn render_md(md: &str) -> Rendered {
    let source = Source::new("content/providers/stripe.md", md);
    let h = highlighter();
    render(&Context {
        source: &source,
        body_offset: 0,
        rel_path: "providers/stripe.md",
        root: "../../",
        links: &FakeLinks,
        highlighter: h,
    })
}

#[test]
fn headings_get_unique_ids_and_anchor_links() {
    let r = render_md("## Card declined\n\n## Card declined\n\n### Why? {#why}\n");
    assert!(r.html.contains("<h2 id=\"card-declined\">Card declined<a class=\"heading-anchor\" href=\"#card-declined\""), "{}", r.html);
    assert!(r.html.contains("id=\"card-declined-1\""));
    assert!(r.html.contains("<h3 id=\"why\">"));
    assert_eq!(r.toc.len(), 2);
    assert_eq!(r.toc[1].children[0].id, "why");
    assert!(r.anchors.contains("card-declined-1"));
}

#[test]
fn duplicate_explicit_id_is_an_error() {
    let r = render_md("## A {#x}\n\n## B {#x}\n");
    assert_eq!(r.diagnostics.len(), 1);
    assert!(r.diagnostics[0]
        .to_string()
        .contains(":3:1: error: the heading id `x` is used twice"));
}

#[test]
fn links_to_md_files_are_rewritten_and_anchors_recorded() {
    let r = render_md("See [429](../codes/429.md#retry-after) and [402](../402/_index.md) and [x](https://example.org/a.md).\n");
    assert!(
        r.html.contains("href=\"../../codes/429/#retry-after\""),
        "{}",
        r.html
    );
    assert!(r.html.contains("href=\"../../402/\""));
    assert!(r.html.contains("href=\"https://example.org/a.md\""));
    assert_eq!(r.anchor_refs.len(), 1);
    assert_eq!(r.anchor_refs[0].page_path, "codes/429/");
    assert_eq!(r.anchor_refs[0].anchor, "retry-after");
    assert!(r.diagnostics.is_empty());
}

#[test]
fn broken_link_names_line_and_suggests() {
    let r = render_md("# T\n\ntext\nsee [x](../codes/492.md) now\n");
    assert_eq!(r.diagnostics.len(), 1);
    let d = r.diagnostics[0].to_string();
    assert!(
        d.starts_with("content/providers/stripe.md:4:5: error: link to a page that does not exist"),
        "{d}"
    );
    assert!(d.contains("did you mean `../codes/429.md`?"), "{d}");
}

#[test]
fn link_to_a_draft_says_so() {
    let r = render_md("[soon](next.md)\n");
    assert_eq!(r.diagnostics.len(), 1);
    assert!(r.diagnostics[0]
        .to_string()
        .contains("link to a draft: `next.md` is not built without --drafts"));
}

#[test]
fn site_root_links_and_assets() {
    let r = render_md("[a](/codes/429) ![d](diagram.png) [b](/nope/)\n");
    assert!(r.html.contains("href=\"../../codes/429/\""), "{}", r.html);
    assert!(
        r.html.contains("src=\"../../providers/diagram.png\""),
        "{}",
        r.html
    );
    assert_eq!(r.diagnostics.len(), 1);
    assert!(r.diagnostics[0].message.contains("/nope/"));
}

#[test]
fn admonitions_footnotes_tables_tasks() {
    let md = "> [!WARNING]\n> Do not retry.\n\nText[^a].\n\n[^a]: The note.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~\n";
    let r = render_md(md);
    assert!(r.html.contains("<div class=\"admonition admonition-warning\"><p class=\"admonition-title\">Warning</p>"), "{}", r.html);
    assert!(r.html.contains("href=\"#fn-a\""));
    assert!(r.html.contains("id=\"fn-a\""));
    assert!(r.anchors.contains("fn-a"));
    assert!(r.html.contains("<table>"));
    assert!(r.html.contains("<div class=\"table-wrap\" role=\"region\" aria-label=\"Table: a, b\" tabindex=\"0\"><table>"), "{}", r.html);
    assert!(r.html.contains("type=\"checkbox\""));
    assert!(r.html.contains("<del>old</del>"));
}

#[test]
fn code_is_highlighted_and_unknown_language_warns() {
    let r = render_md("```http\nHTTP/1.1 402 Payment Required\nContent-Type: application/json\n\n{\"a\": 1}\n```\n\n```klingon\nx\n```\n");
    assert!(
        r.html
            .contains("<pre class=\"hl-code\" data-lang=\"http\">"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("hl-constant hl-numeric hl-status hl-http"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("hl-entity hl-name hl-tag hl-header"),
        "{}",
        r.html
    );
    assert_eq!(r.diagnostics.len(), 1);
    let d = r.diagnostics[0].to_string();
    assert!(
        d.starts_with(
            "content/providers/stripe.md:8:1: warning: unknown code block language `klingon`"
        ),
        "{d}"
    );
}

#[test]
fn raw_html_passes_and_its_ids_count() {
    let r = render_md("<div id=\"custom\">x</div>\n\n[a](#custom)\n");
    assert!(r.html.contains("<div id=\"custom\">"));
    assert!(r.anchors.contains("custom"));
}

#[test]
fn sections_hold_text_for_search() {
    let r = render_md("Intro words.\n\n## Card declined\n\nThe `card_declined` code.\n\n```json\n{\"code\": \"card_declined\"}\n```\n");
    assert_eq!(r.sections.len(), 2);
    assert_eq!(r.sections[0].text, "Intro words.");
    assert_eq!(r.sections[1].id.as_deref(), Some("card-declined"));
    assert!(r.sections[1].text.contains("The card_declined code."));
    assert!(r.sections[1].text.contains("{\"code\": \"card_declined\"}"));
}

#[test]
fn email_autolinks_are_not_files() {
    let r = render_md("Write to <help@example.org>.\n");
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert!(
        r.html.contains("href=\"mailto:help@example.org\""),
        "{}",
        r.html
    );
}

#[test]
fn a_book_may_link_beyond_itself() {
    let source = Source::new("src/guide/a.md", "See [std](../../std/index.html).\n");
    let flavor = Flavor {
        mdbook: true,
        ..Flavor::default()
    };
    let r = render_flavored(
        &Context {
            source: &source,
            body_offset: 0,
            rel_path: "guide/a.md",
            root: "../",
            links: &FakeLinks,
            highlighter: highlighter(),
        },
        &flavor,
    );
    assert!(
        r.html.contains("href=\"../../std/index.html\""),
        "{}",
        r.html
    );
    // Not a warning each: the build counts them in one line.
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(r.unchecked, ["src/guide/a.md:1:5: ../../std/index.html"]);
    // A native site keeps treating it as an error.
    let n = render_md("See [std](../../../std/index.html).\n");
    assert!(n.diagnostics[0].is_error());
}

/// Issue 25: a long identifier in inline code wraps between its parts on a
/// phone (`<wbr>` before `.`, `/`, `_` and after a joining `-`), never
/// mid-word; short code stays whole; the text for search is unchanged.
#[test]
fn long_inline_code_may_wrap_between_its_parts() {
    let r = render_md(
        "Read `organization_spend_limit_exceeded` at `api.example.com/v1/charges-list`; \
         `card_declined` and `__dunder_name_of_a_thing__` and `<a_b_c_d_e_f_g_h_i_j_k_l_m>`.\n",
    );
    assert!(
        r.html
            .contains("<code>organization<wbr>_spend<wbr>_limit<wbr>_exceeded</code>"),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains("<code>api<wbr>.example<wbr>.com<wbr>/v1<wbr>/charges-<wbr>list</code>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<code>card_declined</code>"), "{}", r.html);
    // A run of joints is one break; none before the first character.
    assert!(
        r.html
            .contains("<code>__dunder<wbr>_name<wbr>_of<wbr>_a<wbr>_thing__</code>"),
        "{}",
        r.html
    );
    // Markup in code stays text.
    assert!(r.html.contains("<code>&lt;a<wbr>_b"), "{}", r.html);
    let text: String = r.sections.iter().map(|s| s.text.as_str()).collect();
    assert!(
        text.contains("organization_spend_limit_exceeded") && !text.contains("wbr"),
        "{text}"
    );
}
