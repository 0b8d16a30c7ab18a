//! Walking a tree in a terminal: `remedy diagnose`.
//!
//! The walk is a small state machine over answers so that the interactive
//! prompt and `--answers 1,3,2` share one code path, and tests can drive it
//! without a terminal.

use std::io::{BufRead, Write};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{NodeKind, Tree};

/// Where a guide of a remedy lives, resolved by the caller.
#[derive(Debug, Clone)]
pub struct GuideLink {
    /// The guide's title (and heading).
    pub title: String,
    /// Absolute URL, or site path when the site URL has no host.
    pub url: String,
}

/// How a walk ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Reached this remedy (node index).
    Remedy(usize),
    /// The reader typed `q` (or input ended).
    Quit,
}

/// Why a scripted walk could not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkError {
    /// An answer number that the question does not have.
    NoSuchAnswer {
        /// The question's id.
        question: String,
        /// The number given.
        given: String,
        /// How many answers there are.
        count: usize,
    },
    /// The answers ran out before a remedy.
    TooFewAnswers {
        /// The question left unanswered.
        question: String,
    },
    /// `b` at the start node.
    BackAtStart,
}

impl std::fmt::Display for WalkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WalkError::NoSuchAnswer { question, given, count } => write!(
                f,
                "`{given}` is not an answer of question `{question}`: give a number from 1 to {count}"
            ),
            WalkError::TooFewAnswers { question } => write!(
                f,
                "the answers end at question `{question}`, before a remedy: add more answers"
            ),
            WalkError::BackAtStart => write!(f, "`b` at the first question: there is nothing to go back to"),
        }
    }
}

/// Walks `tree` reading answers from `input` (numbers, `b`, `q`; one per
/// line), printing the questions and the final remedy to `out`.
///
/// With `scripted`, the input is a fixed list: a bad answer is an error
/// rather than a new prompt.
pub fn walk(
    tree: &Tree,
    guides: &dyn Fn(usize) -> Vec<GuideLink>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    scripted: bool,
) -> std::io::Result<Result<Outcome, WalkError>> {
    writeln!(out, "{}", tree.title)?;
    if let Some(d) = &tree.description {
        writeln!(out, "{d}")?;
    }
    let mut path: Vec<usize> = vec![tree.start];
    loop {
        let current = *path.last().unwrap_or(&tree.start);
        let node = &tree.nodes[current];
        match &node.kind {
            NodeKind::Remedy {
                title, who, body, ..
            } => {
                writeln!(out)?;
                writeln!(out, "=> {title}")?;
                if let Some(w) = who {
                    writeln!(out, "   Who acts: {}", w.label())?;
                }
                writeln!(out)?;
                for line in plain_text(&body.text).lines() {
                    writeln!(out, "   {line}")?;
                }
                let links = guides(current);
                if !links.is_empty() {
                    writeln!(out)?;
                    writeln!(out, "Guides:")?;
                    for g in links {
                        writeln!(out, "  - {}: {}", g.title, g.url)?;
                    }
                }
                return Ok(Ok(Outcome::Remedy(current)));
            }
            NodeKind::Question { text, answers, .. } => {
                writeln!(out)?;
                writeln!(out, "{text}")?;
                for (i, a) in answers.iter().enumerate() {
                    writeln!(out, "  {}) {}", i + 1, a.label)?;
                }
                loop {
                    if !scripted {
                        write!(out, "answer [1-{}, b = back, q = quit]: ", answers.len())?;
                        out.flush()?;
                    }
                    let mut line = String::new();
                    if input.read_line(&mut line)? == 0 {
                        if scripted {
                            return Ok(Err(WalkError::TooFewAnswers {
                                question: node.id.clone(),
                            }));
                        }
                        writeln!(out)?;
                        return Ok(Ok(Outcome::Quit));
                    }
                    let choice = line.trim();
                    match choice {
                        "q" | "quit" => return Ok(Ok(Outcome::Quit)),
                        "b" | "back" => {
                            if path.len() > 1 {
                                path.pop();
                                break;
                            }
                            if scripted {
                                return Ok(Err(WalkError::BackAtStart));
                            }
                            writeln!(out, "This is the first question.")?;
                        }
                        _ => match choice.parse::<usize>() {
                            Ok(n) if (1..=answers.len()).contains(&n) => {
                                if scripted {
                                    writeln!(out, "> {n}) {}", answers[n - 1].label)?;
                                }
                                path.push(answers[n - 1].next);
                                break;
                            }
                            _ if scripted => {
                                return Ok(Err(WalkError::NoSuchAnswer {
                                    question: node.id.clone(),
                                    given: choice.to_string(),
                                    count: answers.len(),
                                }))
                            }
                            _ => {
                                writeln!(out, "Type a number from 1 to {}, b or q.", answers.len())?
                            }
                        },
                    }
                }
            }
        }
    }
}

/// Markdown as plain text for a terminal: paragraphs, numbered and bulleted
/// lists, code kept as written.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                let indent = "  ".repeat(lists.len().saturating_sub(1));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{indent}{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str(&format!("{indent}- ")),
                }
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            Event::End(TagEnd::Paragraph) => {
                out.push('\n');
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::CodeBlock) => out.push('\n'),
            _ => {}
        }
    }
    out.trim_end().to_string()
}
