//! `remedy triage`: the paste box of a tree page, in a terminal. Reads a
//! pasted response from standard input, lets the tree's signals (and,
//! where they are silent, the evidence of its guides) answer every question
//! they can, and prints the trail and where it ended.

use std::io::{Read, Write};

use serde::Serialize;

use crate::diagnose::Opened;
use crate::diagnostics::Failure;
use crate::site::BuildOptions;
use crate::tree::triage::{DecidedBy, Triage};
use crate::tree::{paste, triage, walk, NodeKind};

/// What to triage and how to print it.
pub struct TriageOptions<'a> {
    /// Where the project is.
    pub build: BuildOptions,
    /// The tree's name, as for `remedy diagnose`.
    pub tree: Option<&'a str>,
    /// One JSON object instead of text.
    pub json: bool,
}

#[derive(Serialize)]
struct Answered<'a> {
    question: &'a str,
    answer: &'a str,
    signal: &'a str,
    decided_by: DecidedBy,
}

#[derive(Serialize)]
struct CandidateOut {
    node: String,
    url: String,
    guides: Vec<String>,
    score: f64,
}

#[derive(Serialize)]
struct Report<'a> {
    node: &'a str,
    kind: &'static str,
    title: &'a str,
    url: String,
    guides: Vec<String>,
    answered: Vec<Answered<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    candidates: Vec<CandidateOut>,
}

/// Reads a paste from `input` and walks the tree with it: at most
/// [`paste::MAX_PASTE_CHARS`] characters are used; bytes that are not
/// UTF-8 become U+FFFD.
pub fn read_and_walk(data: &triage::Data, input: &mut dyn Read) -> Result<Triage, std::io::Error> {
    // Four bytes per character at most: read no more than could be used.
    let mut bytes = Vec::new();
    input
        .take(paste::MAX_PASTE_CHARS as u64 * 4)
        .read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(walk_text(data, &text))
}

pub use crate::tree::triage::walk_text;

/// Reads the paste from `input` and prints the result to `out`.
pub fn run(
    opts: &TriageOptions<'_>,
    input: &mut dyn Read,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let opened = Opened::open(&opts.build, opts.tree)?;
    let tree = opened.tree();
    let data = opened.triage_data();
    let result = read_and_walk(&data, input)?;
    let index = |id: &str| tree.find(id).unwrap_or(tree.start);
    let node_at = index(&result.node);
    let node = &tree.nodes[node_at];
    let guide_urls =
        |n: usize| -> Vec<String> { opened.guides(n).into_iter().map(|g| g.url).collect() };
    let report = Report {
        node: &node.id,
        kind: if node.is_remedy() {
            "remedy"
        } else {
            "question"
        },
        title: node.heading(),
        url: opened.step_url(node_at),
        guides: guide_urls(node_at),
        answered: result
            .steps
            .iter()
            .map(|s| Answered {
                question: &s.question,
                answer: &tree.nodes[index(&s.question)].answers()[s.answer].label,
                signal: &s.signal,
                decided_by: s.decided_by,
            })
            .collect(),
        candidates: result
            .candidates
            .iter()
            .map(|c| CandidateOut {
                node: c.node.clone(),
                url: opened.step_url(index(&c.node)),
                guides: guide_urls(index(&c.node)),
                score: f64::from(c.score) / 100.0,
            })
            .collect(),
    };
    if opts.json {
        let json = serde_json::to_string_pretty(&report).map_err(std::io::Error::from)?;
        return Ok(writeln!(out, "{json}")?);
    }
    writeln!(out, "{}", tree.title)?;
    if result.steps.is_empty() {
        writeln!(out, "\nThe paste decided no question.")?;
    }
    for s in &result.steps {
        let q = &tree.nodes[index(&s.question)];
        let by = match s.decided_by {
            DecidedBy::Signal => "because",
            DecidedBy::Evidence => "evidence",
        };
        writeln!(
            out,
            "\n{}\n  > {}\n    {by}: {}",
            q.heading(),
            q.answers()[s.answer].label,
            s.signal
        )?;
    }
    match &node.kind {
        NodeKind::Remedy {
            title, who, body, ..
        } => {
            writeln!(out, "\n=> {title}")?;
            if let Some(w) = who {
                writeln!(out, "   Who acts: {}", w.label())?;
            }
            writeln!(out)?;
            for line in walk::plain_text(&body.text).lines() {
                writeln!(out, "   {line}")?;
            }
            let guides = opened.guides(node_at);
            if !guides.is_empty() {
                writeln!(out, "\nGuides:")?;
                for g in guides {
                    writeln!(out, "  - {}: {}", g.title, g.url)?;
                }
            }
        }
        NodeKind::Question { text, answers, .. } => {
            writeln!(out, "\n?  {text}\n   The paste does not say; answer it on the site or with `remedy diagnose`:")?;
            for &i in &result.order {
                writeln!(out, "   {}) {}", i + 1, answers[i].label)?;
            }
            if !result.candidates.is_empty() {
                writeln!(
                    out,
                    "\n   Most likely, from what the paste shares with the guides:"
                )?;
                for c in &result.candidates {
                    let n = index(&c.node);
                    writeln!(
                        out,
                        "   - {} ({:.2}): {}",
                        tree.nodes[n].heading(),
                        f64::from(c.score) / 100.0,
                        opened.step_url(n)
                    )?;
                }
            }
        }
    }
    Ok(writeln!(out, "\nThis step on the site: {}", report.url)?)
}
