//! Walking a tree by itself from a pasted response. At each question the
//! first answer whose signal the paste shows is taken; where no signal
//! decides, [`evidence`](super::evidence) may: the answer that leads to the
//! remedy whose guides the paste matches best, when it is clearly ahead of
//! every remedy under the other answers. The walk stops at a remedy, or at
//! a question neither decides, with the remedies under it ranked.
//!
//! The walk runs on [`Data`], the tree as its engines read it: the build
//! publishes it beside the tree page for the browser's copy of this file
//! (`triage-engine.js`) and for `remedy search`, and `remedy triage` makes
//! the same value from the project. One input, two engines, the same steps.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::evidence::{Features, Model, Score};
use super::paste::Paste;
use super::rules::{Rules, EXPLAINED};
use super::signals::Signal;
use super::Tree;

/// Version of the published [`Data`] (`FORMAT.md`).
pub const DATA_VERSION: u32 = 1;

/// One answer as the engines read it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataAnswer {
    /// What the reader would click.
    pub label: String,
    /// The node it leads to.
    pub next: String,
    /// Its signal, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Signal>,
}

/// A tree as the triage engines read it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Data {
    /// [`DATA_VERSION`].
    pub version: u32,
    /// The tree's title.
    pub title: String,
    /// The tree page's site path (`troubleshoot/402/`).
    pub path: String,
    /// The start node.
    pub start: String,
    /// Each node's heading (question text or remedy title), by id.
    pub headings: BTreeMap<String, String>,
    /// Each question's answers, in order, by id. Nodes not here are remedies.
    pub questions: BTreeMap<String, Vec<DataAnswer>>,
    /// What evidence reads; `None` only for a tree without remedies' guides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Model>,
    /// The constants the engines read a paste with. The Rust engine has
    /// its own ([`Rules::default`]); the browser's reads these. (Data
    /// published before they were is read with the current ones.)
    #[serde(default)]
    pub rules: Rules,
}

impl Data {
    /// The data of `tree`, whose page is at the site path `path`.
    pub fn new(tree: &Tree, path: &str, evidence: Option<Model>) -> Data {
        let id = |i: usize| tree.nodes[i].id.clone();
        Data {
            version: DATA_VERSION,
            title: tree.title.clone(),
            path: path.to_string(),
            start: id(tree.start),
            headings: tree
                .nodes
                .iter()
                .map(|n| (n.id.clone(), n.heading().to_string()))
                .collect(),
            questions: tree
                .nodes
                .iter()
                .filter(|n| !n.is_remedy())
                .map(|n| {
                    let answers = n
                        .answers()
                        .iter()
                        .map(|a| DataAnswer {
                            label: a.label.clone(),
                            next: id(a.next),
                            when: a.when.clone(),
                        })
                        .collect();
                    (n.id.clone(), answers)
                })
                .collect(),
            evidence,
            rules: Rules::default(),
        }
    }

    /// Checks data read back from a file: a known version, and every
    /// node named (start, answers' targets, evidence's remedies) has a
    /// heading.
    pub fn check(&self) -> Result<(), String> {
        if self.version != DATA_VERSION {
            return Err(format!(
                "triage data version {} (this remedy reads {DATA_VERSION})",
                self.version
            ));
        }
        let known = |id: &str| self.headings.contains_key(id);
        let named = std::iter::once(self.start.as_str())
            .chain(self.questions.keys().map(String::as_str))
            .chain(self.questions.values().flatten().map(|a| a.next.as_str()))
            .chain(
                self.evidence
                    .iter()
                    .flat_map(|m| m.remedies.iter().map(|r| r.id.as_str())),
            );
        for id in named {
            if !known(id) {
                return Err(format!("triage data names an unknown node `{id}`"));
            }
        }
        if let Some(m) = &self.evidence {
            m.check()?;
        }
        Ok(())
    }

    /// Reads the data back from its published script
    /// (`__remedyTriage(DATA);`), checked.
    pub fn from_script(script: &str) -> Result<Data, String> {
        let json = script
            .trim()
            .strip_prefix("__remedyTriage(")
            .and_then(|s| s.strip_suffix(");"))
            .ok_or("not a triage data script (`__remedyTriage(...);`)")?;
        let data: Data = serde_json::from_str(json).map_err(|e| e.to_string())?;
        data.check()?;
        Ok(data)
    }

