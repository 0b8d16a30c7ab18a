//! Walking a tree by itself from a pasted response: at each question the
//! first answer whose signal the paste shows is taken; the walk stops at a
//! remedy or at the first question no signal decides.
//!
//! Also here: the signals as the tree page embeds them for the browser's
//! copy of this walk (`triage.js`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::paste::Paste;
use super::signals::Signal;
use super::Tree;

/// One question the paste answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Index of the question.
    pub question: usize,
    /// Index of the answer taken.
    pub answer: usize,
    /// What in the paste decided it.
    pub signal: String,
}

/// Where a paste leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Triage {
    /// The questions answered, in order.
    pub steps: Vec<Step>,
    /// The node reached: a remedy, or the first undecided question.
    pub node: usize,
}

/// Walks `tree` with what `paste` shows.
pub fn triage(tree: &Tree, paste: &Paste) -> Triage {
    let mut at = tree.start;
    let mut steps = Vec::new();
    // Trees are acyclic (validated), so this bound is never reached.
    for _ in 0..tree.nodes.len() {
        let hit = tree.nodes[at]
            .answers()
            .iter()
            .enumerate()
            .find_map(|(i, a)| {
                let when = a.when.as_ref()?;
                let evidence = when.eval(paste)?;
                let signal = if evidence.is_empty() {
                    when.describe()
                } else {
                    evidence.join(", ")
                };
                Some((i, a.next, signal))
            });
        let Some((answer, next, signal)) = hit else {
            break;
        };
        steps.push(Step {
            question: at,
            answer,
            signal,
        });
        at = next;
    }
    Triage { steps, node: at }
}

#[derive(Serialize)]
struct PageAnswer<'a> {
    label: &'a str,
    next: &'a str,
    when: Option<&'a Signal>,
}

#[derive(Serialize)]
struct PageSignals<'a> {
    start: &'a str,
    questions: BTreeMap<&'a str, Vec<PageAnswer<'a>>>,
}

/// The tree's questions with their signals, as JSON safe to put inside a
/// `<script>` element; `None` when no answer has a signal.
pub fn page_json(tree: &Tree) -> Option<String> {
    let any = tree
        .nodes
        .iter()
        .any(|n| n.answers().iter().any(|a| a.when.is_some()));
    if !any {
        return None;
    }
    let questions = tree
        .nodes
        .iter()
        .filter(|n| !n.is_remedy())
        .map(|n| {
            let answers = n
                .answers()
                .iter()
                .map(|a| PageAnswer {
                    label: &a.label,
                    next: &tree.nodes[a.next].id,
                    when: a.when.as_ref(),
                })
                .collect();
            (n.id.as_str(), answers)
        })
        .collect();
    let json = serde_json::to_string(&PageSignals {
        start: &tree.nodes[tree.start].id,
        questions,
    })
    .ok()?;
    // `</script>` or `<!--` inside a string must not end the element.
    Some(json.replace('<', "\\u003c"))
}
