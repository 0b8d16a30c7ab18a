//! Evidence: what a paste has in common with the guides under each remedy,
//! for the questions no signal decides.
//!
//! Signals know the shapes their author thought of. Evidence knows what the
//! site itself says: every remedy links guides, and a guide that shows
//! `insufficient_credits`, `api.cohere.com` or a problem `type` URI is
//! evidence for its remedies when a paste shows the same. How much a term
//! counts is how specific it is to a *page* (not a section): a term on one
//! page of 60 weighs ln 60 ≈ 4.1, one on every page weighs nothing, so
//! `date`, `content-type`, `HTTP/2` or a UUID (on no page) add little or
//! nothing.
//!
//! A term weighs `ln(N / df)^2` (N pages, df of them with the term): the
//! power lets one identifier on one page outweigh a handful of words on
//! ten. A remedy's raw score is the sum, over the distinct terms of the
//! paste, of the term's weight once if one of its guide pages has the term
//! and twice if the section a guide link points at (or the remedy's own
//! text) has it. Long general pages (caching, serving) share something
//! with every paste, so the raw score is divided by `0.5 + 0.5 * L / avg`,
//! L being how many of the model's terms the remedy has and avg the mean
//! over remedies. A host the paste names that one of its pages declares
//! (`hosts` in front matter) then adds a bonus worth several rare terms: a
//! host names the service, so once a paste names one, remedies
//! without any host of the paste keep only part of their score. A remedy whose pages declare hosts is ruled out
//! when the paste says which host the request went to and that host is not
//! one of them: a response from a service the site does not cover never
//! lands on another service's remedy.
//!
//! Weights and scores are integers (hundredths), so the browser's copy of
//! this arithmetic (`triage-engine.js`) adds up to exactly the same numbers.
//! The model is built once per tree at build time and published with the
//! tree page (`FORMAT.md` in this folder); `remedy triage` builds the same
//! one.

pub mod terms;

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::paste::Paste;
use super::{NodeKind, Tree};
use crate::markdown::TextSection;

/// How evidence decides. Calibrated on the tuning half of `tests/triage/`
/// (see the README's "Evidence" section); published with the model so the
/// browser reads the same numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Terms lighter than this (on most pages) are left out of the model.
    pub min_weight: u32,
    /// How much of a remedy's score its length normalises (percent).
    pub length: u32,
    /// Score of a paste host that a page declares exactly.
    pub host_exact: u32,
    /// Score of a paste host on the same site as a declared one.
    pub host_site: u32,
    /// Percentage of its score a remedy keeps when the paste names a
    /// declared host (exactly or on its site) and no host of the paste is
    /// one of its own.
    pub unmatched: u32,
    /// The best remedy needs at least this score to decide a question.
    pub min_score: u32,
    /// ... and at least this much more than the best remedy under any other answer.
    pub margin: u32,
    /// ... and at least this percentage of it.
    pub ratio: u32,
    /// ... and a host of the paste, or a term of at least this weight that
    /// is not only a JSON key or header name of the paste (`request_id`,
    /// `x-request-id`, `param` say which schema, not which service).
    pub distinct: u32,
    /// Remedies listed when the walk stops at a question.
    pub candidates: u32,
    /// How many times its weight a term counts for a remedy when one of
    /// its guide pages has it...
    pub on_page: u32,
    /// ... and when one of its units (a linked section, its own text) has it.
    pub in_unit: u32,
}

/// The calibrated parameters.
pub const PARAMS: Params = Params {
    min_weight: 30,
    length: 50,
    host_exact: 6000,
    host_site: 2000,
    unmatched: 50,
    min_score: 2500,
    margin: 400,
    ratio: 110,
    distinct: 500,
    candidates: 5,
    on_page: 1,
    in_unit: 2,
};