    /// Whether any answer has a signal.
    pub fn has_signals(&self) -> bool {
        self.questions
            .values()
            .any(|a| a.iter().any(|a| a.when.is_some()))
    }

    /// As JSON safe inside a `<script>` element (no `<` unescaped).
    pub fn to_script_json(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        let json = serde_json::to_string(self).unwrap_or_default();
        json.replace('<', "\\u003c")
    }

    /// For each node, the remedies reachable from it, in tree order
    /// (the order of `evidence.remedies`, else by id).
    fn reach(&self) -> HashMap<&str, Vec<&str>> {
        fn visit<'a>(data: &'a Data, at: &'a str, memo: &mut HashMap<&'a str, Vec<&'a str>>) {
            if memo.contains_key(at) {
                return;
            }
            // Published data is validated acyclic; the placeholder keeps a
            // damaged file from recursing forever all the same.
            memo.insert(at, Vec::new());
            let mut out: Vec<&str> = Vec::new();
            match data.questions.get(at) {
                None => out.push(at),
                Some(answers) => {
                    for a in answers {
                        visit(data, &a.next, memo);
                        for r in memo.get(a.next.as_str()).into_iter().flatten() {
                            if !out.contains(r) {
                                out.push(r);
                            }
                        }
                    }
                }
            }
            memo.insert(at, out);
        }
        let mut memo = HashMap::new();
        for id in self.headings.keys() {
            visit(self, id, &mut memo);
        }
        memo
    }
}

/// What decided a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DecidedBy {
    /// The answer's signal.
    Signal,
    /// Evidence from the guides.
    Evidence,
}

/// One question the paste answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The question's id.
    pub question: String,
    /// Index of the answer taken.
    pub answer: usize,
    /// The node it led to.
    pub next: String,
    /// What in the paste decided it, in words.
    pub signal: String,
    /// Signal or evidence.
    pub decided_by: DecidedBy,
}

/// A remedy the paste may lead to, when the walk stops at a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The remedy's id.
    pub node: String,
    /// Its evidence score (hundredths).
    pub score: u32,
}

/// Where a paste leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Triage {
    /// The questions answered, in order.
    pub steps: Vec<Step>,
    /// The node reached: a remedy, or the first undecided question.
    pub node: String,
    /// At a question: its answers' indexes, most likely first.
    pub order: Vec<usize>,
    /// At a question: the most likely remedies under it, best first.
    pub candidates: Vec<Candidate>,
}

/// Walks the tree with a pasted text: cut at [`super::paste::MAX_PASTE_CHARS`],
/// read, and walked with its evidence.
pub fn walk_text(data: &Data, text: &str) -> Triage {
    let text = super::paste::cap(text, super::paste::MAX_PASTE_CHARS);
    let parsed = super::paste::parse(text);
    let features = Features::read(text, &parsed);
    triage(data, &parsed, &features)
}

