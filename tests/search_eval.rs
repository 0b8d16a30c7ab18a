//! Search quality measured on queries derived from the content itself, so
//! nobody can tune for them by hand (issue 11). Four families:
//!
//! - identifiers: every backticked identifier (error codes, header names,
//!   JSON fields) found on at most 3 pages must bring one of them first;
//! - headings: every heading used on at most 3 pages must bring its own
//!   section into the top 3 (a heading on every page, "Sources", cannot);
//! - typos: every page title with one deterministic typo in its longest word
//!   (a swap, a drop or a doubling) must bring its page into the top 3;
//! - pastes: every fenced `json` or `http` example, pasted whole, must bring
//!   its page into the top 3.
//!
//! Each family prints recall at 1 and 3 and its MRR.

mod common;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use remedy::search::{Options, PageHit, SearchIndex};
use support::site::{build_bundled, BuiltSite};
use support::tools;

fn site() -> &'static BuiltSite {
    static SITE: OnceLock<BuiltSite> = OnceLock::new();
    SITE.get_or_init(build_bundled)
}

fn index() -> SearchIndex {
    SearchIndex::open(&site().dir.join(remedy::search::INDEX_DIR)).expect("open the built index")
}

/// One derived query and what it must find.
#[derive(Debug)]
struct Case {
    query: String,
    /// Any of these URLs counts (a page `a/b/`, or a section `a/b/#c`).
    expect: BTreeSet<String>,
    /// Whether `expect` names sections (compared with the anchor).
    sections: bool,
}

/// A content page: its URL, title, raw Markdown body.
struct Source {
    url: String,
    title: String,
    body: String,
    /// A decision tree (TOML): its code spans count, its examples do not.
    tree: bool,
}

/// `content/a/b.md` -> `a/b/`, `content/a/_index.md` -> `a/`.
fn url_of(rel: &Path) -> String {
    let s = rel.with_extension("").to_string_lossy().replace('\\', "/");
    let s = s.strip_suffix("_index").unwrap_or(&s).trim_end_matches('/');
    if s.is_empty() {
        String::new()
    } else {
        format!("{s}/")
    }
}

fn sources() -> Vec<Source> {
    let content = common::repo().join("content");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&content).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("md") => std::fs::read_to_string(path).unwrap(),
            // A decision tree is a page too: its steps quote identifiers.
            Some("toml") => {
                let tree: toml::Table =
                    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
                let Some(title) = tree
                    .get("tree")
                    .and_then(|t| t.get("title"))
                    .and_then(|t| t.as_str())
                else {
                    continue;
                };
                out.push(Source {
                    url: url_of(path.strip_prefix(&content).unwrap()),
                    title: title.to_string(),
                    body: std::fs::read_to_string(path).unwrap(),
                    tree: true,
                });
                continue;
            }
            _ => continue,
        };
        let Some(rest) = text.strip_prefix("+++") else {
            continue;
        };
        let Some((front, body)) = rest.split_once("\n+++") else {
            continue;
        };
        let front: toml::Table = toml::from_str(front).unwrap();
        if front.get("draft").and_then(|d| d.as_bool()) == Some(true) {
            continue;
        }
        out.push(Source {
            url: url_of(path.strip_prefix(&content).unwrap()),
            title: front["title"].as_str().unwrap_or_default().to_string(),
            body: body.to_string(),
            tree: false,
        });
    }
    out
}

/// Inline code spans of a Markdown text (single backticks, one line).
fn code_spans(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let parts: Vec<&str> = line.split('`').collect();
        for (i, p) in parts.iter().enumerate() {
            if i % 2 == 1 && i + 1 < parts.len() {
                out.push(p.to_string());
            }
        }
    }
    out
}

/// An identifier: one run of letters and digits with single `_-.` joiners,
/// with a joiner, an upper-case letter after the first, or a digit: the
/// shape of error codes, header names and JSON fields, not of plain words.
fn is_identifier(s: &str) -> bool {
    let parts: Vec<&str> = s.split(['_', '-', '.']).collect();
    let runs_ok = parts
        .iter()
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
    let letters = s.chars().any(|c| c.is_ascii_alphabetic());
    let shaped = parts.len() > 1
        || s.chars().skip(1).any(|c| c.is_ascii_uppercase())
        || s.chars().any(|c| c.is_ascii_digit());
    runs_ok && letters && shaped && s.len() >= 4
}