/// A page as evidence reads it. Tree pages are left out by the caller.
pub struct PageText<'a> {
    /// Content path (`providers/stripe.md`), as remedies name their guides.
    pub file: &'a str,
    /// Site path (`providers/stripe/`).
    pub path: &'a str,
    /// Title and description.
    pub title: &'a str,
    /// Front matter's description, if any.
    pub description: Option<&'a str>,
    /// Front matter's `hosts`.
    pub hosts: Vec<String>,
    /// The rendered text by section.
    pub sections: &'a [TextSection],
}

/// A guide page of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// Site path.
    pub path: String,
    /// Title.
    pub title: String,
    /// Declared hosts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
}

/// A remedy of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Remedy {
    /// The node's id in the tree.
    pub id: String,
    /// Its guide pages (indexes into [`Model::pages`]).
    pub pages: Vec<u32>,
    /// Its sections (indexes of the units in [`Term::units`]): the sections
    /// its guide links point at, and its own text.
    pub units: Vec<u32>,
    /// Its length divisor in percent: `100 - length + length * L / avg`.
    pub norm: u32,
}

/// One term of the model: its weight and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Term {
    /// `round(100 * ln(N / df)^2)`, N pages, df of them with the term.
    pub w: u32,
    /// Guide pages with the term.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub p: Vec<u32>,
    /// Units (sections linked by remedies, remedies' own texts) with it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub u: Vec<u32>,
}

/// The evidence model of one tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// How it decides.
    pub params: Params,
    /// Pages the site has (tree pages apart): what weights are relative to.
    pub site_pages: u32,
    /// The tree's guide pages.
    pub pages: Vec<Page>,
    /// Every remedy of the tree, in tree order.
    pub remedies: Vec<Remedy>,
    /// Terms, sorted.
    pub terms: BTreeMap<String, Term>,
}

/// What a paste offers as evidence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    /// Distinct terms, in order of first appearance.
    pub terms: Vec<String>,
    /// Hosts named anywhere.
    pub hosts: Vec<String>,
    /// Hosts the request went to ([`Paste::hosts`]).
    pub request_hosts: Vec<String>,
    /// Hosts of the URLs in the paste.
    pub url_hosts: Vec<String>,
    /// Terms of the paste's JSON keys and header names: its structure.
    pub structural: HashSet<String>,
}

impl Features {
    /// Reads `text` (already cut to [`super::paste::MAX_PASTE_CHARS`]) and
    /// its parsed `paste`.
    pub fn read(text: &str, paste: &Paste) -> Features {
        Features {
            terms: terms::distinct_terms(&terms::without_frames(text)),
            hosts: terms::hosts(text),
            request_hosts: paste.hosts.clone(),
            url_hosts: terms::url_hosts(text),
            structural: structural(paste),
        }
    }

    /// Whether `s` has evidence worth deciding on: a host, or a term of
    /// the paste's content (not only its structure) weighing `distinct`.
    pub fn distinct(&self, model: &Model, s: &Score) -> bool {
        s.host.is_some()
            || s.terms.iter().any(|(t, _)| {
                !self.structural.contains(t)
                    && model
                        .terms
                        .get(t)
                        .is_some_and(|x| x.w >= model.params.distinct)
            })
    }
}

/// The terms of a paste's JSON keys and header names that none of its
/// JSON strings or header values has: `activation_charges` as a key says
/// which schema, but `charges` is content when a value reads "accept
/// charges".
fn structural(paste: &Paste) -> HashSet<String> {
    use super::paste::Json;
    let mut keys = HashSet::default();
    let mut values = HashSet::default();
    let mut stack: Vec<&Json> = paste.json.iter().collect();
    while let Some(v) = stack.pop() {
        match v {
            Json::Obj(members) => {
                for (k, v) in members {
                    keys.extend(terms::distinct_terms(k));
                    stack.push(v);
                }
            }
            Json::Arr(items) => stack.extend(items),
            Json::Str(text) => values.extend(terms::distinct_terms(text)),
            _ => {}
        }
    }
    for (name, value) in paste.headers.iter().chain(&paste.sent) {
        keys.extend(terms::distinct_terms(name));
        values.extend(terms::distinct_terms(value));
    }
    keys.retain(|k| !values.contains(k));
    keys
}

