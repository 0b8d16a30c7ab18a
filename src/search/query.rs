//! Turning what a reader typed into clauses, and running them on tantivy.
//!
//! The planning rules (`FORMAT.md`, "Query rules") are the contract with
//! the browser client, which implements them again in JavaScript over the
//! exported vocabulary. Keeping the plan a plain list of `(field, term,
//! boost)` clauses is what makes the two comparable score for score.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context as _, Result};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

use super::analyzer::{self, runs, Stem};
use super::fragments::Fragments;
use super::index::Fields;
use super::morph;
use super::rules::*;
use super::vocabulary::Shards;
pub use super::vocabulary::Vocabulary;
use super::{reasons, Kind, FIELD_BOOSTS};

/// One scoring clause: a term in a field, with its boost.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    pub field: usize,
    pub term: String,
    pub boost: f32,
}

/// A planned query.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Summed into the score.
    pub should: Vec<Clause>,
    /// Each quoted phrase, as the primary terms of its words.
    pub phrases: Vec<Vec<String>>,
}

/// A status code as a term: three digits, 100 to 599.
fn is_code(term: &str) -> bool {
    term.len() == 3
        && term.bytes().all(|b| b.is_ascii_digit())
        && (b'1'..=b'5').contains(&term.as_bytes()[0])
}

#[derive(Clone, Debug)]
struct Resolved {
    terms: Vec<(String, f32)>,
    /// `RUN_PART` for a part of a multi-part run, else 1.
    scale: f32,
}

impl Resolved {
    fn primary(&self) -> &str {
        &self.terms[0].0
    }
    fn exact(&self) -> bool {
        self.terms[0].1 >= 1.0
    }
}

fn resolve(word: &str, vocab: &dyn Vocabulary) -> Option<Resolved> {
    if let Some(term) = vocab.term(word) {
        // The word, then its family (`cacheable` brings `cache`'s pages).
        let family = morph::family(word, &term, vocab);
        let mut terms = vec![(term, 1.0)];
        terms.extend(family.into_iter().map(|t| (t, NEAR)));
        return Some(Resolved { terms, scale: 1.0 });
    }
    // Not in the text, but derived from a word that is (`retryable`).
    let mut derived: Vec<(String, f32)> = Vec::new();
    for (_, t) in morph::bases(word, vocab) {
        if derived.iter().all(|d| d.0 != t) {
            derived.push((t, NEAR));
        }
    }
    if !derived.is_empty() {
        derived.truncate(NEAR_TERMS);
        return Some(Resolved {
            terms: derived,
            scale: 1.0,
        });
    }
    let len = word.chars().count();
    if len < TYPO_MIN || !word.chars().any(char::is_alphabetic) {
        return None;
    }
    let k = if len < TYPO_TWO { 1 } else { 2 };
    let first: String = word.chars().take(1).collect();
    let mut best: Vec<(usize, String)> = vocab
        .starting_with(&first)
        .into_iter()
        .filter(|c| c.chars().count().abs_diff(len) <= k)
        // Optimal string alignment: Damerau distance, no substring edited
        // twice, on characters (`paymnet` is one edit from `payment`).
        .map(|c| (strsim::osa_distance(word, &c), c))
        .filter(|(d, _)| *d <= k)
        .collect();
    let min = best.iter().map(|b| b.0).min()?;
    best.retain(|b| b.0 == min);
    best.sort();
    let terms = best
        .into_iter()
        .take(NEAR_TERMS)
        .filter_map(|(_, w)| vocab.term(&w).map(|t| (t, NEAR)))
        .collect::<Vec<_>>();
    (!terms.is_empty()).then_some(Resolved { terms, scale: 1.0 })
}

