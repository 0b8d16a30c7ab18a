//! `remedy search`: finding a built site's index, opening it and shaping
//! results for scripts. The query engine itself is `search`; this module
//! only knows where a project keeps its site and how URLs are shown.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::{Config, Overrides};
use crate::diagnostics::{Diagnostic, Failure};
use crate::search::{Options, PageHit, SearchIndex, INDEX_DIR};

/// A built site to search, and how its URLs are shown.
pub struct Site {
    /// The site's folder.
    pub dir: PathBuf,
    /// Prefix of every result URL: the site URL when it has a host, else
    /// the base path (`/` for `--site`).
    pub base: String,
}

/// One result as `remedy search --json` prints it (keys in alphabetical
/// order, as earlier versions printed them).
#[derive(Debug, Serialize)]
pub struct JsonHit<'a> {
    /// The page's status codes.
    pub codes: &'a [u16],
    /// `guide` or `step`.
    pub kind: &'static str,
    /// BM25 score.
    pub score: f64,
    /// The section's heading, if the hit is not the page's top.
    pub section: Option<&'a str>,
    /// Text around the matched words.
    pub snippet: &'a str,
    /// The page's title.
    pub title: &'a str,
    /// Absolute URL (or path under the base path) with the section's anchor.
    pub url: String,
}

impl Site {
    /// A site folder given with `--site`; its URLs are shown from `/`.
    pub fn built(dir: &Path) -> Site {
        Site {
            dir: dir.to_path_buf(),
            base: "/".into(),
        }
    }

    /// The site a project builds into (`[build] build-dir`).
    pub fn of_project(root: &Path) -> Result<Site, Failure> {
        let config = Config::load(root, &Overrides::default())?;
        Ok(Site {
            base: config.site_url.public_url(""),
            dir: config.output_dir,
        })
    }

    /// Runs `query`; a missing or unreadable index is a located error.
    pub fn search(&self, query: &str, opts: &Options) -> Result<Vec<PageHit>, Failure> {
        let dir = self.dir.join(INDEX_DIR);
        if !dir.join("meta.json").is_file() {
            return Err(
                Diagnostic::error(format!("no search index in {}", dir.display()))
                    .with_help("run `remedy build` first (or pass --site with a built site)")
                    .into(),
            );
        }
        let index = SearchIndex::open(&dir).map_err(|e| {
            Diagnostic::error(format!("cannot read the search index: {e:#}"))
                .in_file(&dir)
                .with_help("rebuild the site with this version of remedy")
        })?;
        index
            .search(query, opts)
            .map_err(|e| Failure::from(Diagnostic::error(format!("the search failed: {e:#}"))))
    }

    /// Results as `--json` prints them: URLs made absolute with `base`.
    pub fn json<'a>(&self, hits: &'a [PageHit]) -> Vec<JsonHit<'a>> {
        hits.iter()
            .map(|h| JsonHit {
                title: &h.title,
                section: h.heading.as_deref(),
                url: format!("{}{}", self.base, h.url),
                score: f64::from(h.score),
                codes: &h.codes,
                kind: h.kind,
                snippet: &h.snippet,
            })
            .collect()
    }
}

/// What a pasted response leads to in one of the site's trees, for the top
/// of `remedy search`'s results (the search box shows the same card).
#[derive(Debug, Clone, PartialEq)]
pub struct PasteOutcome {
    /// The tree's title.
    pub tree: String,
    /// The node reached: a remedy, or the question that needs the reader.
    pub node: String,
    /// Its heading.
    pub heading: String,
    /// True for a remedy.
    pub remedy: bool,
    /// Questions the paste answered.
    pub answered: usize,
    /// What decided the last answer, in words (at a remedy).
    pub because: Option<String>,
    /// The step's URL.
    pub url: String,
    /// At a question: the likeliest remedies under it, `(heading, url)`.
    pub candidates: Vec<(String, String)>,
    /// At a remedy: the site paths of its guide pages, in its order.
    pub guides: Vec<String>,
}

impl PasteOutcome {
    /// Moves the remedy's guide pages to the top of `hits`, in the
    /// remedy's order: the card says what the paste is, and the first
    /// result is then the page that explains it. Pages not among the hits
    /// are not added; at a question nothing moves.
    pub fn lead(&self, hits: &mut Vec<PageHit>) {
        for guide in self.guides.iter().rev() {
            if let Some(i) = hits
                .iter()
                .position(|h| h.url.split('#').next() == Some(guide))
            {
                let hit = hits.remove(i);
                hits.insert(0, hit);
            }
        }
    }
}

impl Site {
    /// Walks every tree of the built site with `query` when it reads as a
    /// pasted response (a status line with headers or a body, JSON, or
    /// several headers); the first tree that reaches a remedy, else the one
    /// that answered most. `None` for an ordinary query or a site without
    /// trees (an unreadable data file is skipped: search still answers).
    pub fn triage(&self, query: &str) -> Option<PasteOutcome> {
        let text = crate::tree::paste::cap(query, crate::tree::paste::MAX_PASTE_CHARS);
        if !crate::tree::paste::parse(text).looks_like_response() {
            return None;
        }
        let meta = std::fs::read_to_string(self.dir.join("search/meta.js")).ok()?;
        let json = crate::search::pack::meta_json(&meta)?;
        let meta: serde_json::Value = serde_json::from_str(json).ok()?;
        let mut best: Option<PasteOutcome> = None;
        for url in meta
            .get("triage")?
            .as_array()?
            .iter()
            .filter_map(|u| u.as_str())
        {
            let file = url.split('?').next().unwrap_or(url);
            // Only files inside the site: meta.js is data, and a damaged or
            // planted one must not send the CLI reading elsewhere.
            let inside = Path::new(file)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                continue;
            }
            let Ok(script) = std::fs::read_to_string(self.dir.join(file)) else {
                continue;
            };
            let Ok(data) = crate::tree::triage::Data::from_script(&script) else {
                continue;
            };
            let walked = crate::tree::triage::walk_text(&data, text);
            let step = |id: &str| format!("{}{}#{id}", self.base, data.path);
            let guides = data
                .evidence
                .as_ref()
                .and_then(|m| {
                    let r = m.remedies.iter().find(|r| r.id == walked.node)?;
                    Some(
                        r.pages
                            .iter()
                            .map(|&p| m.pages[p as usize].path.clone())
                            .collect(),
                    )
                })
                .unwrap_or_default();
            let outcome = PasteOutcome {
                guides,
                candidates: walked
                    .candidates
                    .iter()
                    .take(3)
                    .map(|c| {
                        (
                            data.headings.get(&c.node).cloned().unwrap_or_default(),
                            step(&c.node),
                        )
                    })
                    .collect(),
                tree: data.title.clone(),
                heading: data.headings.get(&walked.node).cloned().unwrap_or_default(),
                remedy: !data.questions.contains_key(&walked.node),
                answered: walked.steps.len(),
                because: walked
                    .steps
                    .last()
                    .filter(|_| !data.questions.contains_key(&walked.node))
                    .map(|s| s.signal.clone()),
                url: step(&walked.node),
                node: walked.node,
            };
            let better = match &best {
                None => true,
                Some(b) => (outcome.remedy, outcome.answered) > (b.remedy, b.answered),
            };
            if better {
                best = Some(outcome);
            }
        }
        best.filter(|b| b.answered > 0)
    }
}
