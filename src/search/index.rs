//! Building the tantivy index in memory and writing it out with fixed
//! segment names.
//!
//! tantivy names segments with random UUIDs; the site must be byte-identical
//! across builds, so the index is built in a RAM directory, one thread per
//! segment (one segment, or two halves of a large site, in document order),
//! then its files are written under fixed ids (meta.json rewritten to
//! match). The result opens like any tantivy index.

use std::path::Path;

use anyhow::{Context as _, Result};
use tantivy::directory::{Directory, RamDirectory};
use tantivy::index::SegmentComponent;
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};
use tantivy::{doc, Index, IndexReader, ReloadPolicy, TantivyDocument};

use super::analyzer;
use super::{Kind, SearchDoc};

/// The id every segment file is renamed to.
const FIXED_SEGMENT: &str = "00000000000000000000000000000001";

/// The schema's fields, looked up once.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub title: Field,
    pub heading: Field,
    pub body: Field,
    pub pairs: Field,
    pub codes: Field,
    pub kind: Field,
    pub symbols: Field,
    pub whole: Field,
    pub url: Field,
    pub page: Field,
}

impl Fields {
    /// The scoring and filter fields in the order of `FORMAT.md`.
    pub fn numbered(&self) -> [Field; 8] {
        [
            self.title,
            self.heading,
            self.body,
            self.pairs,
            self.codes,
            self.kind,
            self.symbols,
            self.whole,
        ]
    }

    pub fn from_schema(schema: &Schema) -> Result<Fields> {
        let f = |name: &str| {
            schema.get_field(name).with_context(|| {
                format!("the search index has no field `{name}`; rebuild the site")
            })
        };
        Ok(Fields {
            title: f("title")?,
            heading: f("heading")?,
            body: f("body")?,
            pairs: f("pairs")?,
            codes: f("codes")?,
            kind: f("kind")?,
            symbols: f("symbols")?,
            whole: f("whole")?,
            url: f("url")?,
            page: f("page")?,
        })
    }
}

fn schema() -> Schema {
    let text = |tokenizer: &str, record: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(record),
        )
    };
    // No positions: phrases are checked on the pairs field (`FORMAT.md`,
    // rule 5), as the browser does, and positions would be a fifth of the
    // index.
    let freqs = IndexRecordOption::WithFreqs;
    let mut b = Schema::builder();
    b.add_text_field("title", text(analyzer::TEXT, freqs) | STORED);
    b.add_text_field("heading", text(analyzer::TEXT, freqs) | STORED);
    // Not stored: `remedy search` reads its snippets from the fragment
    // packs (`fragments.rs`), which the site has anyway.
    b.add_text_field("body", text(analyzer::TEXT, freqs));
    b.add_text_field("pairs", text(analyzer::PAIRS, IndexRecordOption::WithFreqs));
    b.add_text_field("codes", STRING | STORED);
    b.add_text_field("kind", STRING | STORED);
    // Already split by `analyzer::symbols`: whitespace is the only separator.
    b.add_text_field("symbols", text("whitespace", freqs));
    // The heading's terms as one (`analyzer::whole`): a query that is a
    // heading word for word finds that section first.
    b.add_text_field("whole", text("raw", freqs));
    b.add_text_field("url", STORED);
    // Groups hits by page without reading stored documents.
    b.add_u64_field("page", FAST);
    b.build()
}

/// An index held in memory, ready to be searched or exported.
pub struct Built {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

/// Below this many documents one thread indexes everything; above, two
/// halves are indexed at once, each into a segment of its own.
const SPLIT_ABOVE: usize = 4_000;

/// Indexes the documents, in order (their position is their doc id).
pub fn build(docs: &[SearchDoc]) -> Result<Built> {
    build_until(docs, &|| false)
}

/// [`build`], giving up with [`Cancelled`] soon after `stop` returns true
/// (`remedy serve` stops indexing an outdated site when the author saves again).
pub fn build_until(docs: &[SearchDoc], stop: &(dyn Fn() -> bool + Sync)) -> Result<Built> {
    build_split(docs, docs.len() > SPLIT_ABOVE, stop)
}

/// The error of a build given up by its `stop` callback.
#[derive(Debug)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("indexing was cancelled")
    }
}

impl std::error::Error for Cancelled {}

