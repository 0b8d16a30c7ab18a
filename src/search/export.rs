//! The browser index, read out of the tantivy index (see `FORMAT.md`).
//!
//! Everything the client scores with comes from tantivy's own structures:
//! the term dictionaries, postings (doc, term frequency), field norm ids and
//! token counts. The client therefore agrees with tantivy by construction,
//! and the node parity test checks that it does.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::Result;
use serde::Serialize;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, SegmentReader, TERMINATED};

use super::analyzer::Stem;
use super::index::Built;
use super::reasons;
use super::{SearchDoc, FIELD_BOOSTS, FIELD_NAMES};
use crate::fingerprint::Fnv64;

/// Uncompressed size a shard grows to before the next one starts: a query
/// word costs about one shard, so this bounds the bytes per word (gzip
/// shrinks these files 3-4x).
const TERM_SHARD_BYTES: usize = 12_000;
const VOCAB_SHARD_BYTES: usize = 8_000;
/// Section text kept for snippets.
const FRAGMENT_CHARS: usize = 4_000;

const ALPHABET: &[u8; 64] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

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

#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    docs: u32,
    fields: &'a [&'a str],
    boosts: &'a [f32],
    tokens: Vec<u64>,
    norms: Vec<u32>,
    vocab: Vec<String>,
    terms: usize,
    syn: BTreeMap<String, Vec<String>>,
    codes: Vec<(u16, u32)>,
    hash: String,
}

#[derive(Serialize)]
struct Fragment<'a> {
    t: &'a str,
    h: Option<&'a str>,
    u: &'a str,
    c: &'a [u16],
    k: &'static str,
    x: &'a str,
}

fn script(key: &str, json: &str) -> Vec<u8> {
    format!("__remedySearch({key:?},{json});\n").into_bytes()
}

/// Appends `"key":value` to a JSON object being written (opened with `{`).
fn push_entry(object: &mut String, key: &str, value: &str) {
    if object.len() > 1 {
        object.push(',');
    }
    let _ = write!(object, "{}:{}", json(key), value);
}

/// Splits sorted `(key, entry)` pairs into shards of about `limit` bytes;
/// returns each shard's first key ("" for the first) and its JSON object.
fn shard(entries: Vec<(String, String)>, limit: usize) -> Vec<(String, String)> {
    let mut shards: Vec<(String, String)> = Vec::new();
    let mut current = String::new();
    let mut first: Option<String> = None;
    for (key, value) in entries {
        if current.len() >= limit {
            current.push('}');
            shards.push((
                first.take().unwrap_or_default(),
                std::mem::take(&mut current),
            ));
        }
        if current.is_empty() {
            current.push('{');
            first = Some(if shards.is_empty() {
                String::new()
            } else {
                key.clone()
            });
        }
        push_entry(&mut current, &key, &value);
    }
    if !current.is_empty() {
        current.push('}');
        shards.push((first.unwrap_or_default(), current));
    }
    if shards.is_empty() {
        shards.push((String::new(), "{}".into()));
    }
    shards
}

