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
use tantivy::{DocSet, SegmentReader, TERMINATED};

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

/// One term's postings in every field that has it, encoded (`FORMAT.md`).
struct Entry {
    term: String,
    body: Vec<u8>,
}

/// Splits `(key, bytes)` entries, in key order, into runs of about `limit`
/// bytes; returns each run's bound ("" for the first) and bytes. A bound is
/// the shortest prefix of the run's first key above the previous run's last
/// key: it separates the runs as well, in fewer bytes.
fn split<I: IntoIterator<Item = (String, Vec<u8>)>>(
    entries: I,
    limit: usize,
) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let mut last = String::new();
    for (key, bytes) in entries {
        match out.last_mut() {
            Some((_, current)) if current.len() < limit => current.extend_from_slice(&bytes),
            _ => {
                let bound = if out.is_empty() {
                    String::new()
                } else {
                    shortest_above(&key, &last).to_string()
                };
                out.push((bound, bytes));
            }
        }
        last = key;
    }
    if out.is_empty() {
        out.push((String::new(), Vec::new()));
    }
    out
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
    // Doc ids in the postings are the segment's: the index is one segment.
    let [seg] = searcher.segment_readers() else {
        anyhow::bail!("the search index has more than one segment");
    };
    let (entries, tokens, max_norm) = postings(seg, &built.fields.numbered())?;
    let stem = Stem::default();

    let entries: Vec<(String, Vec<u8>)> = entries
        .into_iter()
        .map(|e| {
            let mut bytes = Vec::with_capacity(e.term.len() + e.body.len() + 8);
            push_varint(&mut bytes, e.term.len() as u64);
            bytes.extend_from_slice(e.term.as_bytes());
            push_varint(&mut bytes, e.body.len() as u64);
            bytes.extend_from_slice(&e.body);
            (e.term, bytes)
        })
        .collect();
    let records = page_records(docs);
    let sizes: Vec<usize> = entries.iter().map(|e| e.1.len()).collect();
    let record_bytes: usize = records.iter().map(Vec::len).sum();
    let (term_limit, per_pack) = pack_sizes(docs, &sizes, records.len(), record_bytes);
    let term_packs = split(entries, term_limit);
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
    let fragment_packs = fragment_packs(&records, per_pack);
    let pages = page_firsts(docs);

    // Packs are compressed in parallel: at 10,000 pages they are tens of
    // megabytes of input.
    let mut raw: Vec<(String, Vec<u8>)> = Vec::new();
    let keys = Keys {
        t: term_packs.iter().map(|(k, _)| k.clone()).collect(),
        v: vocab_shards.iter().map(|(k, _)| k.clone()).collect(),
        p: pages,
        r: {
            let mut r = String::new();
            let mut last = 0;
            for d in super::index::reference_docs(seg, built.fields.kind)? {
                push_number(&mut r, d - last);
                last = d;
            }
            r
        },
    };
    raw.push(("keys".into(), json(&keys).into_bytes()));
    for (i, (_, bytes)) in term_packs.into_iter().enumerate() {
        raw.push((format!("t{i}"), bytes));
    }
    for (i, (_, bytes)) in vocab_shards.into_iter().enumerate() {
        raw.push((format!("v{i}"), bytes));
    }
    for (i, bytes) in fragment_packs.into_iter().enumerate() {
        raw.push((format!("f{i}"), bytes));
    }
    // Each pack is written as soon as it is compressed and only its
    // fingerprint is kept: the site's hash folds them in name order.
    let mut packed: Vec<(String, u64)> = raw
        .into_par_iter()
        .map(|(key, bytes)| {
            let name = pack::file_name(&key);
            let bytes = pack::script(&key, &bytes);
            let print = Fnv64::default().update(&bytes).get();
            put(name.clone(), bytes)?;
            Ok((name, print))
        })
        .collect::<Result<_>>()?;
    packed.sort_unstable();
    let hash = packed.iter().fold(Fnv64::default(), |h, (name, print)| {
        h.update(name.as_bytes()).update(&print.to_le_bytes())
    });
    let meta = Meta {
        version: 4,
        docs: seg.max_doc(),
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

/// Every term of the scoring and filter fields with its postings, in term
/// order; the total tokens of each field; the largest field norm id seen.
fn postings(seg: &SegmentReader, fields: &[Field]) -> Result<(Vec<Entry>, Vec<u64>, u8)> {
    let mut tokens = Vec::with_capacity(fields.len());
    let mut lists: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut max_norm = 0u8;
    let (mut docs, mut tfs, mut norms_of) = (Vec::new(), Vec::new(), Vec::new());
    for (i, field) in fields.iter().enumerate() {
        let inverted = seg.inverted_index(*field)?;
        tokens.push(inverted.total_num_tokens());
        let norms = seg.get_fieldnorms_reader(*field)?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            let term = String::from_utf8_lossy(stream.key()).into_owned();
            let mut list = inverted
                .read_postings_from_terminfo(stream.value(), IndexRecordOption::WithFreqs)?;
            docs.clear();
            tfs.clear();
            norms_of.clear();
            let mut last = 0u32;
            let mut doc = list.doc();
            while doc != TERMINATED {
                let id = norms.fieldnorm_id(doc);
                max_norm = max_norm.max(id);
                docs.push(doc - last);
                tfs.push(list.term_freq());
                norms_of.push(id);
                last = doc;
                doc = list.advance();
            }
            // Columns, not rows: deltas, then frequencies, then norm ids,
            // so the compressor sees long runs of similar bytes.
            let body = lists.entry(term).or_default();
            body.push(i as u8);
            push_varint(body, docs.len() as u64);
            for d in &docs {
                push_varint(body, u64::from(*d));
            }
            for t in &tfs {
                push_varint(body, u64::from(*t));
            }
            body.extend_from_slice(&norms_of);
        }
    }
    let entries = lists
        .into_iter()
        .map(|(term, body)| Entry { term, body })
        .collect();
    Ok((entries, tokens, max_norm))
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
