//! A tree as a page: the Markdown of its nodes rendered with the guides'
//! pipeline, its guide links resolved, and the view templates receive.
//!
//! Markdown inside a TOML string is rendered from a copy of the string
//! preceded by as many newlines as there are lines before it in the file, so
//! every diagnostic the Markdown stage reports carries the line number of the
//! tree file, with no mapping layer in between.

use serde::Serialize;

use super::{Markdown, NodeKind, Tree};
use crate::diagnostics::{did_you_mean, Diagnostic, Source};
use crate::highlight::Highlighter;
use crate::markdown::{self, AnchorRef, Links, Rendered};

/// A link from a remedy to a guide.
#[derive(Debug, Clone, Serialize)]
pub struct GuideView {
    /// Guide title, and the heading's text when the link has an anchor.
    pub title: String,
    /// URL relative to the tree page.
    pub url: String,
    /// Site path of the guide (to fill in `title` once all pages are rendered).
    #[serde(skip)]
    pub page_path: String,
    /// The anchor, if any.
    #[serde(skip)]
    pub anchor: Option<String>,
}

/// One answer as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerView {
    /// What the reader clicks.
    pub label: String,
    /// Id of the node it leads to.
    pub target: String,
    /// That node's heading (for the outline of the tree).
    pub target_heading: String,
    /// Whether that node is a remedy.
    pub target_is_remedy: bool,
}

/// One node as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct NodeView {
    /// HTML id and URL fragment.
    pub id: String,
    /// `question` or `remedy`.
    pub kind: &'static str,
    /// Question text or remedy title.
    pub heading: String,
    /// Rendered help (questions).
    pub help: Option<String>,
    /// Answers (questions).
    pub answers: Vec<AnswerView>,
    /// Rendered body (remedies).
    pub body: Option<String>,
    /// Who acts, as words ("the developer").
    pub who: Option<&'static str>,
    /// Guides (remedies).
    pub guides: Vec<GuideView>,
    /// True for the start node.
    pub is_start: bool,
}

/// Everything the tree template needs.
#[derive(Debug, Clone, Serialize)]
pub struct TreeView {
    /// Id of the start node.
    pub start: String,
    /// Number of questions and remedies.
    pub questions: usize,
    /// Number of remedies.
    pub remedies: usize,
    /// Nodes in reading order (breadth-first from the start).
    pub nodes: Vec<NodeView>,
    /// The overview map (inline SVG).
    pub svg: String,
    /// The URL of the tree's triage data (`triage-data.js?v=...`),
    /// relative to the tree page, for the paste box; filled in once every
    /// page is rendered (its evidence reads them all).
    pub triage: Option<String>,
}

