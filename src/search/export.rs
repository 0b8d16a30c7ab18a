//! The browser index, read out of the tantivy index (see `FORMAT.md`).
//!
//! Everything the client scores with comes from tantivy's own structures:
//! the term dictionaries, postings (doc, term frequency), field norm ids and
//! token counts. The client therefore agrees with tantivy by construction,
//! and the node parity test checks that it does.
//!
//! The files are few and compressed once, here: a site of 10,000 pages gets
//! a few hundred packs instead of one file per section, because hosts limit
//! file counts and every file costs the build a system call or three.

use std::collections::BTreeMap;

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, TERMINATED};

use super::analyzer::Stem;
use super::fragments::ALPHABET;
use super::index::Built;
use super::pack;
use super::reasons;
use super::{Put, SearchDoc, FIELD_BOOSTS, FIELD_NAMES};
use crate::fingerprint::Fnv64;

/// Uncompressed bytes a term pack grows to before the next one starts. A
/// query word costs about one pack, so this bounds the bytes per word; the
/// packs compress 2-4x.
const TERM_PACK_BYTES: usize = 40_000;
/// The same for vocabulary shards (words and their terms, as text).
const VOCAB_SHARD_BYTES: usize = 8_000;
/// Uncompressed bytes of page records a fragment pack aims at: a result
/// shown costs one pack, so smaller is cheaper per query, larger means
/// fewer files.
const FRAGMENT_PACK_BYTES: usize = 18_000;
/// Section text kept for snippets, in characters.
const FRAGMENT_CHARS: usize = 480;

/// Appends `n` in the base-32 varint of `FORMAT.md`.
fn push_number(out: &mut String, n: u32) {
    let mut digits = [0u8; 7];
    let mut len = 0;
    let mut n = n;
    loop {
        digits[len] = (n % 32) as u8;
        len += 1;
        n /= 32;
        if n == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        let d = digits[i] as usize;
        out.push(ALPHABET[if i == 0 { d } else { 32 + d }] as char);
    }
}

/// Appends `n` as an unsigned LEB128 varint (7 bits a byte, low first).
fn push_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    docs: u32,
    fields: &'a [&'a str],
    boosts: &'a [f32],
    tokens: Vec<u64>,
    norms: Vec<u32>,
    syn: BTreeMap<String, Vec<String>>,
    codes: Vec<(u16, u32)>,
    /// Pages per fragment pack.
    pack: usize,
    hash: String,
    /// The site's decision trees' triage data, from the site root, for the
    /// search box to read a pasted response (`src/tree/FORMAT.md`).
    triage: &'a [String],
    /// The weights, limits and character classes of the query rules.
    rules: super::rules::Rules,
}

#[derive(Serialize)]
struct Keys {
    /// First term of each term pack ("" for the first).
    t: Vec<String>,
    /// First word of each vocabulary shard ("" for the first).
    v: Vec<String>,
    /// The first document of each page, as base-32 deltas.
    p: String,
    /// The documents of reference sections, as base-32 deltas.
    r: String,
}

fn json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Cuts entries, in key order, into runs of about `limit` bytes: a run
/// takes entries until it holds `limit` bytes or more. Each run has a
/// bound ("" for the first): the shortest prefix of its first key above
/// the previous run's last key, which separates the runs as well as the
/// key, in fewer bytes.
struct Cutter {
    limit: usize,
    bounds: Vec<String>,
    current: Vec<u8>,
    last: String,
}

impl Cutter {
    fn new(limit: usize) -> Cutter {
        Cutter {
            limit,
            bounds: Vec::new(),
            current: Vec::new(),
            last: String::new(),
        }
    }

    /// Adds the entry of `key`, which `write` appends; returns the run it
    /// closed, if it started a new one.
    fn add(&mut self, key: &str, write: impl FnOnce(&mut Vec<u8>)) -> Option<Vec<u8>> {
        let mut full = None;
        if self.bounds.is_empty() || self.current.len() >= self.limit {
            let bound = match self.bounds.is_empty() {
                true => String::new(),
                false => {
                    full = Some(std::mem::take(&mut self.current));
                    shortest_above(key, &self.last).to_string()
                }
            };
            self.bounds.push(bound);
        }
        write(&mut self.current);
        self.last.clear();
        self.last.push_str(key);
        full
    }

