//! `remedy triage`: the paste box of a tree page, in a terminal. Reads a
//! pasted response from standard input, lets the tree's signals answer
//! every question they can, and prints the trail and where it ended.

use std::io::{Read, Write};

use serde::Serialize;

use crate::diagnose::Opened;
use crate::diagnostics::Failure;
use crate::site::BuildOptions;
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
}

#[derive(Serialize)]
struct Report<'a> {
    node: &'a str,
    kind: &'static str,
    title: &'a str,
    url: String,
    guides: Vec<String>,
    answered: Vec<Answered<'a>>,
}

/// Reads the paste from `input` (at most [`paste::MAX_PASTE_CHARS`]
/// characters are used; bytes that are not UTF-8 become U+FFFD) and prints
/// the result to `out`.
pub fn run(
    opts: &TriageOptions<'_>,
    input: &mut dyn Read,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let opened = Opened::open(&opts.build, opts.tree)?;
    let tree = opened.tree();
    // Four bytes per character at most: read no more than could be used.
    let mut bytes = Vec::new();
    input
        .take(paste::MAX_PASTE_CHARS as u64 * 4)
        .read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let result = triage::triage(tree, &paste::parse(&text));
    let node = &tree.nodes[result.node];
    let report = Report {
        node: &node.id,
        kind: if node.is_remedy() {
            "remedy"
        } else {
            "question"
        },
        title: node.heading(),
        url: opened.step_url(result.node),
        guides: opened
            .guides(result.node)
            .into_iter()
            .map(|g| g.url)
            .collect(),
        answered: result
            .steps
            .iter()
            .map(|s| Answered {
                question: &tree.nodes[s.question].id,
                answer: &tree.nodes[s.question].answers()[s.answer].label,
                signal: &s.signal,
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
        let q = &tree.nodes[s.question];
        writeln!(
            out,
            "\n{}\n  > {}\n    because: {}",
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
            let guides = opened.guides(result.node);
            if !guides.is_empty() {
                writeln!(out, "\nGuides:")?;
                for g in guides {
                    writeln!(out, "  - {}: {}", g.title, g.url)?;
                }
            }
        }
        NodeKind::Question { text, answers, .. } => {
            writeln!(out, "\n?  {text}\n   The paste does not say; answer it on the site or with `remedy diagnose`:")
                ?;
            for (i, a) in answers.iter().enumerate() {
                writeln!(out, "   {}) {}", i + 1, a.label)?;
            }
        }
    }
    Ok(writeln!(out, "\nThis step on the site: {}", report.url)?)
}
