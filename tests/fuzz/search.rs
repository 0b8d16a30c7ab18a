//! Targets of search: the query parser and planner over the bundled
//! site's index, and the CLI's reading of a built site (its index's
//! `meta.json`, the search box's `meta.js` and the trees' data).

use std::path::Path;

use remedy::lookup::Site;
use remedy::search::{Options, SearchIndex, INDEX_DIR};

use super::engine::Target;
use super::{seeds, site};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub const QUERY: Target = Target {
    name: "query",
    seeds: || {
        let mut q = seeds::queries();
        q.extend(
            seeds::pastes()
                .iter()
                .map(|p| p[..p.len().min(512)].to_vec()),
        );
        q
    },
    dict: &[
        "\"",
        "\"card declined\"",
        "402",
        "card_declined",
        "stripe",
        "paymnet",
        "-",
        "_",
        ".",
        "/",
        ":",
        "=",
        "{",
        "}",
        "*",
        "é",
        "Σ",
        "ß",
        "İ",
        "retryable",
        "cacheable",
        "x402",
        "l402",
        "api.openai.com",
    ],
    nest: "\"(",
    max_len: 512,
    mem: (32 << 20, 2048),
    setup: || {
        let index = SearchIndex::open(&site::dir().join(INDEX_DIR))
            .unwrap_or_else(|e| panic!("the bundled index opens: {e:#}"));
        let mut n = 0u16;
        Box::new(move |bytes| {
            n = n.wrapping_add(1);
            let q = text(bytes);
            let plan = index.plan(&q);
            for c in &plan.should {
                assert!(c.boost.is_finite() && c.boost >= 0.0, "boost {}", c.boost);
            }
            let opts = Options {
                limit: 1 + usize::from(n % 12),
                code: n.is_multiple_of(5).then_some(402),
                kind: None,
            };
            // Planning is the parser; a whole search (scoring, snippets)
            // on every fourth input keeps the pass short.
            if !n.is_multiple_of(4) {
                return;
            }
            let hits = index
                .search(&q, &opts)
                .unwrap_or_else(|e| panic!("search fails: {e:#}"));
            assert!(hits.len() <= opts.limit);
            for h in &hits {
                assert!(h.score.is_finite(), "score {}", h.score);
                for r in &h.highlighted {
                    assert!(
                        h.snippet.get(r.clone()).is_some(),
                        "highlight {r:?} of {:?}",
                        h.snippet
                    );
                }
            }
        })
    },
};

/// Files of a built site (the small one of `remedy init`) the CLI reads,
/// by the first line of the input.
const FILES: [&str; 3] = [
    "search/meta.js",
    "troubleshoot/errors/triage-data.js",
    "search/index/meta.json",
];

pub const INDEX: Target = Target {
    name: "built-index",
    seeds: || {
        FILES
            .iter()
            .map(|f| {
                let body = std::fs::read(site::small_dir().join(f)).unwrap_or_default();
                [format!("{f}\n").into_bytes(), body].concat()
            })
            .collect()
    },
    dict: &[
        "\"triage\":[",
        "\"../../x.js\"",
        "null",
        "[]",
        "{}",
        "\"segments\":[]",
        "\"fields\":",
        "\"text\"",
        "-1",
        "1e30",
    ],
    nest: "[",
    max_len: 1 << 20,
    mem: (128 << 20, 64),
    setup: || {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let dir = tmp.path().join("site");
        copy_dir(site::small_dir(), &dir);
        let paste = text(&seeds::pastes()[0]);
        let mut n = 0usize;
        Box::new(move |bytes| {
            let _keep = &tmp;
            n += 1;
            let (name, body) = match bytes.iter().position(|&b| b == b'\n') {
                Some(i) if FILES.iter().any(|f| f.as_bytes() == &bytes[..i]) => {
                    (text(&bytes[..i]), &bytes[i + 1..])
                }
                _ => (FILES[n % 2].to_string(), bytes),
            };
            let path = dir.join(&name);
            let original = std::fs::read(&path).expect("the built file");
            std::fs::write(&path, body).expect("write");
            let site = Site::built(&dir);
            let _ = site.triage(&paste);
            if name.ends_with("meta.json") {
                let _ = site.search(
                    "card declined",
                    &Options {
                        limit: 5,
                        ..Options::default()
                    },
                );
            }
            std::fs::write(&path, original).expect("restore");
        })
    },
};

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(from).expect("under the folder");
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(e.path(), &dest).expect("copy");
        }
    }
}