    /// The last run (empty when there were no entries) and every bound.
    fn finish(mut self) -> (Vec<u8>, Vec<String>) {
        if self.bounds.is_empty() {
            self.bounds.push(String::new());
        }
        (self.current, self.bounds)
    }
}

/// [`Cutter`]'s runs of `(key, bytes)` entries: each run's bound and bytes.
fn split<I: IntoIterator<Item = (String, Vec<u8>)>>(
    entries: I,
    limit: usize,
) -> Vec<(String, Vec<u8>)> {
    let mut cutter = Cutter::new(limit);
    let mut runs = Vec::new();
    for (key, bytes) in entries {
        runs.extend(cutter.add(&key, |run| run.extend_from_slice(&bytes)));
    }
    let (last, bounds) = cutter.finish();
    runs.push(last);
    bounds.into_iter().zip(runs).collect()
}

/// The shortest prefix of `key` that sorts above `below` (`below < key`).
fn shortest_above<'a>(key: &'a str, below: &str) -> &'a str {
    key.char_indices()
        .map(|(i, c)| &key[..i + c.len_utf8()])
        .find(|p| *p > below)
        .unwrap_or(key)
}

/// Hands the browser files to `put` as each is made, by their path under
/// `search/`; `meta.js`, which names the others' hash, comes last.
pub fn write(
    built: &Built,
    vocab: Vec<(String, (String, u32))>,
    docs: &[SearchDoc],
    triage: &[String],
    put: Put<'_>,
) -> Result<()> {
    let searcher = built.reader.searcher();
    let fields = built.fields.numbered();
    let postings = fields
        .par_iter()
        .enumerate()
        .map(|(i, field)| field_postings(&searcher, i as u8, *field))
        .collect::<Result<Vec<_>>>()?;
    let tokens: Vec<u64> = postings.iter().map(|f| f.tokens).collect();
    let max_norm = postings.iter().map(|f| f.max_norm).max().unwrap_or(0);
    let stem = Stem::default();
    let records = page_records(docs);
    // Two passes over the postings: the packs' size depends on how many
    // files the whole index would make, so every entry's size comes first.
    let mut sizes = Vec::new();
    each_entry(&postings, |term, lists| sizes.push(entry_len(term, lists)));
    let record_bytes: usize = records.iter().map(Vec::len).sum();
    let (term_limit, per_pack) = pack_sizes(docs, &sizes, records.len(), record_bytes);
    drop(sizes);
    let vocab_shards = split(
        vocab.into_iter().map(|(word, (term, pages))| {
            let line = if term == word {
                format!("{word}\t\t{pages}\n")
            } else {
                format!("{word}\t{term}\t{pages}\n")
            };
            (word, line.into_bytes())
        }),
        VOCAB_SHARD_BYTES,
    );
    let vocab_bounds: Vec<String> = vocab_shards.iter().map(|(k, _)| k.clone()).collect();
    let fragment_packs = fragment_packs(&records, per_pack);
    drop(records);

    // Each pack is compressed and written as soon as it is made, in
    // parallel, and only its fingerprint is kept (the site's hash folds
    // them in name order): at 10,000 pages the term packs are tens of
    // megabytes that never wait in memory all at once.
    let packed = std::sync::Mutex::new(Vec::new());
    let failed = std::sync::Mutex::new(None);
    let pack_and_put = |key: String, bytes: Vec<u8>| {
        let name = pack::file_name(&key);
        let bytes = pack::script(&key, &bytes);
        let print = Fnv64::default().update(&bytes).get();
        match put(name.clone(), bytes) {
            Ok(()) => {
                if let Ok(mut packed) = packed.lock() {
                    packed.push((name, print));
                }
            }
            Err(e) => {
                if let Ok(mut failed) = failed.lock() {
                    failed.get_or_insert(e);
                }
            }
        }
    };
    let waiting = &std::sync::atomic::AtomicUsize::new(0);
    let term_bounds = rayon::scope(|scope| {
        let pack_and_put = &pack_and_put;
        // Packs are made faster than they are compressed: past a few
        // waiting, the thread that makes them compresses the next itself,
        // so they do not pile up (100 MB of them at 10,000 pages).
        let spawn = |key: String, bytes: Vec<u8>| {
            use std::sync::atomic::Ordering::Relaxed;
            if waiting.load(Relaxed) >= 2 * rayon::current_num_threads() {
                return pack_and_put(key, bytes);
            }
            waiting.fetch_add(1, Relaxed);
            scope.spawn(move |_| {
                pack_and_put(key, bytes);
                waiting.fetch_sub(1, Relaxed);
            });
        };
        for (i, (_, bytes)) in vocab_shards.into_iter().enumerate() {
            spawn(format!("v{i}"), bytes);
        }
        for (i, bytes) in fragment_packs.into_iter().enumerate() {
            spawn(format!("f{i}"), bytes);
        }
        // Term packs, each handed off as soon as it is full.
        let mut cutter = Cutter::new(term_limit);
        each_entry(&postings, |term, lists| {
            if let Some(full) = cutter.add(term, |run| push_entry(run, term, lists)) {
                spawn(format!("t{}", cutter.bounds.len() - 2), full);
            }
        });
        let (last, bounds) = cutter.finish();
        spawn(format!("t{}", bounds.len() - 1), last);
        bounds
    });
    drop(postings);
    let keys = Keys {
        t: term_bounds,
        v: vocab_bounds,
        p: page_firsts(docs),
        r: {
            let mut r = String::new();
            let mut last = 0;
            for d in super::index::reference_docs(&searcher, built.fields.kind)? {
                push_number(&mut r, d - last);
                last = d;
            }
            r
        },
    };
    pack_and_put("keys".into(), json(&keys).into_bytes());
    if let Some(e) = failed.into_inner().ok().flatten() {
        return Err(e);
    }
    let mut packed = packed
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a search thread panicked"))?;
    packed.sort_unstable();
    let hash = packed.iter().fold(Fnv64::default(), |h, (name, print)| {
        h.update(name.as_bytes()).update(&print.to_le_bytes())
    });
    let meta = Meta {
        version: 4,
        docs: searcher.segment_readers().iter().map(|s| s.max_doc()).sum(),
        fields: &FIELD_NAMES,
        boosts: &FIELD_BOOSTS,
        tokens,
        norms: (0..=max_norm)
            .map(FieldNormReader::id_to_fieldnorm)
            .collect(),
        syn: reasons::synonyms(&searcher, &built.fields, &stem)?,
        codes: code_counts(docs),
        pack: per_pack,
        hash: hash.short(),
        triage,
        rules: super::rules::rules(),
    };
    put(
        "meta.js".into(),
        format!("__remedySearch(\"meta\",{});\n", json(&meta)).into_bytes(),
    )
}

