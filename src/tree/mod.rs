//! Decision trees: a TOML troubleshooting graph a reader walks to a remedy.
//!
//! A tree file (`content/troubleshoot/402.toml`) holds a `[tree]` table,
//! `[[question]]` nodes whose answers point at other nodes, and `[[remedy]]`
//! leaves that say what to do and which guides explain it. This module parses
//! and validates the graph; [`map`] draws it as SVG and [`walk`] walks it in
//! a terminal. Rendering the Markdown in nodes and checking guide links need
//! the whole site and happen in `site`.
//!
//! Validation reports every structural problem of a file at once, each at
//! the line of the offending id or target: duplicate ids, unknown targets, a
//! missing start, cycles (named in order), unreachable nodes, questions with
//! fewer than two answers and remedies without a guide.
//!
//! An answer may carry a [`signals`] condition, `when`, saying what a
//! response shows when that answer is right; [`triage`] then walks the tree
//! from a pasted response ([`paste`]) as far as the signals decide:
//!
//! ```toml
//! [[question]]
//! id = "challenge"
//! text = "Which of these does the 402 carry?"
//! overlap = "first-wins"   # optional: the order is the priority, no overlap warning
//! answers = [
//!   { label = "L402", next = "l402", when = { header = "www-authenticate", matches = "(?i)^(L402|LSAT)\\s" } },
//!   { label = "x402", next = "x402", when = { any = [{ header = "payment-required" }, { json = "/x402Version" }] } },
//!   { label = "Settlement failed", next = "x402-failed", when = { header = "payment-response", json = "/errorReason", in = ["insufficient_funds"] } },
//!   { label = "Stripe card error", next = "card", when = { all = [{ status = 402 }, { json = "/error/type", equals = "card_error" }] } },
//!   { label = "Sent an L402 credential, got 401", next = "l402-401", when = { all = [{ status = 401 }, { request-header = "authorization", matches = "^L402 " }] } },
//!   { label = "Out of credit", next = "credit", when = { all = [{ body = "credit balance is too low" }, { not = { status = 429 } }] } },
//!   { label = "Something else", next = "other" },
//! ]
//! ```

pub mod evidence;
pub mod map;
pub mod paste;
pub mod render;
pub mod rules;
pub mod signals;
pub mod triage;
pub mod walk;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostics::{self, did_you_mean, Diagnostic, Source};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    tree: RawTree,
    #[serde(default)]
    question: Vec<RawQuestion>,
    #[serde(default)]
    remedy: Vec<RawRemedy>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTree {
    title: String,
    #[serde(default)]
    description: Option<String>,
    start: Spanned<String>,
    #[serde(default)]
    weight: Option<i64>,
    #[serde(default)]
    codes: Vec<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    text: String,
    #[serde(default)]
    short: Option<String>,
    #[serde(default)]
    help: Option<Spanned<String>>,
    #[serde(default)]
    answers: Vec<RawAnswer>,
    #[serde(default)]
    overlap: Option<Overlap>,
}

/// What the build says when two answers' signals can match one paste.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Overlap {
    /// A warning with an example (the default).
    Warn,
    /// Nothing: the answers are in priority order on purpose.
    FirstWins,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnswer {
    label: String,
    next: Spanned<String>,
    #[serde(default)]
    when: Option<Spanned<signals::RawWhen>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRemedy {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    short: Option<String>,
    #[serde(default)]
    who: Option<Who>,
    body: Spanned<String>,
    #[serde(default)]
    guides: Vec<Spanned<String>>,
}

/// Who has to act to resolve a remedy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Who {
    /// The person using the site or app.
    User,
    /// The developer of the client that got the error.
    Developer,
    /// Whoever runs the server or account.
    Operator,
    /// The service that sent the error.
    Provider,
}

impl Who {
    /// How the role reads in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Who::User => "the user",
            Who::Developer => "the developer",
            Who::Operator => "the operator",
            Who::Provider => "the provider",
        }
    }
}

/// Markdown written in a TOML string, with the span of that string.
#[derive(Debug, Clone)]
pub struct Markdown {
    /// The string's value.
    pub text: String,
    /// Byte range of the string literal (quotes included) in the file.
    pub span: Range<usize>,
}