/// Splits a query into segments: the text outside quotes, then each
/// quoted phrase. An unmatched quote is ignored, and so are all quotes of
/// a paste: more than `MAX_PHRASES` phrases, or JSON or `key="value"`
/// syntax (`{`, `}`, `=`).
fn segments(query: &str) -> (String, Vec<String>) {
    let pieces: Vec<&str> = query.split('"').collect();
    if pieces.len() > 2 * MAX_PHRASES + 2 || query.contains(['{', '}', '=']) {
        return (pieces.join(" "), Vec::new());
    }
    let mut plain = Vec::new();
    let mut phrases = Vec::new();
    let balanced = pieces.len() % 2 == 1;
    for (i, piece) in pieces.iter().enumerate() {
        let last_unmatched = !balanced && i == pieces.len() - 1;
        if i % 2 == 1 && !last_unmatched {
            phrases.push(piece.to_string());
        } else {
            plain.push(*piece);
        }
    }
    (plain.join(" "), phrases)
}

/// Clauses by `(field, term)`; the same one twice keeps the larger boost.
#[derive(Default)]
struct Clauses(BTreeMap<(usize, String), f32>);

impl Clauses {
    fn add(&mut self, field: usize, term: &str, boost: f32) {
        let slot = self.0.entry((field, term.to_string())).or_insert(boost);
        if boost > *slot {
            *slot = boost;
        }
    }

    /// The term on the three text fields, each with its boost times `weight`.
    fn text(&mut self, term: &str, weight: f32) {
        for (field, boost) in FIELD_BOOSTS[..3].iter().enumerate() {
            self.add(field, term, boost * weight);
        }
    }
}

/// Plans a query (see `FORMAT.md`).
pub fn plan(query: &str, vocab: &dyn Vocabulary, syn: &BTreeMap<String, Vec<String>>) -> Plan {
    let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
    let (plain, phrases) = segments(&query);
    let mut clauses = Clauses::default();
    let mut out = Plan::default();
    for (s, segment) in std::iter::once(&plain).chain(&phrases).enumerate() {
        let is_phrase = s > 0;
        let mut resolved: Vec<Resolved> = Vec::new();
        let all = runs(segment);
        let kept = informative(&all, segment, vocab);
        // Which run each resolved word came from: in a paste, words of two
        // kept runs were not side by side, so only words of one run pair.
        let mut from_run: Vec<usize> = Vec::new();
        for (i, run) in all.iter().enumerate() {
            if kept.as_ref().is_some_and(|k| !k.contains(&i)) {
                continue;
            }
            // An identifier typed whole outweighs its words; a paste has
            // dozens, none chosen by the reader, so there only words count.
            let scale = if run.parts.len() > 1 && kept.is_none() {
                let whole = segment[run.range.clone()].to_lowercase();
                clauses.text(&whole, RUN);
                RUN_PART
            } else {
                1.0
            };
            for part in &run.parts {
                let word = segment[part.clone()].to_lowercase();
                let Some(mut r) = resolve(&word, vocab) else {
                    continue;
                };
                r.scale = scale;
                from_run.push(i);
                for (term, weight) in &r.terms {
                    clauses.text(term, weight * scale);
                }
                resolved.push(r);
            }
        }
        // Identifiers as code writes them, unstemmed (rule 4b): not in a
        // paste, whose symbols no reader chose.
        if kept.is_none() {
            for (symbol, shaped) in analyzer::query_symbols(segment) {
                let weight = if shaped { SHAPED } else { 1.0 };
                clauses.add(SYMBOLS, &symbol, FIELD_BOOSTS[SYMBOLS] * weight);
            }
        }
        for (j, pair) in resolved.windows(2).enumerate() {
            if kept.is_some() && from_run[j] != from_run[j + 1] {
                continue;
            }
            let boost = if pair[0].exact() && pair[1].exact() {
                1.0
            } else {
                NEAR
            } * pair[0].scale.min(pair[1].scale);
            clauses.add(
                3,
                &format!("{} {}", pair[0].primary(), pair[1].primary()),
                FIELD_BOOSTS[3] * boost,
            );
        }
        let primaries: Vec<&str> = resolved.iter().map(Resolved::primary).collect();
        // A query that is a heading word for word (rule 4c): every word
        // found as typed, none left out.
        let words: usize = all.iter().map(|r| r.parts.len()).sum();
        if !is_phrase
            && kept.is_none()
            && !resolved.is_empty()
            && resolved.len() == words
            && resolved.iter().all(Resolved::exact)
        {
            clauses.add(WHOLE, &primaries.join(" "), FIELD_BOOSTS[WHOLE]);
        }
        // A query that names two status codes asks how they differ: the
        // sections whose headings name them weigh eight times as much.
        let mut codes: Vec<&str> = primaries.iter().copied().filter(|p| is_code(p)).collect();
        codes.sort_unstable();
        codes.dedup();
        if codes.len() >= 2 {
            for code in &codes {
                clauses.add(1, code, FIELD_BOOSTS[1] * COMPARED);
            }
        }
        for (code, reason) in syn {
            if primaries.contains(&code.as_str()) {
                if reason.len() == 1 {
                    clauses.text(&reason[0], SYNONYM);
                } else {
                    for pair in reason.windows(2) {
                        clauses.add(
                            3,
                            &format!("{} {}", pair[0], pair[1]),
                            FIELD_BOOSTS[3] * SYNONYM,
                        );
                    }
                }
            }
            let r: Vec<&str> = reason.iter().map(String::as_str).collect();
            if !r.is_empty() && primaries.windows(r.len()).any(|w| w == r.as_slice()) {
                clauses.text(code, SYNONYM);
            }
        }
        if is_phrase && !primaries.is_empty() {
            out.phrases
                .push(primaries.iter().map(|p| p.to_string()).collect());
        }
    }
    out.should = clauses
        .0
        .into_iter()
        .map(|((field, term), boost)| Clause { field, term, boost })
        .collect();
    out
}