fn build_split(docs: &[SearchDoc], split: bool, stop: &(dyn Fn() -> bool + Sync)) -> Result<Built> {
    let index = if split {
        // Each half is indexed by one thread, so it is deterministic.
        let (a, b) = docs.split_at(docs.len() / 2);
        let (a, b) = rayon::join(|| build_one(a, stop), || build_one(b, stop));
        combine(&[a?, b?])?
    } else {
        build_one(docs, stop)?
    };
    let fields = Fields::from_schema(&index.schema())?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    reader.reload()?;
    Ok(Built {
        index,
        reader,
        fields,
    })
}

/// One index whose segments are those of `pieces`, in order, left as
/// they are. Merging them into one was a tenth of a 10,000-page build,
/// all of it on one core while the other waited; tantivy searches several
/// segments with the statistics of all of them, so scores are the same,
/// and the export reads the segments one after the other, so the browser
/// index is byte for byte what one segment gives.
fn combine(pieces: &[Index]) -> Result<Index> {
    let dir = RamDirectory::create();
    let mut meta: Option<serde_json::Value> = None;
    for piece in pieces {
        let from = piece.directory();
        for segment in piece.searchable_segment_metas()? {
            for component in COMPONENTS {
                let path = segment.relative_path(component);
                // Files of a kind the segment does not have (e.g. deletes).
                if let Ok(bytes) = from.atomic_read(&path) {
                    dir.atomic_write(&path, &bytes)?;
                }
            }
        }
        let piece_meta: serde_json::Value =
            serde_json::from_slice(&from.atomic_read(Path::new("meta.json"))?)?;
        match meta.as_mut() {
            None => meta = Some(piece_meta),
            Some(meta) => {
                let more = piece_meta["segments"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                meta["segments"]
                    .as_array_mut()
                    .context("tantivy wrote a meta.json without segments")?
                    .extend(more);
            }
        }
    }
    dir.atomic_write(Path::new("meta.json"), &serde_json::to_vec(&meta)?)?;
    let index = Index::open(dir)?;
    analyzer::register(&index);
    Ok(index)
}

/// One single-segment index of `docs`, written by one thread.
fn build_one(docs: &[SearchDoc], stop: &(dyn Fn() -> bool + Sync)) -> Result<Index> {
    let index = Index::create_in_ram(schema());
    analyzer::register(&index);
    let fields = Fields::from_schema(&index.schema())?;
    // One thread keeps doc ids in input order and the files deterministic;
    // the budget is large enough that most sites fit one segment anyway.
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 200_000_000)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let stem = analyzer::Stem::default();
    for (i, d) in docs.iter().enumerate() {
        if i % 256 == 0 && stop() {
            return Err(Cancelled.into());
        }
        let mut document = doc!(
            fields.title => &*d.title,
            fields.body => &*d.body,
            fields.kind => d.kind.as_str(),
            fields.url => d.url.as_str(),
            fields.page => u64::from(d.page),
        );
        if d.reference {
            document.add_text(fields.kind, REFERENCE_KIND);
        }
        // A page's lead has no heading of its own: the page title is its
        // heading (the h1), so the lead of the page about a phrase ranks
        // with the sections headed by it.
        let heading = d.heading.as_deref().unwrap_or(&*d.title);
        document.add_text(fields.heading, heading);
        for code in &d.codes {
            document.add_text(fields.codes, code.to_string());
        }
        document.add_text(fields.whole, analyzer::whole(heading, &stem));
        let symbols: Vec<String> = analyzer::symbols(&d.code).collect();
        document.add_text(fields.symbols, symbols.join(" "));
        document.add_text(
            fields.pairs,
            format!("{}\n{}\n{}", d.title, heading, d.body),
        );
        writer.add_document(document)?;
    }
    writer.commit()?;
    let ids = index.searchable_segment_ids()?;
    if ids.len() > 1 {
        writer.merge(&ids).wait()?;
    }
    writer.wait_merging_threads()?;
    Ok(index)
}

/// The kinds of file a segment may have.
const COMPONENTS: [SegmentComponent; 7] = [
    SegmentComponent::Postings,
    SegmentComponent::Positions,
    SegmentComponent::FastFields,
    SegmentComponent::FieldNorms,
    SegmentComponent::Terms,
    SegmentComponent::Store,
    SegmentComponent::Delete,
];