/// One field's terms and their lists, in term order, in one buffer: each
/// term followed by its list (`FORMAT.md`). A million small allocations
/// at 10,000 pages, and the slack of the vectors holding them, were a
/// tenth of the build's peak memory.
struct FieldPostings {
    bytes: Vec<u8>,
    /// Where each term and each list ends in `bytes`.
    ends: Vec<(usize, usize)>,
    tokens: u64,
    max_norm: u8,
}

impl FieldPostings {
    fn term(&self, i: usize) -> &[u8] {
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p].1);
        &self.bytes[start..self.ends[i].0]
    }

    fn list(&self, i: usize) -> &[u8] {
        &self.bytes[self.ends[i].0..self.ends[i].1]
    }
}

/// Calls `f` with every term of the fields, in term order, and its lists
/// in field order: the term packs' entries.
fn each_entry(fields: &[FieldPostings], mut f: impl FnMut(&str, &[&[u8]])) {
    let mut next = vec![0; fields.len()];
    let mut lists: Vec<&[u8]> = Vec::with_capacity(fields.len());
    while let Some(term) = fields
        .iter()
        .zip(&next)
        .filter(|(field, &n)| n < field.ends.len())
        .map(|(field, &n)| field.term(n))
        .min()
    {
        lists.clear();
        for (field, n) in fields.iter().zip(next.iter_mut()) {
            if *n < field.ends.len() && field.term(*n) == term {
                lists.push(field.list(*n));
                *n += 1;
            }
        }
        f(&String::from_utf8_lossy(term), &lists);
    }
}