/// How one remedy fares against a paste.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Score {
    /// The total, in hundredths.
    pub total: u32,
    /// Terms that counted, heaviest first (ties: alphabetical).
    pub terms: Vec<(String, u32)>,
    /// A paste host one of its pages declares (or shares a site with).
    pub host: Option<String>,
    /// Whether that host is declared exactly (not only its site).
    pub exact_host: bool,
    /// False when the paste's request went to a host none of its pages
    /// declare.
    pub eligible: bool,
    /// False when evidence may not pick it: its pages declare hosts, the
    /// paste names none of them, and it names a URL or request host on a
    /// site no page of the model declares (a service the site does not
    /// cover, whose words may still match another service's page).
    pub vouched: bool,
}

impl Model {
    /// Builds the model of `tree` from every page of the site.
    pub fn build(tree: &Tree, pages: &[PageText<'_>]) -> Model {
        let index: HashMap<&str, usize> =
            pages.iter().enumerate().map(|(i, p)| (p.file, i)).collect();
        // Guide pages, in order of first use; units (linked sections and
        // remedies' own texts) with their terms.
        let mut guide_of: BTreeMap<usize, u32> = BTreeMap::new();
        let mut model_pages: Vec<Page> = Vec::new();
        let mut unit_of: HashMap<(usize, Option<&str>), u32> = HashMap::default();
        let mut unit_terms: Vec<HashSet<String>> = Vec::new();
        let mut remedies = Vec::new();
        for node in &tree.nodes {
            let NodeKind::Remedy {
                title,
                body,
                guides,
                ..
            } = &node.kind
            else {
                continue;
            };
            let mut r = Remedy {
                id: node.id.clone(),
                pages: Vec::new(),
                units: Vec::new(),
                norm: 100,
            };
            for g in guides {
                let Some(&p) = index.get(g.file.as_str()) else {
                    continue;
                };
                let gi = *guide_of.entry(p).or_insert_with(|| {
                    model_pages.push(Page {
                        path: pages[p].path.to_string(),
                        title: pages[p].title.to_string(),
                        hosts: pages[p].hosts.clone(),
                    });
                    model_pages.len() as u32 - 1
                });
                if !r.pages.contains(&gi) {
                    r.pages.push(gi);
                }
                let key = (p, g.anchor.as_deref());
                let unit = *unit_of.entry(key).or_insert_with(|| {
                    unit_terms.push(section_terms(&pages[p], g.anchor.as_deref()));
                    unit_terms.len() as u32 - 1
                });
                if !r.units.contains(&unit) {
                    r.units.push(unit);
                }
            }
            let own = format!(
                "{title} {} {}",
                node.short.as_deref().unwrap_or(""),
                body.text
            );
            unit_terms.push(terms::distinct_terms(&own).into_iter().collect());
            r.units.push(unit_terms.len() as u32 - 1);
            remedies.push(r);
        }
        // The terms that can count: those of guide pages and units.
        // Indexed like `model_pages` (order of first use), as `Term::p` is.
        let mut site_page = vec![0; model_pages.len()];
        for (&p, &g) in &guide_of {
            site_page[g as usize] = p;
        }
        let guide_terms: Vec<HashSet<String>> =
            site_page.iter().map(|&p| page_terms(&pages[p])).collect();
        // Where each term stands, gathered in one pass over the sets (pages
        // and units in index order, so the lists come out sorted).
        let mut postings: HashMap<&str, (Vec<u32>, Vec<u32>)> = HashMap::default();
        for (g, set) in guide_terms.iter().enumerate() {
            for t in set {
                postings.entry(t.as_str()).or_default().0.push(g as u32);
            }
        }
        for (u, set) in unit_terms.iter().enumerate() {
            for t in set {
                postings.entry(t.as_str()).or_default().1.push(u as u32);
            }
        }
        // Document frequencies over every page, for those terms only; the
        // pages that are not guides are read in parallel.
        let mut df: HashMap<&str, u32> = HashMap::default();
        for set in &guide_terms {
            for t in set {
                *df.entry(t.as_str()).or_default() += 1;
            }
        }
        let others: Vec<Vec<&str>> = pages
            .par_iter()
            .enumerate()
            .filter(|(i, _)| !guide_of.contains_key(i))
            .map(|(_, page)| {
                page_terms(page)
                    .iter()
                    .filter_map(|t| postings.get_key_value(t.as_str()).map(|(k, _)| *k))
                    .collect()
            })
            .collect();
        for t in others.into_iter().flatten() {
            *df.entry(t).or_default() += 1;
        }
        let n = pages.len().max(1) as f64;
        let mut terms_out: BTreeMap<String, Term> = BTreeMap::new();
        for (&t, (p, u)) in &postings {
            let d = df.get(t).copied().unwrap_or(0).max(1) as f64;
            let w = (100.0 * (n / d).ln().max(0.0).powi(2)).round() as u32;
            if w < PARAMS.min_weight {
                continue;
            }
            terms_out.insert(
                t.to_string(),
                Term {
                    w,
                    p: p.clone(),
                    u: u.clone(),
                },
            );
        }
        // Each remedy's length: the model's terms it has, on one of its
        // pages or in one of its units.
        let lengths: Vec<usize> = remedies
            .iter()
            .map(|r| {
                let mut mine: HashSet<&str> = HashSet::default();
                for set in r
                    .pages
                    .iter()
                    .map(|&p| &guide_terms[p as usize])
                    .chain(r.units.iter().map(|&u| &unit_terms[u as usize]))
                {
                    mine.extend(
                        set.iter()
                            .map(String::as_str)
                            .filter(|t| terms_out.contains_key(*t)),
                    );
                }
                mine.len()
            })
            .collect();
        let avg = lengths.iter().sum::<usize>() as f64 / lengths.len().max(1) as f64;
        for (r, &l) in remedies.iter_mut().zip(&lengths) {
            let b = f64::from(PARAMS.length);
            r.norm = if avg > 0.0 {
                (100.0 - b + b * l as f64 / avg).round().max(1.0) as u32
            } else {
                100
            };
        }
        Model {
            params: PARAMS,
            site_pages: pages.len() as u32,
            pages: model_pages,
            remedies,
            terms: terms_out,
        }
    }

    /// Checks a model read back from a file: every index in range.
    pub fn check(&self) -> Result<(), String> {
        let pages = self.pages.len() as u32;
        let units = self
            .remedies
            .iter()
            .flat_map(|r| r.units.iter().copied())
            .max()
            .map_or(0, |u| u + 1);
        let bad_page = self
            .remedies
            .iter()
            .flat_map(|r| &r.pages)
            .any(|&p| p >= pages)
            || self.terms.values().flat_map(|t| &t.p).any(|&p| p >= pages);
        let bad_unit = self.terms.values().flat_map(|t| &t.u).any(|&u| u >= units);
        if bad_page || bad_unit {
            return Err("triage data has an evidence index out of range".into());
        }
        Ok(())
    }

    /// Scores every remedy (in [`Model::remedies`] order) against `f`.
    pub fn score(&self, f: &Features) -> Vec<Score> {
        let mut out = vec![
            Score {
                eligible: true,
                vouched: true,
                ..Score::default()
            };
            self.remedies.len()
        ];
        let known: HashSet<&str> = self
            .pages
            .iter()
            .flat_map(|p| p.hosts.iter())
            .map(|d| terms::site(d.trim_start_matches("*.")))
            .collect();
        let foreign = f
            .url_hosts
            .iter()
            .chain(&f.request_hosts)
            .any(|h| !known.contains(terms::site(h)));
        let mut by_page: Vec<Vec<usize>> = vec![Vec::new(); self.pages.len()];
        let mut by_unit: HashMap<u32, Vec<usize>> = HashMap::default();
        for (r, rem) in self.remedies.iter().enumerate() {
            for &p in &rem.pages {
                by_page[p as usize].push(r);
            }
            for &u in &rem.units {
                by_unit.entry(u).or_default().push(r);
            }
        }
        let mut level = vec![0u32; self.remedies.len()];
        for t in &f.terms {
            let Some(term) = self.terms.get(t) else {
                continue;
            };
            level.iter_mut().for_each(|l| *l = 0);
            for &p in &term.p {
                for &r in &by_page[p as usize] {
                    level[r] = level[r].max(self.params.on_page);
                }
            }
            for u in &term.u {
                for &r in by_unit.get(u).map(Vec::as_slice).unwrap_or_default() {
                    level[r] = level[r].max(self.params.in_unit);
                }
            }
            for (r, &l) in level.iter().enumerate() {
                if l > 0 {
                    out[r].total += term.w * l;
                    out[r].terms.push((t.clone(), term.w * l));
                }
            }
        }
        for (r, rem) in self.remedies.iter().enumerate() {
            let declared: Vec<&str> = rem
                .pages
                .iter()
                .flat_map(|&p| self.pages[p as usize].hosts.iter().map(String::as_str))
                .collect();
            let exact = |h: &str| declared.iter().any(|d| terms::host_matches(d, h));
            let same_site = |h: &str| {
                declared
                    .iter()
                    .any(|d| terms::site(d.trim_start_matches("*.")) == terms::site(h))
            };
            let s = &mut out[r];
            s.total = s.total * 100 / rem.norm.max(1);
            if let Some(h) = f.hosts.iter().find(|h| exact(h)) {
                s.total += self.params.host_exact;
                s.host = Some(h.clone());
                s.exact_host = true;
            } else if let Some(h) = f.hosts.iter().find(|h| same_site(h)) {
                s.total += self.params.host_site;
                s.host = Some(h.clone());
            }
            s.eligible = declared.is_empty()
                || f.request_hosts.is_empty()
                || f.request_hosts.iter().any(|h| exact(h) || same_site(h));
            s.vouched = declared.is_empty() || s.host.is_some() || !foreign;
            s.terms
                .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        if out.iter().any(|s| s.host.is_some()) {
            for s in out.iter_mut().filter(|s| s.host.is_none()) {
                s.total = s.total * self.params.unmatched / 100;
            }
        }
        out
    }
}

/// Every term of a page: title, description, hosts and all its text.
fn page_terms(page: &PageText<'_>) -> HashSet<String> {
    let mut text = String::new();
    text.push_str(page.title);
    text.push(' ');
    text.push_str(page.description.unwrap_or(""));
    for h in &page.hosts {
        text.push(' ');
        text.push_str(h);
    }
    for s in page.sections {
        text.push(' ');
        text.push_str(s.heading.as_deref().unwrap_or(""));
        text.push(' ');
        text.push_str(&s.text);
    }
    terms::distinct_terms(&text).into_iter().collect()
}

/// The terms of the section `anchor` points at, with its subsections (the
/// whole page without an anchor, or when the anchor is not a section's).
fn section_terms(page: &PageText<'_>, anchor: Option<&str>) -> HashSet<String> {
    let Some(at) = anchor.and_then(|a| {
        page.sections
            .iter()
            .position(|s| s.id.as_deref() == Some(a))
    }) else {
        return page_terms(page);
    };
    let level = page.sections[at].level;
    let mut text = String::new();
    for s in std::iter::once(&page.sections[at]).chain(
        page.sections[at + 1..]
            .iter()
            .take_while(|s| s.level > level),
    ) {
        text.push_str(s.heading.as_deref().unwrap_or(""));
        text.push(' ');
        text.push_str(&s.text);
        text.push(' ');
    }
    terms::distinct_terms(&text).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Source;

    fn tree() -> Tree {
        // Remedy `b` comes first, so its page is the model's page 0 while
        // it is the site's page 1: indexes must not be mixed up.
        let text = r#"
[tree]
title = "T"
start = "q"

[[question]]
id = "q"
text = "Q?"
answers = [{ label = "B", next = "b" }, { label = "A", next = "a" }, { label = "C", next = "c" }]

[[remedy]]
id = "b"
title = "Bravo"
body = "x"
guides = ["b.md"]

[[remedy]]
id = "a"
title = "Alpha"
body = "x"
guides = ["a.md#deep"]

[[remedy]]
id = "c"
title = "Charlie"
body = "x"
guides = ["c.md"]
"#;
        crate::tree::parse(&Source::new("t.toml", text)).unwrap()
    }

    fn section(id: Option<&str>, level: u8, text: &str) -> TextSection {
        TextSection {
            id: id.map(str::to_string),
            heading: id.map(str::to_string),
            level,
            text: text.to_string(),
            code: String::new(),
        }
    }

    #[test]
    fn structure_is_keys_and_header_names_that_no_value_repeats() {
        let text = "HTTP/1.1 402 Payment Required\nX-Request-Id: 7f3a\n\n{\"activation_charges\": 10.0, \"request_id\": \"9abd\", \"message\": \"accept charges\"}";
        let f = Features::read(text, &super::super::paste::parse(text));
        for t in [
            "activation_charges",
            "activation",
            "request_id",
            "x-request-id",
            "message",
        ] {
            assert!(f.structural.contains(t), "{t} is structure");
        }
        for t in ["charges", "accept"] {
            assert!(!f.structural.contains(t), "{t} is content");
        }
        assert!(f.terms.contains(&"charges".to_string()));
    }

    #[test]
    fn terms_are_credited_to_their_own_pages_and_sections() {
        let a = [
            section(None, 0, "intro alphaword shared"),
            section(Some("deep"), 2, "deepword"),
            section(Some("sub"), 3, "subword"),
            section(Some("other"), 2, "otherword"),
        ];
        let b = [section(None, 0, "bravoword shared")];
        let c = [section(None, 0, "charlieword shared")];
        let page = |file, path, sections| PageText {
            file,
            path,
            title: "",
            description: None,
            hosts: if file == "c.md" {
                vec!["api.charlie.example".into()]
            } else {
                Vec::new()
            },
            sections,
        };
        let pages = [
            page("a.md", "a/", &a[..]),
            page("b.md", "b/", &b[..]),
            page("c.md", "c/", &c[..]),
        ];
        let m = Model::build(&tree(), &pages);
        let page_of = |t: &str| -> Vec<&str> {
            m.terms[t]
                .p
                .iter()
                .map(|&p| m.pages[p as usize].path.as_str())
                .collect()
        };
        assert_eq!(page_of("bravoword"), ["b/"]);
        assert_eq!(page_of("alphaword"), ["a/"]);
        // On every page: weight 0, left out.
        assert!(!m.terms.contains_key("shared"));
        let score = |text: &str| {
            let f = Features::read(text, &crate::tree::paste::parse(text));
            m.score(&f)
        };
        // `a` links a.md#deep: its subsection counts twice, a sibling once.
        let s = score("deepword subword otherword");
        let a = &s[1];
        assert_eq!(a.terms.len(), 3);
        let w = |t: &str| m.terms[t].w;
        assert_eq!(
            a.terms
                .iter()
                .map(|(t, p)| (t.as_str(), *p))
                .collect::<Vec<_>>(),
            {
                let mut v = vec![
                    ("deepword", 2 * w("deepword")),
                    ("subword", 2 * w("subword")),
                    ("otherword", w("otherword")),
                ];
                v.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
                v
            }
        );
        assert_eq!(s[0].total, 0);
        // A declared host: a bonus for its remedy; a request to another
        // host rules it out.
        let s = score("see https://api.charlie.example/v1");
        assert_eq!(s[2].host.as_deref(), Some("api.charlie.example"));
        assert!(s[2].total >= PARAMS.host_exact);
        let s = score("> Host: api.elsewhere.example\n< HTTP/1.1 402\n\ncharlieword");
        assert!(!s[2].eligible);
        assert!(s[0].eligible && s[1].eligible);
    }
}