/// Walks `data` with what `paste` shows; `features` feed evidence.
pub fn triage(data: &Data, paste: &Paste, features: &Features) -> Triage {
    let reach = data.reach();
    let scores: HashMap<&str, Score> = match &data.evidence {
        Some(model) => model
            .remedies
            .iter()
            .map(|r| r.id.as_str())
            .zip(model.score(features))
            .collect(),
        None => HashMap::new(),
    };
    // Remedies in tree order, for ties.
    let rank: HashMap<&str, usize> = match &data.evidence {
        Some(m) => m
            .remedies
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect(),
        None => HashMap::new(),
    };
    let eligible = |r: &str| scores.get(r).is_none_or(|s| s.eligible);
    let score = |r: &str| {
        scores
            .get(r)
            .filter(|s| s.eligible && s.vouched)
            .map_or(0, |s| s.total)
    };
    let mut at = data.start.as_str();
    let mut steps = Vec::new();
    // Trees are acyclic (validated), so this bound is never reached.
    for _ in 0..=data.questions.len() {
        let Some(answers) = data.questions.get(at) else {
            break;
        };
        let open = |a: &DataAnswer| reach[a.next.as_str()].iter().any(|r| eligible(r));
        let by_signal = answers.iter().enumerate().find_map(|(i, a)| {
            let when = a.when.as_ref()?;
            let evidence = when.eval(paste)?;
            if !open(a) {
                return None;
            }
            let signal = if evidence.is_empty() {
                when.describe()
            } else {
                evidence.join(", ")
            };
            Some((i, signal, DecidedBy::Signal))
        });
        let decided = by_signal.or_else(|| {
            let model = data.evidence.as_ref()?;
            let (i, best) = by_evidence(answers, &reach, &score, &rank, model)?;
            let s = &scores[best];
            if !features.distinct(model, s) {
                return None;
            }
            Some((i, explain(model, s, best), DecidedBy::Evidence))
        });
        let Some((answer, signal, decided_by)) = decided else {
            break;
        };
        steps.push(Step {
            question: at.to_string(),
            answer,
            next: answers[answer].next.clone(),
            signal,
            decided_by,
        });
        at = &answers[answer].next;
    }
    let (order, candidates) = match data.questions.get(at) {
        None => (Vec::new(), Vec::new()),
        Some(answers) => {
            let best_under = |a: &DataAnswer| {
                reach[a.next.as_str()]
                    .iter()
                    .map(|r| score(r))
                    .max()
                    .unwrap_or(0)
            };
            let mut order: Vec<usize> = (0..answers.len()).collect();
            order.sort_by_key(|&i| std::cmp::Reverse(best_under(&answers[i])));
            let limit = data.evidence.as_ref().map_or(0, |m| m.params.candidates) as usize;
            let mut under: Vec<&str> = Vec::new();
            for a in answers {
                for r in &reach[a.next.as_str()] {
                    if !under.contains(r) && score(r) > 0 {
                        under.push(r);
                    }
                }
            }
            under.sort_by_key(|r| (std::cmp::Reverse(score(r)), rank.get(r).copied()));
            let candidates = under
                .into_iter()
                .take(limit)
                .map(|r| Candidate {
                    node: r.to_string(),
                    score: score(r),
                })
                .collect();
            (order, candidates)
        }
    };
    Triage {
        steps,
        node: at.to_string(),
        order,
        candidates,
    }
}

/// The answer evidence takes at a question, with the remedy that decided
/// it: the best remedy under the question, through the first answer that
/// leads to it, if it beats every remedy that answer does not lead to by
/// the model's margin and ratio.
fn by_evidence<'a>(
    answers: &[DataAnswer],
    reach: &HashMap<&str, Vec<&'a str>>,
    score: &dyn Fn(&str) -> u32,
    rank: &HashMap<&str, usize>,
    model: &Model,
) -> Option<(usize, &'a str)> {
    let p = &model.params;
    let mut best: Option<(&str, u32)> = None;
    for a in answers {
        for &r in &reach[a.next.as_str()] {
            let s = score(r);
            let better = match best {
                None => s > 0,
                Some((b, bs)) => s > bs || (s == bs && rank.get(r) < rank.get(b)),
            };
            if better {
                best = Some((r, s));
            }
        }
    }
    let (r, s) = best?;
    let i = answers
        .iter()
        .position(|a| reach[a.next.as_str()].contains(&r))?;
    let taken = &reach[answers[i].next.as_str()];
    let rival = answers
        .iter()
        .flat_map(|a| reach[a.next.as_str()].iter())
        .filter(|x| !taken.contains(x))
        .map(|x| score(x))
        .max()
        .unwrap_or(0);
    let clear = s >= p.min_score
        && s >= rival + p.margin
        && u64::from(s) * 100 >= u64::from(rival) * u64::from(p.ratio);
    clear.then_some((i, r))
}

/// The trail's words for an evidence step: the host and heaviest terms the
/// paste shares with the remedy's guides.
fn explain(model: &Model, s: &Score, remedy: &str) -> String {
    let mut named: Vec<&str> = Vec::new();
    if let Some(h) = &s.host {
        named.push(h);
    }
    for (t, _) in &s.terms {
        if named.len() >= EXPLAINED {
            break;
        }
        if !named.iter().any(|n| n.contains(t.as_str())) {
            named.push(t);
        }
    }
    let list = match named.as_slice() {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [init @ .., last] => format!(
            "{} and `{last}`",
            init.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let page = model
        .remedies
        .iter()
        .find(|r| r.id == remedy)
        .and_then(|r| r.pages.first())
        .map_or("", |&p| model.pages[p as usize].title.as_str());
    format!("{list} match {page}")
}