/// Bytes of `n` as a varint.
fn varint_len(n: usize) -> usize {
    (usize::BITS - (n | 1).leading_zeros()).div_ceil(7) as usize
}

/// Bytes of a term pack's entry for `term`.
fn entry_len(term: &str, lists: &[&[u8]]) -> usize {
    let len: usize = lists.iter().map(|l| l.len()).sum();
    varint_len(term.len()) + term.len() + varint_len(len) + len
}

/// Appends a term pack's entry: the term, then its lists.
fn push_entry(out: &mut Vec<u8>, term: &str, lists: &[&[u8]]) {
    let len: usize = lists.iter().map(|l| l.len()).sum();
    push_varint(out, term.len() as u64);
    out.extend_from_slice(term.as_bytes());
    push_varint(out, len as u64);
    for list in lists {
        out.extend_from_slice(list);
    }
}

/// The terms of field number `number` with their lists. Doc ids are the
/// site's: each segment's are shifted by the documents of the segments
/// before it, and a term's postings in several segments are read one
/// segment after the other, so they come out as one segment would give
/// them.
fn field_postings(searcher: &Searcher, number: u8, field: Field) -> Result<FieldPostings> {
    let segments = searcher.segment_readers();
    let bases = super::index::doc_bases(searcher);
    let inverted = segments
        .iter()
        .map(|seg| seg.inverted_index(field))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let norms = segments
        .iter()
        .map(|seg| seg.get_fieldnorms_reader(field))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut streams = inverted
        .iter()
        .map(|inv| inv.terms().stream())
        .collect::<std::io::Result<Vec<_>>>()?;
    let mut live: Vec<bool> = streams.iter_mut().map(|s| s.advance()).collect();
    let mut out = FieldPostings {
        bytes: Vec::new(),
        ends: Vec::new(),
        tokens: inverted.iter().map(|inv| inv.total_num_tokens()).sum(),
        max_norm: 0,
    };
    let (mut docs, mut tfs, mut norms_of) = (Vec::new(), Vec::new(), Vec::new());
    // The smallest term of the segments not yet done with, in turn.
    while let Some(key) = (0..streams.len())
        .filter(|&s| live[s])
        .map(|s| streams[s].key())
        .min()
        .map(<[u8]>::to_vec)
    {
        docs.clear();
        tfs.clear();
        norms_of.clear();
        let mut last = 0u32;
        for s in 0..streams.len() {
            if !live[s] || streams[s].key() != key.as_slice() {
                continue;
            }
            let mut list = inverted[s]
                .read_postings_from_terminfo(streams[s].value(), IndexRecordOption::WithFreqs)?;
            let mut doc = list.doc();
            while doc != TERMINATED {
                let id = norms[s].fieldnorm_id(doc);
                out.max_norm = out.max_norm.max(id);
                let doc_id = bases[s] + doc;
                docs.push(doc_id - last);
                tfs.push(list.term_freq());
                norms_of.push(id);
                last = doc_id;
                doc = list.advance();
            }
            live[s] = streams[s].advance();
        }
        out.bytes.extend_from_slice(&key);
        let term_end = out.bytes.len();
        // Columns, not rows: deltas, then frequencies, then norm ids,
        // so the compressor sees long runs of similar bytes.
        out.bytes.push(number);
        push_varint(&mut out.bytes, docs.len() as u64);
        for d in &docs {
            push_varint(&mut out.bytes, u64::from(*d));
        }
        for t in &tfs {
            push_varint(&mut out.bytes, u64::from(*t));
        }
        out.bytes.extend_from_slice(&norms_of);
        out.ends.push((term_end, out.bytes.len()));
    }
    out.bytes.shrink_to_fit();
    out.ends.shrink_to_fit();
    Ok(out)
}