/// Hands the index's files to `put` one at a time, under fixed names
/// (segment ids are random; the site must not be).
pub fn write(built: &Built, put: super::Put<'_>) -> Result<()> {
    let dir = built.index.directory();
    let metas = built.index.searchable_segment_metas()?;
    let mut meta = String::from_utf8(dir.atomic_read(Path::new("meta.json"))?)?;
    for (i, seg) in metas.iter().enumerate() {
        let fixed = format!("{}{:x}", &FIXED_SEGMENT[..31], i + 1);
        let id = seg.id();
        meta = meta.replace(&id.uuid_string(), &fixed);
        meta = meta.replace(&hyphenated(&id.uuid_string()), &hyphenated(&fixed));
        for component in COMPONENTS {
            let path = seg.relative_path(component);
            let name = path.to_string_lossy().into_owned();
            // `atomic_read` returns the bytes as stored, footer included
            // (`open_read` would strip it).
            let bytes = match dir.atomic_read(&path) {
                Ok(b) => b,
                // Files of a kind the segment does not have (e.g. deletes).
                Err(_) => continue,
            };
            put(name.replace(&id.uuid_string(), &fixed), bytes)?;
        }
    }
    // A merge records the merged segments' random ids as the payload.
    let mut meta: serde_json::Value = serde_json::from_str(&meta)?;
    if let Some(payload) = meta.get_mut("payload") {
        *payload = serde_json::Value::Null;
    }
    put("meta.json".into(), serde_json::to_vec_pretty(&meta)?)
}

fn hyphenated(simple: &str) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        &simple[0..8],
        &simple[8..12],
        &simple[12..16],
        &simple[16..20],
        &simple[20..32]
    )
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Guide => "guide",
            Kind::Step => "step",
        }
    }
}

/// The second `kind` of a reference section's document.
pub const REFERENCE_KIND: &str = "reference";

/// Where each segment's documents start in the site's numbering: the
/// segments hold consecutive runs of the documents, in order.
pub fn doc_bases(searcher: &tantivy::Searcher) -> Vec<u32> {
    let mut next = 0;
    searcher
        .segment_readers()
        .iter()
        .map(|seg| {
            let base = next;
            next += seg.max_doc();
            base
        })
        .collect()
}

/// The address of document `doc` of the site's numbering.
pub fn address(bases: &[u32], doc: u32) -> tantivy::DocAddress {
    let segment = bases.partition_point(|&b| b <= doc).saturating_sub(1);
    let base = bases.get(segment).copied().unwrap_or(0);
    tantivy::DocAddress::new(segment as u32, doc - base)
}

/// The documents of reference sections (`REFERENCE_KIND`), in order.
pub fn reference_docs(searcher: &tantivy::Searcher, kind: Field) -> Result<Vec<u32>> {
    use tantivy::{DocSet as _, Term, TERMINATED};
    let term = Term::from_field_text(kind, REFERENCE_KIND);
    let mut out = Vec::new();
    for (seg, base) in searcher.segment_readers().iter().zip(doc_bases(searcher)) {
        let inverted = seg.inverted_index(kind)?;
        let Some(mut postings) =
            inverted.read_postings(&term, tantivy::schema::IndexRecordOption::Basic)?
        else {
            continue;
        };
        let mut doc = postings.doc();
        while doc != TERMINATED {
            out.push(base + doc);
            doc = postings.advance();
        }
    }
    Ok(out)
}

/// The page of each document (the `page` fast field).
pub fn page_of_docs(searcher: &tantivy::Searcher) -> Result<Vec<u32>> {
    let mut out = Vec::new();
    for seg in searcher.segment_readers() {
        let column = seg.fast_fields().u64("page")?;
        out.extend((0..seg.max_doc()).map(|d| column.first(d).unwrap_or(0) as u32));
    }
    Ok(out)
}