/// One answer of a question.
#[derive(Debug, Clone)]
pub struct Answer {
    /// What the reader clicks.
    pub label: String,
    /// Index of the node it leads to.
    pub next: usize,
    /// Where `next` is written.
    pub next_span: Range<usize>,
    /// What a pasted response must show for `remedy triage` and the
    /// page's paste box to pick this answer.
    pub when: Option<signals::Signal>,
    /// Where `when` is written.
    pub when_span: Option<Range<usize>>,
}

/// A guide a remedy links to: a content file and an optional anchor.
#[derive(Debug, Clone)]
pub struct GuideRef {
    /// Path relative to the content folder (`providers/stripe.md`).
    pub file: String,
    /// Heading id, without `#`.
    pub anchor: Option<String>,
    /// Where the guide is written in the tree file.
    pub span: Range<usize>,
}

/// What a node is.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A question with its answers.
    Question {
        /// The question.
        text: String,
        /// Optional Markdown help.
        help: Option<Markdown>,
        /// At least two answers.
        answers: Vec<Answer>,
        /// `overlap = "first-wins"`: overlapping signals are intended.
        first_wins: bool,
    },
    /// A leaf: what to do.
    Remedy {
        /// Short statement of the diagnosis.
        title: String,
        /// Who acts.
        who: Option<Who>,
        /// Markdown body: the steps.
        body: Markdown,
        /// Guides that explain it.
        guides: Vec<GuideRef>,
    },
}

/// A node of the graph.
#[derive(Debug, Clone)]
pub struct Node {
    /// Unique id, used as the HTML id and in URLs.
    pub id: String,
    /// Where the id is written.
    pub id_span: Range<usize>,
    /// Label for the overview map.
    pub short: Option<String>,
    /// Question or remedy.
    pub kind: NodeKind,
}

impl Node {
    /// The question text or the remedy title.
    pub fn heading(&self) -> &str {
        match &self.kind {
            NodeKind::Question { text, .. } => text,
            NodeKind::Remedy { title, .. } => title,
        }
    }

    /// Answers of a question; empty for a remedy.
    pub fn answers(&self) -> &[Answer] {
        match &self.kind {
            NodeKind::Question { answers, .. } => answers,
            NodeKind::Remedy { .. } => &[],
        }
    }

    /// True for remedies.
    pub fn is_remedy(&self) -> bool {
        matches!(self.kind, NodeKind::Remedy { .. })
    }
}

/// A validated decision tree.
#[derive(Debug, Clone)]
pub struct Tree {
    /// The file, for diagnostics.
    pub source: Source,
    /// `[tree] title`.
    pub title: String,
    /// `[tree] description`.
    pub description: Option<String>,
    /// `[tree] weight`.
    pub weight: Option<i64>,
    /// `[tree] codes`: the status codes the tree is about (search filters
    /// its steps by them, as it filters guides by their front matter's).
    pub codes: Vec<Spanned<i64>>,
    /// Index of the start node.
    pub start: usize,
    /// All nodes, questions first, each group in file order.
    pub nodes: Vec<Node>,
    /// Problems that do not stop a build, such as two answers whose
    /// signals can match the same paste.
    pub warnings: Vec<Diagnostic>,
}