/// How big term packs and fragment packs are. Sized by bytes (a query
/// costs about one term pack per word and one fragment pack per result),
/// then made larger in proportion when the site would get more search
/// files than 3 for every 10 pages less 32: hosts cap file counts, and the
/// whole site must stay within 1.3 files per page.
///
/// Returns the byte limit of a term pack and the records per fragment pack.
fn pack_sizes(
    docs: &[SearchDoc],
    term_sizes: &[usize],
    records: usize,
    record_bytes: usize,
) -> (usize, usize) {
    let pages: std::collections::BTreeSet<&str> = docs
        .iter()
        .map(|d| d.url.split('#').next().unwrap_or_default())
        .collect();
    let budget = (pages.len() * 3 / 10).saturating_sub(32).max(8);
    let mut limit = TERM_PACK_BYTES;
    let per_pack = (FRAGMENT_PACK_BYTES * records)
        .checked_div(record_bytes)
        .unwrap_or(1)
        .max(1);
    let (t, f) = (packs_of(term_sizes, limit), records.div_ceil(per_pack));
    if t + f <= budget {
        return (limit, per_pack);
    }
    // Both kinds give up files in proportion to how many they have.
    let t_fit = (t * budget / (t + f)).max(1);
    while packs_of(term_sizes, limit) > t_fit {
        limit += limit / 8;
    }
    let f_fit = budget.saturating_sub(packs_of(term_sizes, limit)).max(1);
    (limit, records.div_ceil(f_fit).max(per_pack))
}

/// How many packs [`split`] makes of entries of these sizes.
fn packs_of(sizes: &[usize], limit: usize) -> usize {
    let mut packs = 0;
    let mut current = limit;
    for size in sizes {
        if current >= limit {
            packs += 1;
            current = 0;
        }
        current += size;
    }
    packs.max(1)
}

/// Each result group's record for snippets, as JSON:
/// `[title, path, codes, kind, [[heading, anchor, text], ...]]`.
fn page_records(docs: &[SearchDoc]) -> Vec<Vec<u8>> {
    #[derive(Serialize)]
    struct Page<'a>(&'a str, &'a str, &'a [u16], &'static str, Vec<Section<'a>>);
    #[derive(Serialize)]
    struct Section<'a>(Option<&'a str>, &'a str, &'a str);

    let mut pages: Vec<Page> = Vec::new();
    let mut last: Option<u32> = None;
    for d in docs {
        let (path, anchor) = d.url.split_once('#').unwrap_or((&d.url, ""));
        if last != Some(d.page) {
            last = Some(d.page);
            pages.push(Page(&d.title, path, &d.codes, d.kind.as_str(), Vec::new()));
        }
        let text = match d.body.char_indices().nth(FRAGMENT_CHARS) {
            Some((cut, _)) => &d.body[..cut],
            None => &d.body,
        };
        if let Some(page) = pages.last_mut() {
            page.4.push(Section(d.heading.as_deref(), anchor, text));
        }
    }
    pages.iter().map(|p| json(p).into_bytes()).collect()
}

/// The first document of each result group, as base-32 deltas.
fn page_firsts(docs: &[SearchDoc]) -> String {
    let mut firsts = String::new();
    let mut last: Option<(u32, u32)> = None; // (page, its first doc)
    for (i, d) in (0u32..).zip(docs) {
        if last.is_none_or(|(page, _)| page != d.page) {
            push_number(&mut firsts, i - last.map_or(0, |(_, first)| first));
            last = Some((d.page, i));
        }
    }
    firsts
}