/// Renders a tree page. `rel_path` is the tree file relative to the content
/// folder; `root` the relative prefix from the page to the site root.
pub fn render(
    tree: &Tree,
    rel_path: &str,
    root: &str,
    links: &dyn Links,
    highlighter: &Highlighter,
) -> (Rendered, TreeView) {
    let mut out = Rendered::default();
    let mut nodes = Vec::new();
    let snippet = |md: &Markdown, out: &mut Rendered| -> (String, String) {
        let (source, offset) = snippet_source(&tree.source, md);
        let r = markdown::render(&markdown::Context {
            source: &source,
            body_offset: offset,
            rel_path,
            root,
            links,
            highlighter,
        });
        out.diagnostics.extend(r.diagnostics);
        out.anchor_refs.extend(r.anchor_refs);
        out.anchors.extend(r.anchors);
        let text: Vec<String> = r.sections.into_iter().map(|s| s.text).collect();
        (r.html, text.join(" "))
    };
    for i in tree.bfs_order() {
        let node = &tree.nodes[i];
        out.anchors.insert(node.id.clone());
        let mut view = NodeView {
            id: node.id.clone(),
            kind: if node.is_remedy() {
                "remedy"
            } else {
                "question"
            },
            heading: node.heading().to_string(),
            help: None,
            answers: Vec::new(),
            body: None,
            who: None,
            guides: Vec::new(),
            is_start: i == tree.start,
        };
        let mut text = String::new();
        match &node.kind {
            NodeKind::Question { help, answers, .. } => {
                if let Some(h) = help {
                    let (html, t) = snippet(h, &mut out);
                    view.help = Some(html);
                    text = t;
                }
                view.answers = answers
                    .iter()
                    .map(|a| AnswerView {
                        label: a.label.clone(),
                        target: tree.nodes[a.next].id.clone(),
                        target_heading: tree.nodes[a.next].heading().to_string(),
                        target_is_remedy: tree.nodes[a.next].is_remedy(),
                    })
                    .collect();
            }
            NodeKind::Remedy {
                who, body, guides, ..
            } => {
                let (html, t) = snippet(body, &mut out);
                view.body = Some(html);
                text = t;
                view.who = who.map(|w| w.label());
                for g in guides {
                    match links.page_by_file(&g.file) {
                        Some(page_path) => {
                            if let Some(anchor) = &g.anchor {
                                out.anchor_refs.push(AnchorRef {
                                    source: tree.source.clone(),
                                    page_path: page_path.to_string(),
                                    anchor: anchor.clone(),
                                    span: g.span.clone(),
                                });
                            }
                            view.guides.push(GuideView {
                                title: String::new(),
                                url: match &g.anchor {
                                    Some(a) => format!("{root}{page_path}#{a}"),
                                    None => format!("{root}{page_path}"),
                                },
                                page_path: page_path.to_string(),
                                anchor: g.anchor.clone(),
                            });
                        }
                        None => {
                            let files = links.page_files();
                            let help = match did_you_mean(&g.file, files.iter().copied()) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => "guide paths are relative to the content folder, e.g. `providers/stripe.md#card-declined`".into(),
                            };
                            out.diagnostics.push(
                                Diagnostic::error(format!(
                                    "guide `{}` does not exist (no content/{})",
                                    g.file, g.file
                                ))
                                .at(&tree.source, g.span.clone())
                                .with_label("unknown guide")
                                .with_help(help),
                            );
                        }
                    }
                }
            }
        }
        // Each node is a section of the page for search, under its heading.
        out.sections.push(markdown::TextSection {
            id: Some(node.id.clone()),
            heading: Some(view.heading.clone()),
            level: 2,
            text: std::iter::once(text.as_str())
                .chain(view.answers.iter().map(|a| a.label.as_str()))
                .collect::<Vec<_>>()
                .join(" "),
            code: String::new(),
        });
        nodes.push(view);
    }
    let view = TreeView {
        start: tree.nodes[tree.start].id.clone(),
        questions: tree.nodes.iter().filter(|n| !n.is_remedy()).count(),
        remedies: tree.nodes.iter().filter(|n| n.is_remedy()).count(),
        nodes,
        svg: super::map::svg(tree),
        triage: None,
    };
    (out, view)
}

/// A source holding only the string's value, at the same line as in the file.
fn snippet_source(file: &Source, md: &Markdown) -> (Source, usize) {
    let text: &str = &file.text;
    let start = md.span.start.min(text.len());
    let lit = &text[start..];
    let mut content = if lit.starts_with("\"\"\"") || lit.starts_with("'''") {
        let mut c = start + 3;
        // TOML drops a newline right after the opening delimiter.
        if text[c..].starts_with("\r\n") {
            c += 2;
        } else if text[c..].starts_with('\n') {
            c += 1;
        }
        c
    } else {
        start + 1
    };
    content = content.min(text.len());
    let newlines = text[..content].matches('\n').count();
    let mut synthetic = "\n".repeat(newlines);
    synthetic.push_str(&md.text);
    (Source::new(file.path.clone(), synthetic), newlines)
}