/// How many distinct pages `page_of` names.
pub fn page_count(page_of: &[u32]) -> u32 {
    let mut pages = page_of.to_vec();
    pages.sort_unstable();
    pages.dedup();
    pages.len() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(n: usize) -> Vec<SearchDoc<'static>> {
        let words = [
            "payment",
            "required",
            "card_declined",
            "retry",
            "402",
            "quota",
            "the",
        ];
        (0..n)
            .map(|i| SearchDoc {
                reference: i % 13 == 5,
                title: format!("Page {}", i / 3).into(),
                heading: (i % 3 > 0).then(|| format!("Section {i} {}", words[i % 7]).into()),
                body: (0..(i % 11 + 1))
                    .map(|j| words[(i * 7 + j * 3) % 7])
                    .collect::<Vec<_>>()
                    .join(" ")
                    .into(),
                code: format!("fn_{} Vec", i % 5).into(),
                url: format!("p{}/#s{i}", i / 3),
                page: (i / 3) as u32,
                codes: vec![402 + (i % 2) as u16 * 27],
                kind: Kind::Guide,
            })
            .collect()
    }

    /// Indexing two halves and merging them must give the browser exactly
    /// what one pass gives: same terms, postings, norms and token counts.
    #[test]
    fn split_build_exports_like_a_single_build() {
        let docs = docs(600);
        let export = |split| {
            let out = std::sync::Mutex::new(std::collections::BTreeMap::new());
            let built = build_split(&docs, split, &|| false).unwrap();
            let vocab = super::super::vocabulary::count(&docs);
            super::super::export::write(&built, vocab, &docs, &[], &|name, bytes| {
                out.lock().unwrap().insert(name, bytes);
                Ok(())
            })
            .unwrap();
            out.into_inner().unwrap()
        };
        let (one, two) = (export(false), export(true));
        assert_eq!(one.len(), two.len());
        for (name, bytes) in &one {
            assert!(two.get(name) == Some(bytes), "{name} differs");
        }
    }

    /// Writes the search files of `docs`, built whole or in two segments,
    /// into a site folder, as a build does.
    fn site(docs: &[SearchDoc], split: bool) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let put = |path: String, bytes: Vec<u8>| -> Result<()> {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap())?;
            std::fs::write(path, bytes)?;
            Ok(())
        };
        let built = build_split(docs, split, &|| false).unwrap();
        write(&built, &|name, bytes| {
            put(format!("{}/{name}", crate::search::INDEX_DIR), bytes)
        })
        .unwrap();
        let vocab = super::super::vocabulary::count(docs);
        super::super::export::write(&built, vocab, docs, &[], &|name, bytes| {
            put(format!("search/{name}"), bytes)
        })
        .unwrap();
        dir
    }

    /// `remedy search` over two segments answers as over one: the same
    /// documents with the same scores (tantivy scores with the statistics
    /// of every segment), the same pages, titles, snippets and kinds, with
    /// pages and reference sections on both sides of the split.
    #[test]
    fn split_index_searches_like_a_single_one() {
        use crate::search::{Options, SearchIndex};
        let docs = docs(601);
        let (one, two) = (site(&docs, false), site(&docs, true));
        let index = |dir: &tempfile::TempDir| {
            let segments = std::fs::read_dir(dir.path().join(crate::search::INDEX_DIR))
                .unwrap()
                .filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .path()
                        .extension()
                        .is_some_and(|x| x == "idx")
                })
                .count();
            let index = SearchIndex::open(&dir.path().join(crate::search::INDEX_DIR)).unwrap();
            (index, segments)
        };
        let ((one, one_segments), (two, two_segments)) = (index(&one), index(&two));
        assert_eq!((one_segments, two_segments), (1, 2));
        let opts = Options {
            limit: 1000,
            code: None,
            kind: None,
        };
        // tantivy may sum a document's clause scores in another order when
        // a term is missing from one segment: scores then differ in the
        // last bit, and so may the order of documents tied to that bit.
        let near = |a: f32, b: f32| (a - b).abs() <= 1e-6 * a.abs().max(1.0);
        for query in [
            "payment required",
            "card_declined",
            "retry 402",
            "quota",
            "Section 300",
            "paymnt",
        ] {
            let (a, b) = (
                one.hits(query, &opts).unwrap(),
                two.hits(query, &opts).unwrap(),
            );
            assert!(a.len() > 10, "{query}: {} hits", a.len());
            assert_eq!(a.len(), b.len(), "{query}");
            for (x, y) in a.iter().zip(&b) {
                assert!(
                    near(x.score, y.score),
                    "{query}: {x:?} ranks where {y:?} does"
                );
                let z = b.iter().find(|h| h.doc == x.doc);
                assert!(
                    z.is_some_and(|z| near(x.score, z.score)),
                    "{query}: {x:?} vs {z:?}"
                );
            }
            let (a, b) = (
                one.search(query, &opts).unwrap(),
                two.search(query, &opts).unwrap(),
            );
            assert_eq!(a.len(), b.len(), "{query}");
            for x in &a {
                let y = b.iter().find(|y| y.url == x.url).expect("the same pages");
                assert!(
                    near(x.score, y.score),
                    "{query}: {} scores {} and {}",
                    x.url,
                    x.score,
                    y.score
                );
                let fields = |h: &crate::search::PageHit| {
                    (
                        h.title.clone(),
                        h.heading.clone(),
                        h.codes.clone(),
                        h.kind,
                        h.snippet.clone(),
                        h.doc,
                    )
                };
                assert_eq!(fields(x), fields(y), "{query}");
            }
        }
        assert_eq!(one.headings().unwrap(), two.headings().unwrap());
    }
}