/// Consecutive records, `per_pack` to a pack, each pack a JSON array.
fn fragment_packs(records: &[Vec<u8>], per_pack: usize) -> Vec<Vec<u8>> {
    records
        .chunks(per_pack)
        .map(|chunk| {
            let mut out = b"[".to_vec();
            for (i, page) in chunk.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(page);
            }
            out.push(b']');
            out
        })
        .collect()
}

/// How many documents name each status code, most first.
fn code_counts(docs: &[SearchDoc]) -> Vec<(u16, u32)> {
    let mut counts: BTreeMap<u16, u32> = BTreeMap::new();
    for d in docs {
        for c in &d.codes {
            *counts.entry(*c).or_default() += 1;
        }
    }
    let mut v: Vec<(u16, u32)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> Vec<u32> {
        super::super::fragments::decode_numbers(s).unwrap()
    }

    #[test]
    fn numbers_round_trip() {
        let mut s = String::new();
        let numbers = [0, 1, 31, 32, 33, 1023, 1024, 65_535, u32::MAX];
        for n in numbers {
            push_number(&mut s, n);
        }
        assert_eq!(decode(&s), numbers);
        let mut one = String::new();
        push_number(&mut one, 31);
        assert_eq!(one, "v");
    }

    #[test]
    fn varints_are_leb128() {
        let mut v = Vec::new();
        for n in [0u64, 127, 128, 300, u64::from(u32::MAX)] {
            push_varint(&mut v, n);
        }
        assert_eq!(v, [0, 127, 0x80, 1, 0xac, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    }

    #[test]
    fn split_covers_sorted_ranges_once() {
        let entries: Vec<(String, Vec<u8>)> = (0..100)
            .map(|i| (format!("k{i:03}"), vec![b'x'; 7]))
            .collect();
        let runs = split(entries, 50);
        assert!(runs.len() > 5);
        assert_eq!(runs[0].0, "");
        assert!(runs.windows(2).all(|w| w[0].0 < w[1].0));
        // Bounds are short, and still above everything before them.
        assert_eq!(shortest_above("retry", "retain"), "retr");
        assert_eq!(shortest_above("b", "a"), "b");
        assert_eq!(shortest_above("ab", "a"), "ab");
        assert_eq!(runs.iter().map(|r| r.1.len()).sum::<usize>(), 700);
        assert!(runs.iter().all(|r| r.1.len() <= 56));
        assert_eq!(split(Vec::new(), 50), [(String::new(), Vec::new())]);
    }

    #[test]
    fn pack_sizes_keep_within_the_file_budget() {
        let doc = |i: usize| SearchDoc {
            reference: false,
            title: "".into(),
            heading: None,
            body: "".into(),
            code: "".into(),
            url: format!("p{i}/"),
            page: i as u32,
            codes: Vec::new(),
            kind: crate::search::Kind::Guide,
        };
        let docs: Vec<SearchDoc> = (0..1000).map(doc).collect();
        // Small indexes get packs sized by bytes: 18,000 bytes of records.
        let small = vec![10_000; 8];
        assert_eq!(
            pack_sizes(&docs, &small, 1000, 36_000),
            (TERM_PACK_BYTES, 500)
        );
        assert_eq!(packs_of(&small, TERM_PACK_BYTES), 2);
        // Large ones are held to 3 files per 10 pages, less 32.
        let big = vec![10_000; 8_000];
        let (limit, per_pack) = pack_sizes(&docs, &big, 1000, 18_000_000);
        let (t, f) = (packs_of(&big, limit), 1000usize.div_ceil(per_pack));
        assert!(t + f <= 268 && t > 1 && f > 1, "{t} + {f}");
        // A tiny site still gets a pack of each.
        let (limit, per_pack) = pack_sizes(&docs[..3], &big, 3, 18_000_000);
        assert!(packs_of(&big, limit) <= 8 && per_pack >= 1);
    }
}