/// For a paste (more than `MAX_QUERY_PARTS` words), the runs to search,
/// by how specific they are to a page (FORMAT.md, rule 2): each distinct
/// run once; a run with a word the site does not have is left out (request
/// ids, UUIDs, dates match nothing), and so is a run on more than half the
/// pages (`content-type`, `HTTP/2`), and so is a run of several all-digit
/// parts (dates, times, addresses, versions); the rest ordered by the
/// number of pages of their rarest word with a letter (a number: its own),
/// then identifiers before codes before words, then by position, while the
/// words fit in `MAX_QUERY_PARTS`. Words of three
/// characters or fewer count only inside identifiers or with a digit.
/// `None` for an ordinary query: every run counts.
fn informative(
    runs: &[analyzer::Run],
    text: &str,
    vocab: &dyn Vocabulary,
) -> Option<std::collections::BTreeSet<usize>> {
    let parts: usize = runs.iter().map(|r| r.parts.len()).sum();
    if parts <= MAX_QUERY_PARTS {
        return None;
    }
    let total = vocab.page_count();
    let mut seen = std::collections::HashSet::new();
    let mut ranked: Vec<(u32, u8, usize)> = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let whole = text[run.range.clone()].to_lowercase();
        let class = if run.parts.len() > 1 {
            0
        } else if whole.bytes().any(|b| b.is_ascii_digit()) {
            1
        } else if whole.chars().count() >= PASTE_WORD_MIN {
            2
        } else {
            continue;
        };
        if !seen.insert(whole) {
            continue;
        }
        let words: Vec<(u32, bool)> = run
            .parts
            .iter()
            .map(|p| {
                let w = text[p.clone()].to_lowercase();
                (vocab.pages(&w), w.bytes().any(|b| !b.is_ascii_digit()))
            })
            .collect();
        // A word the site lacks, or a date, time, address or version.
        if words.iter().any(|w| w.0 == 0) || (words.len() > 1 && words.iter().all(|w| !w.1)) {
            continue;
        }
        let lettered = words.iter().filter(|w| w.1).map(|w| w.0).min();
        let spec = lettered.unwrap_or_else(|| words.iter().map(|w| w.0).max().unwrap_or(0));
        if u64::from(spec) * 2 > u64::from(total) {
            continue;
        }
        ranked.push((spec, class, i));
    }
    ranked.sort_unstable();
    let mut kept = std::collections::BTreeSet::new();
    let mut used = 0;
    for (_, _, i) in ranked {
        let n = runs[i].parts.len();
        if used + n <= MAX_QUERY_PARTS {
            used += n;
            kept.insert(i);
        }
    }
    Some(kept)
}

/// Whether a clause is a whole identifier: a text field's term with a
/// joiner (parts have none; pair terms have a space instead).
fn is_run(field: usize, term: &str) -> bool {
    field < 3 && term.contains(|c| JOINERS.contains(c))
}