/// FNV-1a (32 bits) of the term's UTF-8 bytes: which term shard holds it.
/// Hashing rather than ranges keeps the metadata a single number however
/// many shards there are (the client computes the same hash).
pub fn term_hash(term: &str) -> u32 {
    let mut h: u32 = 0x811c9dc5;
    for b in term.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Spreads `(term, entry)` pairs over enough shards to average `limit`
/// bytes each; returns each shard's JSON object.
fn hash_shards(entries: Vec<(String, String)>, limit: usize) -> Vec<String> {
    let total: usize = entries.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
    let count = total.div_ceil(limit).max(1);
    let mut shards = vec![String::from("{"); count];
    for (key, value) in entries {
        push_entry(&mut shards[term_hash(&key) as usize % count], &key, &value);
    }
    for shard in &mut shards {
        shard.push('}');
    }
    shards
}

fn json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The browser files, keyed by their path under `search/`.
pub fn files(built: &Built, docs: &[SearchDoc]) -> Result<BTreeMap<String, Vec<u8>>> {
    let searcher = built.reader.searcher();
    // Doc ids in the postings are the segment's: the index is one segment.
    let [seg] = searcher.segment_readers() else {
        anyhow::bail!("the search index has more than one segment");
    };
    let mut out = BTreeMap::new();
    let numbered = built.fields.numbered();
    let mut tokens = Vec::with_capacity(numbered.len());
    let mut postings: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    let mut max_norm = 0u8;
    for (i, field) in numbered.iter().enumerate() {
        let inverted = seg.inverted_index(*field)?;
        tokens.push(inverted.total_num_tokens());
        let norms = seg.get_fieldnorms_reader(*field)?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            let term = String::from_utf8_lossy(stream.key()).into_owned();
            let mut list = inverted
                .read_postings_from_terminfo(stream.value(), IndexRecordOption::WithFreqs)?;
            let mut encoded = String::new();
            let mut last = 0u32;
            let mut doc = list.doc();
            while doc != TERMINATED {
                let id = norms.fieldnorm_id(doc);
                max_norm = max_norm.max(id);
                push_number(&mut encoded, doc - last);
                push_number(&mut encoded, list.term_freq());
                push_number(&mut encoded, u32::from(id));
                last = doc;
                doc = list.advance();
            }
            postings.entry(term).or_default().push((i, encoded));
        }
    }
    let stem = Stem::default();
    let vocab = vocabulary(seg, built.fields.word, &stem)?;

    let term_entries = postings
        .into_iter()
        .map(|(term, lists)| {
            let mut v = String::from("[");
            for (j, (field, data)) in lists.iter().enumerate() {
                if j > 0 {
                    v.push(',');
                }
                let _ = write!(v, "[{field},{}]", json(data));
            }
            v.push(']');
            (term, v)
        })
        .collect();
    let vocab_entries: Vec<(String, String)> = vocab
        .into_iter()
        .map(|(word, term)| {
            let value = if term == word { String::new() } else { term };
            (word, json(&value))
        })
        .collect();

    let mut shard_files = BTreeMap::new();
    let term_shards = hash_shards(term_entries, TERM_SHARD_BYTES);
    for (i, body) in term_shards.iter().enumerate() {
        shard_files.insert(format!("t/{i}.js"), script(&format!("t{i}"), body));
    }
    let vocab_shards = shard(vocab_entries, VOCAB_SHARD_BYTES);
    for (i, (_, body)) in vocab_shards.iter().enumerate() {
        shard_files.insert(format!("v/{i}.js"), script(&format!("v{i}"), body));
    }
    for (i, d) in docs.iter().enumerate() {
        let x: &str = match d.body.char_indices().nth(FRAGMENT_CHARS) {
            Some((cut, _)) => &d.body[..cut],
            None => &d.body,
        };
        let frag = Fragment {
            t: &d.title,
            h: d.heading.as_deref(),
            u: &d.url,
            c: &d.codes,
            k: d.kind.as_str(),
            x,
        };
        shard_files.insert(format!("f/{i}.js"), script(&format!("f{i}"), &json(&frag)));
    }

    // Where each page's documents start: lets the client rank and show
    // pages without fetching a fragment per section.
    let mut pages = String::new();
    let mut last: Option<(u32, u32)> = None; // (page, its first doc)
    for (i, d) in (0u32..).zip(docs) {
        if last.is_none_or(|(page, _)| page != d.page) {
            push_number(&mut pages, i - last.map_or(0, |(_, first)| first));
            last = Some((d.page, i));
        }
    }
    shard_files.insert("pages.js".into(), script("pages", &json(&pages)));

    let hash = shard_files
        .iter()
        .fold(Fnv64::default(), |h, (name, bytes)| {
            h.update(name.as_bytes()).update(bytes)
        });
    let meta = Meta {
        version: 1,
        docs: seg.max_doc(),
        fields: &FIELD_NAMES,
        boosts: &FIELD_BOOSTS,
        tokens,
        norms: (0..=max_norm)
            .map(FieldNormReader::id_to_fieldnorm)
            .collect(),
        vocab: vocab_shards.into_iter().map(|(k, _)| k).collect(),
        terms: term_shards.len(),
        syn: reasons::synonyms(&searcher, &built.fields, &stem)?,
        codes: code_counts(docs),
        hash: hash.short(),
    };
    out.insert("meta.js".into(), script("meta", &json(&meta)));
    out.extend(shard_files);
    Ok(out)
}

/// Every word of the vocabulary field with its indexed term.
fn vocabulary(seg: &SegmentReader, word: Field, stem: &Stem) -> Result<BTreeMap<String, String>> {
    let inverted = seg.inverted_index(word)?;
    let mut stream = inverted.terms().stream()?;
    let mut vocab = BTreeMap::new();
    while stream.advance() {
        let word = String::from_utf8_lossy(stream.key()).into_owned();
        let term = stem.term(&word).into_owned();
        vocab.insert(word, term);
    }
    Ok(vocab)
}

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
        let mut out = Vec::new();
        let mut n = 0u32;
        for c in s.bytes() {
            let d = ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
            if d >= 32 {
                n = n * 32 + (d - 32);
            } else {
                out.push(n * 32 + d);
                n = 0;
            }
        }
        out
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
    fn term_hash_is_fnv1a() {
        assert_eq!(term_hash(""), 0x811c9dc5);
        assert_eq!(term_hash("a"), 0xe40c292c);
        assert_eq!(term_hash("foobar"), 0xbf9cf968);
    }

    #[test]
    fn hash_shards_hold_every_entry_once() {
        let entries: Vec<(String, String)> = (0..200)
            .map(|i| (format!("t{i}"), "[]".to_string()))
            .collect();
        let shards = hash_shards(entries, 100);
        assert!(shards.len() > 10);
        let mut seen = 0;
        for (i, body) in shards.iter().enumerate() {
            let v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(body).unwrap();
            for k in v.keys() {
                assert_eq!(term_hash(k) as usize % shards.len(), i);
            }
            seen += v.len();
        }
        assert_eq!(seen, 200);
    }

    #[test]
    fn shards_cover_sorted_ranges() {
        let entries: Vec<(String, String)> = (0..100)
            .map(|i| (format!("k{i:03}"), "1".to_string()))
            .collect();
        let shards = shard(entries, 50);
        assert!(shards.len() > 5);
        assert_eq!(shards[0].0, "");
        assert!(shards.windows(2).all(|w| w[0].0 < w[1].0));
        for (_, body) in &shards {
            assert!(serde_json::from_str::<serde_json::Value>(body).is_ok());
        }
        assert_eq!(shard(Vec::new(), 50), [(String::new(), "{}".to_string())]);
    }
}