/// Whether `text` has `word` with no letter, digit or `_` on either side.
fn contains_whole(text: &str, word: &str) -> bool {
    let lower = text.to_lowercase();
    let word = word.to_lowercase();
    let inner = |c: char| c.is_alphanumeric() || c == '_';
    lower.match_indices(&word).any(|(i, _)| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + word.len()..].chars().next();
        !before.is_some_and(inner) && !after.is_some_and(inner)
    })
}

fn identifier_cases(pages: &[Source]) -> Vec<Case> {
    let mut ids: BTreeSet<String> = BTreeSet::new();
    for p in pages {
        ids.extend(code_spans(&p.body).into_iter().filter(|s| is_identifier(s)));
    }
    ids.into_iter()
        .filter_map(|id| {
            let on: BTreeSet<String> = pages
                .iter()
                .filter(|p| contains_whole(&p.body, &id) || contains_whole(&p.title, &id))
                .map(|p| p.url.clone())
                .collect();
            (!on.is_empty() && on.len() <= 3).then_some(Case {
                query: id,
                expect: on,
                sections: false,
            })
        })
        .collect()
}

/// Headings as the index holds them (guides' sections and tree steps),
/// when used on at most 3 pages.
fn heading_cases(index: &SearchIndex) -> Vec<Case> {
    let mut by_text: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (heading, url) in index.headings().unwrap() {
        by_text.entry(heading).or_default().insert(url);
    }
    by_text
        .into_iter()
        .filter(|(_, urls)| {
            let pages: BTreeSet<&str> = urls
                .iter()
                .map(|u| u.split('#').next().unwrap_or(""))
                .collect();
            pages.len() <= 3
        })
        .map(|(heading, urls)| Case {
            query: heading,
            expect: urls,
            sections: true,
        })
        .collect()
}

/// FNV-1a, so the typo a title gets never changes between runs.
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The title with one typo in its longest word (never its first letter).
fn with_typo(title: &str) -> Option<String> {
    let word = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().all(char::is_alphabetic))
        .max_by_key(|w| (w.chars().count(), std::cmp::Reverse(*w)))?;
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 5 {
        return None;
    }
    let h = hash(title);
    let at = 1 + (h / 3) as usize % (chars.len() - 2);
    let mut typo = chars.clone();
    match h % 3 {
        0 => typo.swap(at, at + 1),
        1 => {
            typo.remove(at);
        }
        _ => typo.insert(at, chars[at]),
    }
    if typo == chars {
        typo.remove(at);
    }
    let typo: String = typo.into_iter().collect();
    Some(title.replacen(word, &typo, 1))
}

fn typo_cases(pages: &[Source]) -> Vec<Case> {
    pages
        .iter()
        .filter(|p| !p.tree)
        .filter_map(|p| {
            Some(Case {
                query: with_typo(&p.title)?,
                expect: BTreeSet::from([p.url.clone()]),
                sections: false,
            })
        })
        .collect()
}

/// Each distinct example once, expecting any page that shows it; an
/// example on more than 3 pages (a bare status line) names no page.
fn paste_cases(pages: &[Source]) -> Vec<Case> {
    let mut by_text: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for case in examples(pages) {
        by_text.entry(case.query).or_default().extend(case.expect);
    }
    by_text
        .into_iter()
        .filter(|(_, on)| on.len() <= 3)
        .map(|(query, expect)| Case {
            query,
            expect,
            sections: false,
        })
        .collect()
}

fn examples(pages: &[Source]) -> Vec<Case> {
    let mut out = Vec::new();
    for p in pages.iter().filter(|p| !p.tree) {
        let mut block: Option<String> = None;
        for line in p.body.lines() {
            let t = line.trim_start();
            match &mut block {
                None if t.starts_with("```json") || t.starts_with("```http") => {
                    block = Some(String::new());
                }
                Some(b) if t.starts_with("```") => {
                    if !b.trim().is_empty() {
                        out.push(Case {
                            query: b.clone(),
                            expect: BTreeSet::from([p.url.clone()]),
                            sections: false,
                        });
                    }
                    block = None;
                }
                Some(b) => {
                    b.push_str(line);
                    b.push('\n');
                }
                None => {}
            }
        }
    }
    out
}