/// Filters for a search.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub limit: usize,
    pub code: Option<u16>,
    pub kind: Option<Kind>,
}

/// One matching document (section) with its score.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub doc: u32,
    pub score: f32,
}

/// tantivy panics on a schema that names a field twice (found by fuzzing a
/// built site's `meta.json`, issue 22): refuse one as an error first. Any
/// other damage is left to tantivy, which reports it.
fn fields_named_once(dir: &Path) -> Result<()> {
    let Ok(text) = std::fs::read_to_string(dir.join("meta.json")) else {
        return Ok(());
    };
    let Ok(meta) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Ok(());
    };
    let mut seen = std::collections::HashSet::new();
    for field in meta["schema"].as_array().into_iter().flatten() {
        if let Some(name) = field["name"].as_str() {
            if !seen.insert(name) {
                anyhow::bail!("meta.json declares the field `{name}` twice");
            }
        }
    }
    Ok(())
}

/// A page in the results, at its best section.
#[derive(Clone, Debug, serde::Serialize)]
pub struct PageHit {
    pub title: String,
    pub heading: Option<String>,
    /// Relative to the site root, with the section's anchor.
    pub url: String,
    pub score: f32,
    pub codes: Vec<u16>,
    pub kind: &'static str,
    /// Text around the matched words.
    pub snippet: String,
    /// Byte ranges of `snippet` to highlight.
    #[serde(skip)]
    pub highlighted: Vec<std::ops::Range<usize>>,
    pub doc: u32,
}

/// An index read from a built site.
pub struct SearchIndex {
    /// The site's `search/` folder (the index is its `index/`).
    dir: std::path::PathBuf,
    /// Snippet texts, read when a search first needs them.
    fragments: std::cell::OnceCell<Fragments>,
    reader: IndexReader,
    fields: Fields,
    syn: BTreeMap<String, Vec<String>>,
    /// The vocabulary, from the shards the search box reads.
    shards: Shards,
    /// How documents are numbered across segments, which page each is on
    /// and which are reference sections: read once, the index never
    /// changes under a reader.
    docs: Docs,
}

/// What every query needs to know about the documents.
struct Docs {
    bases: Vec<u32>,
    page_of: Vec<u32>,
    pages: u32,
    references: std::collections::HashSet<u32>,
}

impl SearchIndex {
    /// Opens the index of a built site (`<site>/search/index`).
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        fields_named_once(dir)
            .with_context(|| format!("cannot open the search index in {}", dir.display()))?;
        let index = super::readonly::ReadOnly::open(dir)
            .and_then(Index::open)
            .with_context(|| format!("cannot open the search index in {}", dir.display()))?;
        analyzer::register(&index);
        let fields = Fields::from_schema(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let syn = reasons::synonyms(&reader.searcher(), &fields, &Stem::default())?;
        let site = dir.parent().unwrap_or(dir);
        let shards = Shards::open(site)
            .with_context(|| format!("cannot read the search vocabulary in {}", site.display()))?;
        let searcher = reader.searcher();
        let page_of = super::index::page_of_docs(&searcher)?;
        let docs = Docs {
            bases: super::index::doc_bases(&searcher),
            pages: super::index::page_count(&page_of),
            page_of,
            references: super::index::reference_docs(&searcher, fields.kind)?
                .into_iter()
                .collect(),
        };
        Ok(SearchIndex {
            dir: site.to_path_buf(),
            shards,
            docs,
            fragments: std::cell::OnceCell::new(),
            reader,
            fields,
            syn,
        })
    }

    /// The plan for `query`, with this index's vocabulary.
    pub fn plan(&self, query: &str) -> Plan {
        let vocab = IndexVocabulary {
            shards: &self.shards,
            pages: self.docs.pages,
        };
        plan(query, &vocab, &self.syn)
    }

