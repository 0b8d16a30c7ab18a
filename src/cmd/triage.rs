//! `remedy triage`: the paste box of a tree page, in a terminal. Reads a
//! pasted response from standard input, lets the tree's signals (and,
//! where they are silent, the evidence of its guides) answer every question
//! they can, and prints the trail and where it ended.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;
use termcolor::StandardStream;

use remedy::config::Overrides;
use remedy::diagnostics::{Failure, Stream};
use remedy::tree::triage::DecidedBy;
use remedy::tree::{walk, NodeKind};
use remedy::BuildOptions;

use super::Colors;

#[derive(Debug, Args)]
pub struct TriageArgs {
    /// The tree, as for `diagnose`. Optional when the site has one tree.
    pub tree: Option<String>,

    /// The project folder holding book.toml.
    #[arg(short = 'C', long = "dir", value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Print one JSON object: node, kind, title, url, guides, answered.
    #[arg(long)]
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

/// Asks for the paste when standard input is a terminal, then triages it.
pub fn run(args: TriageArgs, colors: &Colors) -> Result<(), Failure> {
    let build = BuildOptions {
        root: args.dir,
        overrides: Overrides::default(),
        write: false,
    };
    if std::io::stdin().is_terminal() {
        writeln!(
            StandardStream::stderr(colors.stderr),
            "Paste the response or error message, then press Ctrl-D (Ctrl-Z Enter on Windows):"
        )
        .map_err(|e| Failure::Io(Stream::Stderr, e))?;
    }
    triage(
        &build,
        args.tree.as_deref(),
        args.json,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
    )
}

/// Reads the paste from `input` and prints the result to `out`.
fn triage(
    build: &BuildOptions,
    name: Option<&str>,
    json: bool,
    input: &mut dyn Read,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let opened = remedy::open_tree(build, name)?;
    let tree = opened.tree();
    let data = opened.triage_data();
    let result =
        remedy::triage::read_and_walk(&data, input).map_err(|e| Failure::Io(Stream::Stdin, e))?;
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
    if json {
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