struct Score {
    at1: usize,
    at3: usize,
    reciprocal: f64,
    misses: Vec<String>,
}

fn run(index: &SearchIndex, cases: &[Case]) -> Score {
    let mut s = Score {
        at1: 0,
        at3: 0,
        reciprocal: 0.0,
        misses: Vec::new(),
    };
    for c in cases {
        let hits: Vec<PageHit> = index
            .search(
                &c.query,
                &Options {
                    limit: 10,
                    ..Options::default()
                },
            )
            .unwrap();
        let key = |h: &PageHit| {
            if c.sections {
                h.url.clone()
            } else {
                h.url.split('#').next().unwrap_or_default().to_string()
            }
        };
        let rank = hits.iter().position(|h| c.expect.contains(&key(h)));
        if rank == Some(0) {
            s.at1 += 1;
        }
        if rank.is_some_and(|r| r < 3) {
            s.at3 += 1;
        }
        s.reciprocal += rank.map_or(0.0, |r| 1.0 / (r + 1) as f64);
        if rank.is_none_or(|r| r >= 3) || (!c.sections && rank != Some(0)) {
            let got: Vec<String> = hits.iter().take(3).map(key).collect();
            let q: String = c.query.chars().take(60).collect();
            s.misses.push(format!(
                "{q:?} (rank {:?}) want {:?}, got {got:?}",
                rank.map(|r| r + 1),
                c.expect
            ));
        }
    }
    s
}

fn report(family: &str, cases: &[Case], s: &Score) -> (f64, f64) {
    let n = cases.len().max(1) as f64;
    let (r1, r3) = (s.at1 as f64 / n, s.at3 as f64 / n);
    tools::announce(&format!(
        "search eval, {family}: {} queries, recall@1 {:.1}%, recall@3 {:.1}%, MRR {:.3}",
        cases.len(),
        100.0 * r1,
        100.0 * r3,
        s.reciprocal / n
    ));
    (r1, r3)
}

#[test]
fn derived_queries_meet_their_targets() {
    let index = index();
    let pages = sources();
    assert!(pages.len() > 40, "only {} pages read", pages.len());
    let families = [
        ("identifiers", identifier_cases(&pages)),
        ("headings", heading_cases(&index)),
        ("typos", typo_cases(&pages)),
        ("pastes", paste_cases(&pages)),
    ];
    let mut failures = Vec::new();
    for (family, cases) in &families {
        assert!(
            cases.len() >= 10,
            "{family}: only {} cases derived",
            cases.len()
        );
        let s = run(&index, cases);
        let (r1, r3) = report(family, cases, &s);
        let (value, target, what) = if *family == "identifiers" {
            (r1, 0.98, "recall@1")
        } else {
            (r3, 0.95, "recall@3")
        };
        if value < target {
            failures.push(format!(
                "{family}: {what} {:.1}% < {:.0}%; misses:\n  {}",
                100.0 * value,
                100.0 * target,
                s.misses.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn typos_are_deterministic_and_one_edit_away() {
    let t = with_typo("Stripe: 402 Payment Required and card_declined").unwrap();
    assert_eq!(
        t,
        with_typo("Stripe: 402 Payment Required and card_declined").unwrap()
    );
    assert_ne!(t, "Stripe: 402 Payment Required and card_declined");
    assert!(with_typo("A b c").is_none());
    assert!(is_identifier("insufficient_quota"));
    assert!(is_identifier("WWW-Authenticate"));
    assert!(is_identifier("dailyLimitExceeded402"));
    assert!(!is_identifier("stale"));
    assert!(!is_identifier("402"));
    assert!(!is_identifier("a b"));
    assert!(contains_whole("the card_declined code", "card_declined"));
    assert!(!contains_whole("the card_declined_x code", "card_declined"));
}