    fn tantivy_query(&self, plan: &Plan, opts: &Options) -> Box<dyn Query> {
        let numbered = self.fields.numbered();
        let searcher = self.reader.searcher();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for c in &plan.should {
            let term = Term::from_field_text(numbered[c.field], &c.term);
            let common = || {
                let n = searcher.doc_freq(&term).unwrap_or(0);
                n * RUN_RARE > searcher.num_docs()
            };
            let boost = if is_run(c.field, &c.term) && common() {
                c.boost / RUN
            } else {
                c.boost
            };
            let q = TermQuery::new(term, IndexRecordOption::WithFreqs);
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
        }
        let mut must = |q: Box<dyn Query>| {
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0))));
        };
        // A phrase requires each two consecutive words side by side (its
        // pair terms), one word anywhere in the text fields; the browser
        // checks the same, so both return the same documents.
        for phrase in &plan.phrases {
            if let [word] = phrase.as_slice() {
                let any: Vec<(Occur, Box<dyn Query>)> = numbered[..3]
                    .iter()
                    .map(|f| {
                        let term = Term::from_field_text(*f, word);
                        let q: Box<dyn Query> =
                            Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                        (Occur::Should, q)
                    })
                    .collect();
                must(Box::new(BooleanQuery::new(any)));
            }
            for pair in phrase.windows(2) {
                let term = Term::from_field_text(numbered[3], &format!("{} {}", pair[0], pair[1]));
                must(Box::new(TermQuery::new(term, IndexRecordOption::Basic)));
            }
        }
        if let Some(code) = opts.code {
            let term = Term::from_field_text(self.fields.codes, &code.to_string());
            must(Box::new(TermQuery::new(term, IndexRecordOption::Basic)));
        }
        if let Some(kind) = opts.kind {
            let term = Term::from_field_text(self.fields.kind, kind.as_str());
            must(Box::new(TermQuery::new(term, IndexRecordOption::Basic)));
        }
        // With a required clause tantivy stops requiring an optional one;
        // a result must still match some word of the query.
        let mut query = BooleanQuery::new(clauses);
        query.set_minimum_number_should_match(1);
        Box::new(query)
    }

    /// Matching documents, best first (ties on doc id), at most `opts.limit`.
    pub fn hits(&self, query: &str, opts: &Options) -> Result<Vec<Hit>> {
        let mut hits = self.all_hits(&self.plan(query), opts)?;
        hits.truncate(opts.limit);
        Ok(hits)
    }

    /// Every matching document, best first (ties on doc id).
    fn all_hits(&self, plan: &Plan, opts: &Options) -> Result<Vec<Hit>> {
        if plan.should.is_empty() || opts.limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let q = self.tantivy_query(plan, opts);
        // Room for every document: the collector then never prunes, so each
        // score is summed in full, in the order the browser client follows,
        // and ties are ordered by doc id here rather than by its heap.
        let all = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
        let top = searcher.search(&*q, &TopDocs::with_limit(all.max(1)).order_by_score())?;
        // Hits are numbered as the site numbers documents, across
        // segments. Reference sections (Sources, See also) count half: the
        // sections that explain rank above the list that cites them.
        let mut hits: Vec<Hit> = top
            .into_iter()
            .map(|(score, addr)| {
                let base = self.docs.bases.get(addr.segment_ord as usize);
                let doc = base.copied().unwrap_or(0) + addr.doc_id;
                Hit {
                    doc,
                    score: if self.docs.references.contains(&doc) {
                        score * super::REFERENCE_WEIGHT
                    } else {
                        score
                    },
                }
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        Ok(hits)
    }

    /// Pages matching `query`, each at its best section, best first.
    pub fn search(&self, query: &str, opts: &Options) -> Result<Vec<PageHit>> {
        let plan = self.plan(query);
        let hits = self.all_hits(&plan, opts)?;
        if hits.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let q = self.tantivy_query(&plan, opts);
        let snippets = SnippetGenerator::create(&searcher, &*q, self.fields.body).map(|mut g| {
            g.set_max_num_chars(180);
            g
        });
        // A page ranks by its best section plus a decaying share of its
        // other matching sections: a page about the query usually matches
        // in several places, a passing mention in one. Every matching
        // section counts; the page comes from a fast field, not the stored
        // document, so this stays cheap for thousands of hits.
        let mut pages: Vec<Vec<Hit>> = Vec::new();
        let mut slot: HashMap<u32, usize> = HashMap::new();
        for hit in hits {
            let page = self.docs.page_of.get(hit.doc as usize).copied();
            let page = page.unwrap_or(u32::MAX);
            let i = *slot.entry(page).or_insert_with(|| {
                pages.push(Vec::new());
                pages.len() - 1
            });
            pages[i].push(hit);
        }
        let mut ranked: Vec<(f32, Hit)> = pages
            .into_iter()
            .map(|hits| (page_score(&hits), hits[0].clone()))
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.doc.cmp(&b.1.doc)));
        let fragments = match self.fragments.get() {
            Some(f) => f,
            None => {
                let f = Fragments::open(&self.dir)?;
                self.fragments.get_or_init(|| f)
            }
        };
        let mut out = Vec::new();
        for (score, hit) in ranked.into_iter().take(opts.limit) {
            let doc: TantivyDocument =
                searcher.doc(super::index::address(&self.docs.bases, hit.doc))?;
            let text = |f| stored(&doc, f);
            let body = fragments.text(hit.doc)?;
            let (snippet, highlighted) = match &snippets {
                Ok(g) => {
                    let s = g.snippet(&body);
                    if s.fragment().is_empty() {
                        (lead(&body), Vec::new())
                    } else {
                        (s.fragment().to_string(), s.highlighted().to_vec())
                    }
                }
                Err(_) => (lead(&body), Vec::new()),
            };
            // A page's lead is indexed under the title as its heading.
            let heading = text(self.fields.heading);
            let title = text(self.fields.title);
            out.push(PageHit {
                heading: (!heading.is_empty() && heading != title).then_some(heading),
                title,
                url: text(self.fields.url),
                score,
                codes: doc
                    .get_all(self.fields.codes)
                    .filter_map(|v| v.as_str()?.parse().ok())
                    .collect(),
                kind: if text(self.fields.kind) == "step" {
                    "step"
                } else {
                    "guide"
                },
                snippet,
                highlighted,
                doc: hit.doc,
            });
        }
        Ok(out)
    }

    /// Every section's heading with its URL, in document order (a page's
    /// lead, whose heading is the page title, is left out): evaluations
    /// derived from the content query them.
    pub fn headings(&self) -> Result<Vec<(String, String)>> {
        let searcher = self.reader.searcher();
        let mut out = Vec::new();
        for seg in 0..searcher.segment_readers().len() {
            for doc in 0..searcher.segment_reader(seg as u32).max_doc() {
                let d: TantivyDocument = searcher.doc(DocAddress::new(seg as u32, doc))?;
                let heading = stored(&d, self.fields.heading);
                if !heading.is_empty() && heading != stored(&d, self.fields.title) {
                    out.push((heading, stored(&d, self.fields.url)));
                }
            }
        }
        Ok(out)
    }

    /// The number of documents.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A page's score from its sections' scores, best first: the best counts