impl Tree {
    /// Index of the node with this id.
    pub fn find(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// Nodes in breadth-first order from the start: the reading order of
    /// the page without JavaScript.
    pub fn bfs_order(&self) -> Vec<usize> {
        let mut seen = vec![false; self.nodes.len()];
        let mut order = vec![self.start];
        seen[self.start] = true;
        let mut i = 0;
        while i < order.len() {
            for a in self.nodes[order[i]].answers() {
                if !seen[a.next] {
                    seen[a.next] = true;
                    order.push(a.next);
                }
            }
            i += 1;
        }
        order
    }

    /// For each node, the (question, answer index) pairs that lead to it.
    pub fn incoming(&self) -> Vec<Vec<(usize, usize)>> {
        let mut inc = vec![Vec::new(); self.nodes.len()];
        for (q, n) in self.nodes.iter().enumerate() {
            for (a, ans) in n.answers().iter().enumerate() {
                inc[ans.next].push((q, a));
            }
        }
        inc
    }
}

/// Parses and validates a tree file. All structural errors are returned together.
pub fn parse(source: &Source) -> Result<Tree, Vec<Diagnostic>> {
    let raw: RawFile = toml::from_str(&source.text)
        .map_err(|e| vec![diagnostics::from_toml_error(source, 0, &e)])?;
    let mut errors = Vec::new();
    let mut nodes = Vec::new();
    let mut first_seen: HashMap<String, Range<usize>> = HashMap::new();

    let mut check_id = |id: &Spanned<String>, errors: &mut Vec<Diagnostic>| {
        let text = id.get_ref();
        if text.is_empty()
            || !text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            errors.push(
                Diagnostic::error(format!("`{text}` is not a valid node id"))
                    .at(source, id.span())
                    .with_help(
                        "use lowercase letters, digits and `-`, e.g. `stripe-card-declined`",
                    ),
            );
        }
        if let Some(first) = first_seen.get(text) {
            let (line, _) = source.line_col(first.start);
            errors.push(
                Diagnostic::error(format!("the node id `{text}` is used twice"))
                    .at(source, id.span())
                    .with_label("second use")
                    .with_help(format!(
                        "the first use is on line {line}; give one of them another id"
                    )),
            );
        } else {
            first_seen.insert(text.clone(), id.span());
        }
    };
    for q in &raw.question {
        check_id(&q.id, &mut errors);
    }
    for r in &raw.remedy {
        check_id(&r.id, &mut errors);
    }
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    for (i, id) in raw
        .question
        .iter()
        .map(|q| q.id.get_ref())
        .chain(raw.remedy.iter().map(|r| r.id.get_ref()))
        .enumerate()
    {
        // The first node with an id wins; later ones were reported above.
        ids.entry(id.clone()).or_insert(i);
    }
    let all_ids: Vec<String> = ids.keys().cloned().collect();
    let resolve =
        |target: &Spanned<String>, what: &str, errors: &mut Vec<Diagnostic>| -> Option<usize> {
            match ids.get(target.get_ref()) {
                Some(&i) => Some(i),
                None => {
                    let help =
                        match did_you_mean(target.get_ref(), all_ids.iter().map(String::as_str)) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "write the id of a [[question]] or [[remedy]] of this file"
                                .to_string(),
                        };
                    errors.push(
                        Diagnostic::error(format!(
                            "{what} `{}` is not a node of this tree",
                            target.get_ref()
                        ))
                        .at(source, target.span())
                        .with_label("unknown node")
                        .with_help(help),
                    );
                    None
                }
            }
        };

    for q in raw.question {
        if q.answers.len() < 2 {
            errors.push(
                Diagnostic::error(format!(
                    "question `{}` has {} answer{}; a question needs at least two",
                    q.id.get_ref(),
                    q.answers.len(),
                    if q.answers.len() == 1 { "" } else { "s" }
                ))
                .at(source, q.id.span())
                .with_help("add answers, or turn the node into a remedy"),
            );
        }
        let answers = q
            .answers
            .into_iter()
            .filter_map(|a| {
                let when = a
                    .when
                    .as_ref()
                    .and_then(|w| signals::compile(source, w, &mut errors));
                let next = resolve(&a.next, "the answer's target", &mut errors)?;
                Some(Answer {
                    label: a.label,
                    next,
                    next_span: a.next.span(),
                    when,
                    when_span: a.when.as_ref().map(Spanned::span),
                })
            })
            .collect();
        nodes.push(Node {
            id: q.id.get_ref().clone(),
            id_span: q.id.span(),
            short: q.short,
            kind: NodeKind::Question {
                text: q.text,
                help: q.help.map(markdown),
                answers,
                first_wins: q.overlap == Some(Overlap::FirstWins),
            },
        });
    }
    for r in raw.remedy {
        if r.guides.is_empty() {
            errors.push(
                Diagnostic::error(format!("remedy `{}` links to no guide", r.id.get_ref()))
                    .at(source, r.id.span())
                    .with_help("add `guides = [\"path/to/guide.md#heading\"]` (paths relative to the content folder)"),
            );
        }
        let guides = r
            .guides
            .iter()
            .map(|g| {
                let (file, anchor) = match g.get_ref().split_once('#') {
                    Some((f, a)) => (f.to_string(), Some(a.to_string())),
                    None => (g.get_ref().clone(), None),
                };
                GuideRef {
                    file: file.trim_start_matches('/').to_string(),
                    anchor,
                    span: g.span(),
                }
            })
            .collect();
        nodes.push(Node {
            id: r.id.get_ref().clone(),
            id_span: r.id.span(),
            short: r.short,
            kind: NodeKind::Remedy {
                title: r.title,
                who: r.who,
                body: markdown(r.body),
                guides,
            },
        });
    }

    let start = resolve(&raw.tree.start, "the start node", &mut errors);
    if let Some(s) = start {
        if nodes.get(s).is_some_and(Node::is_remedy) {
            errors.push(
                Diagnostic::error("the start node is a remedy; a tree starts with a question")
                    .at(source, raw.tree.start.span()),
            );
        }
    }
    for code in &raw.tree.codes {
        if !(100..=599).contains(code.get_ref()) {
            errors.push(
                Diagnostic::error(format!("{} is not an HTTP status code", code.get_ref()))
                    .at(source, code.span())
                    .with_help("status codes are between 100 and 599"),
            );
        }
    }
    // Graph checks only make sense once every target resolved.
    if errors.is_empty() {
        if let Some(start) = start {
            check_graph(source, &nodes, start, &mut errors);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let warnings = signals::overlap::overlaps(source, &nodes);
    Ok(Tree {
        warnings,
        source: source.clone(),
        title: raw.tree.title,
        description: raw.tree.description,
        weight: raw.tree.weight,
        codes: raw.tree.codes,
        start: start.unwrap_or(0),
        nodes,
    })
}

fn markdown(s: Spanned<String>) -> Markdown {
    Markdown {
        span: s.span(),
        text: s.into_inner(),
    }
}

/// Cycles (each named once, in order, at the answer that closes it) and
/// nodes the start cannot reach.
fn check_graph(source: &Source, nodes: &[Node], start: usize, errors: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let mut mark = vec![Mark::New; nodes.len()];
    let mut stack: Vec<usize> = Vec::new();
    // Iterative DFS: (node, next answer to look at).
    let mut work: Vec<(usize, usize)> = vec![(start, 0)];
    mark[start] = Mark::Active;
    stack.push(start);
    while let Some(&mut (n, ref mut i)) = work.last_mut() {
        let answers = nodes[n].answers();
        if *i == answers.len() {
            mark[n] = Mark::Done;
            stack.pop();
            work.pop();
            continue;
        }
        let a = &answers[*i];
        *i += 1;
        match mark[a.next] {
            Mark::New => {
                mark[a.next] = Mark::Active;
                stack.push(a.next);
                work.push((a.next, 0));
            }
            Mark::Active => {
                let from = stack.iter().position(|&s| s == a.next).unwrap_or(0);
                let mut names: Vec<&str> = stack[from..]
                    .iter()
                    .map(|&s| nodes[s].id.as_str())
                    .collect();
                names.push(&nodes[a.next].id);
                errors.push(
                    Diagnostic::error(format!("the answers form a cycle: {}", names.join(" -> ")))
                        .at(source, a.next_span.clone())
                        .with_label("this answer goes back")
                        .with_help(
                            "a decision tree must not loop; point this answer at a new node",
                        ),
                );
            }
            Mark::Done => {}
        }
    }
    for (i, n) in nodes.iter().enumerate() {
        if mark[i] == Mark::New {
            errors.push(
                Diagnostic::error(format!("node `{}` cannot be reached from the start", n.id))
                    .at(source, n.id_span.clone())
                    .with_help("point an answer at it, or remove it"),
            );
        }
    }
}

#[cfg(test)]
mod tests;