/// whole, the next half, the next a quarter, and so on (`FORMAT.md`).
pub fn page_score(sections: &[Hit]) -> f32 {
    let mut score = 0.0f32;
    let mut share = 1.0f32;
    for hit in sections {
        score += hit.score * share;
        share *= PAGE_DECAY;
    }
    score
}

fn stored(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The first words of a text, for hits with no match in the body.
fn lead(text: &str) -> String {
    match text.char_indices().nth(180) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The vocabulary of the shards, with the page count of the index.
struct IndexVocabulary<'a> {
    shards: &'a Shards,
    pages: u32,
}

impl Vocabulary for IndexVocabulary<'_> {
    fn pages(&self, word: &str) -> u32 {
        self.shards.pages(word)
    }

    fn page_count(&self) -> u32 {
        self.pages
    }

    fn term(&self, word: &str) -> Option<String> {
        self.shards.term(word)
    }

    fn starting_with(&self, prefix: &str) -> Vec<String> {
        self.shards.starting_with(prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::vocabulary::Words;

    fn vocab() -> Words {
        Words(vec![
            "payment",
            "required",
            "insufficient",
            "quota",
            "retry",
            "after",
            "402",
            "too",
            "many",
            "requests",
            "429",
            "card",
            "declined",
            "paymentintent",
        ])
    }

    fn syn() -> BTreeMap<String, Vec<String>> {
        BTreeMap::from([
            ("402".into(), vec!["payment".into(), "requir".into()]),
            (
                "429".into(),
                vec!["too".into(), "mani".into(), "request".into()],
            ),
        ])
    }

    fn has(plan: &Plan, field: usize, term: &str) -> Option<f32> {
        plan.should
            .iter()
            .find(|c| c.field == field && c.term == term)
            .map(|c| c.boost)
    }

    #[test]
    fn compounds_add_the_whole_and_the_parts() {
        // The identifier whole outweighs its parts by far.
        let p = plan("insufficient_quota", &vocab(), &syn());
        assert_eq!(has(&p, 0, "insufficient_quota"), Some(96.0));
        assert_eq!(has(&p, 2, "insufficient_quota"), Some(32.0));
        assert_eq!(has(&p, 2, "insuffici"), Some(0.5));
        assert_eq!(has(&p, 1, "quota"), Some(1.0));
        assert_eq!(has(&p, 3, "insuffici quota"), Some(0.5));
        // Plain words keep their full weight.
        let p = plan("insufficient quota", &vocab(), &syn());
        assert_eq!(has(&p, 2, "insuffici"), Some(1.0));
        assert_eq!(has(&p, 3, "insuffici quota"), Some(1.0));
        assert_eq!(has(&p, 0, "insufficient_quota"), None);
    }

    #[test]
    fn derivations_find_their_family() {
        // Not in the vocabulary, but `retry` is.
        let p = plan("retryable", &vocab(), &syn());
        assert_eq!(has(&p, 2, "retri"), Some(0.5));
        assert_eq!(has(&p, 0, "retri"), Some(1.5));
    }

    #[test]
    fn pastes_keep_their_informative_words() {
        // JSON quotes are not phrases.
        let p = plan(
            r#"{"error": {"code": "insufficient_quota"}}"#,
            &vocab(),
            &syn(),
        );
        assert!(p.phrases.is_empty());
        assert!(has(&p, 0, "insufficient_quota").is_some());
        assert_eq!(segments("a \"b\" \"c\"").1.len(), 2);
        assert!(segments("\"a\" \"b\" \"c\"").1.is_empty());
        assert!(segments("id=\"a b\"").1.is_empty());
        // A long paste keeps the words specific to few pages, however
        // much noise comes first: words the site lacks (ids, `the` is
        // not in this vocabulary) are dropped, and so is `402`, on six
        // pages of ten; `card_declined` counts by its words, not whole.
        let noise = "the and req_8f7a6b x-request-id ".repeat(200);
        let paste = format!("{noise} payment required 402 card_declined {noise}");
        let p = plan(&paste, &vocab(), &syn());
        assert!(has(&p, 0, "card_declined").is_none());
        assert_eq!(has(&p, 0, "card"), Some(3.0));
        assert_eq!(has(&p, 0, "declin"), Some(3.0));
        assert_eq!(has(&p, 0, "payment"), Some(3.0));
        // `402` comes back only as the synonym of "payment required".
        assert_eq!(has(&p, 0, "402"), Some(1.5));
        // Words of one run pair; words of two runs were not side by side.
        assert_eq!(has(&p, 3, "card declin"), Some(1.0));
        assert_eq!(has(&p, 3, "payment requir"), None);
        let runs = analyzer::runs(&paste);
        let kept = informative(&runs, &paste, &vocab()).unwrap();
        let words: Vec<&str> = kept
            .iter()
            .map(|&i| &paste[runs[i].range.clone()])
            .collect();
        assert_eq!(words, ["payment", "required", "card_declined"]);
        // The budget: the rarest first, then identifiers, in text order.
        let many: String = (0..40).map(|_| "payment card_declined quota ").collect();
        let runs = analyzer::runs(&many);
        assert_eq!(informative(&runs, &many, &vocab()).unwrap().len(), 3);
        assert!(informative(&analyzer::runs("a b c"), "a b c", &vocab()).is_none());
    }

    #[test]
    fn typos_are_corrected_below_exact_weight() {
        let p = plan("paymnet", &vocab(), &syn());
        assert_eq!(has(&p, 2, "payment"), Some(0.5));
        let p = plan("insuficient", &vocab(), &syn());
        assert_eq!(has(&p, 2, "insuffici"), Some(0.5));
        let p = plan("retry-afetr", &vocab(), &syn());
        assert_eq!(has(&p, 2, "after"), Some(0.25));
        assert_eq!(has(&p, 3, "retri after"), Some(0.25));
        // Too short to correct, too far to correct, digits only: no word
        // clause (a symbol clause looks the text up as code writes it).
        let words = |q: &str| -> Vec<Clause> {
            let p = plan(q, &vocab(), &syn());
            p.should
                .into_iter()
                .filter(|c| c.field != SYMBOLS)
                .collect()
        };
        assert_eq!(words("crd"), []);
        assert_eq!(words("pymnnet"), []);
        assert_eq!(plan("4020", &vocab(), &syn()).should, []);
    }

    #[test]
    fn code_is_looked_up_as_symbols_and_headings_whole() {
        let p = plan("card_declined Vec::new payment", &vocab(), &syn());
        assert_eq!(has(&p, SYMBOLS, "card_declined"), Some(3.0));
        assert_eq!(has(&p, SYMBOLS, "vec"), Some(3.0));
        assert_eq!(has(&p, SYMBOLS, "new"), Some(3.0));
        assert_eq!(has(&p, SYMBOLS, "payment"), Some(1.0));
        // Not every word found as typed (`vec`, `new` are not words of
        // the vocabulary): no heading can be the query word for word.
        assert!(p.should.iter().all(|c| c.field != WHOLE), "{p:?}");
        let p = plan("Payment Required", &vocab(), &syn());
        assert_eq!(has(&p, WHOLE, "payment requir"), Some(8.0));
        // A typo is not the heading; a paste has no symbols.
        let p = plan("Paymnet required", &vocab(), &syn());
        assert!(p.should.iter().all(|c| c.field != WHOLE), "{p:?}");
        let paste = "card_declined payment ".repeat(20);
        let p = plan(&paste, &vocab(), &syn());
        assert!(p.should.iter().all(|c| c.field < SYMBOLS), "{p:?}");
    }

    #[test]
    fn codes_and_reason_phrases_are_synonyms() {
        let p = plan("402", &vocab(), &syn());
        assert_eq!(has(&p, 3, "payment requir"), Some(0.5));
        let p = plan("Payment Required", &vocab(), &syn());
        assert_eq!(has(&p, 0, "402"), Some(1.5));
        let p = plan("too many requests", &vocab(), &syn());
        assert_eq!(has(&p, 2, "429"), Some(0.5));
        let p = plan("429", &vocab(), &syn());
        assert_eq!(has(&p, 3, "too mani"), Some(0.5));
        assert_eq!(has(&p, 3, "mani request"), Some(0.5));
    }

    #[test]
    fn phrases_are_collected_and_unbalanced_quotes_ignored() {
        let p = plan("\"card declined\" 402", &vocab(), &syn());
        assert_eq!(p.phrases, [vec!["card".to_string(), "declin".into()]]);
        let p = plan("card \"declined", &vocab(), &syn());
        assert!(p.phrases.is_empty());
        assert_eq!(has(&p, 2, "declin"), Some(1.0));
        assert_eq!(has(&p, 3, "card declin"), Some(1.0));
    }

    #[test]
    fn bad_queries_plan_to_nothing() {
        for q in [
            "",
            "   ",
            "!!! ??? ...",
            "\"",
            "\"\"",
            ".*+?^${}()|[]\\",
            "<>&'",
        ] {
            assert!(plan(q, &vocab(), &syn()).should.is_empty(), "{q:?}");
        }
        let long = "payment ".repeat(2000);
        assert!(plan(&long, &vocab(), &syn()).should.len() < 10);
    }

    #[test]
    fn osa_counts_a_transposition_once() {
        assert_eq!(strsim::osa_distance("paymnet", "payment"), 1);
        assert_eq!(strsim::osa_distance("insuficient", "insufficient"), 1);
    }
}
