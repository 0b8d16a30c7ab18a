//! Search, end to end: the index the build writes, `remedy search`, the
//! quality bar of `tests/search-eval/queries.toml` (every query's page in the
//! top 3, MRR printed), and the parity of the browser client (run in node)
//! with tantivy.
//!
//! The parity test needs `node`; without it it prints one line and passes,
//! unless `REMEDY_REQUIRE_ALL=1`.

mod common;
mod support;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use serde::Deserialize;

use common::repo;
use remedy::search::{Options, SearchIndex};
use support::site::{build_bundled, BuiltSite};
use support::tools::{self, Tool};

fn site() -> &'static BuiltSite {
    static SITE: OnceLock<BuiltSite> = OnceLock::new();
    SITE.get_or_init(build_bundled)
}

fn index() -> SearchIndex {
    SearchIndex::open(&site().dir.join(remedy::search::INDEX_DIR)).expect("open the built index")
}

#[derive(Deserialize)]
struct Eval {
    query: Vec<EvalQuery>,
}

#[derive(Deserialize, Clone)]
struct EvalQuery {
    q: String,
    expect: String,
    kind: String,
}

fn eval_queries() -> Vec<EvalQuery> {
    let path = common::repo().join("tests/search-eval/queries.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    toml::from_str::<Eval>(&text).unwrap().query
}

/// Options for the best `n` results, no filter.
fn best(n: usize) -> Options {
    Options {
        limit: n,
        ..Options::default()
    }
}

fn search(args: &[&str]) -> std::process::Output {
    let site = site().dir.to_str().unwrap().to_string();
    let mut all = vec!["search", "--site", site.as_str()];
    all.extend_from_slice(args);
    common::remedy_in(&common::repo(), &all)
}

/// `/providers/openai/#insufficient-quota` -> `/providers/openai/`
fn page_of(url: &str) -> String {
    let path = url.split('#').next().unwrap_or_default();
    format!("/{}", path.trim_start_matches('/'))
}

#[test]
fn every_eval_query_finds_its_page_in_the_top_3() {
    let index = index();
    let queries = eval_queries();
    let mut reciprocal = 0.0;
    let mut misses = Vec::new();
    for q in &queries {
        let hits = index.search(&q.q, &best(10)).unwrap();
        let pages: Vec<String> = hits.iter().map(|h| page_of(&h.url)).collect();
        let rank = pages.iter().position(|p| *p == q.expect).map(|r| r + 1);
        reciprocal += rank.map_or(0.0, |r| 1.0 / r as f64);
        if rank.is_none_or(|r| r > 3) {
            misses.push(format!(
                "{:?} -> {:?} (got {:?})",
                q.q,
                q.expect,
                &pages[..pages.len().min(3)]
            ));
        }
    }
    let mrr = reciprocal / queries.len() as f64;
    tools::announce(&format!(
        "search quality: MRR {mrr:.3} over {} queries",
        queries.len()
    ));
    assert!(
        misses.is_empty(),
        "not in the top 3:\n{}",
        misses.join("\n")
    );
}

#[test]
fn the_index_has_a_document_per_section_and_tree_node() {
    let index = index();
    // 45 pages with several sections each, plus 67 tree nodes.
    assert!(index.len() > 300, "{} documents", index.len());
    let step = index
        .search(
            "stripe card declined",
            &Options {
                limit: 5,
                kind: Some(remedy::search::Kind::Step),
                ..Options::default()
            },
        )
        .unwrap();
    // Each step is a result of its own, not one result for the whole tree.
    assert!(step.len() >= 3, "{} steps", step.len());
    assert!(step
        .iter()
        .all(|h| h.kind == "step" && h.url.starts_with("troubleshoot/402/#")));
    let urls: std::collections::BTreeSet<&str> = step.iter().map(|h| h.url.as_str()).collect();
    assert_eq!(urls.len(), step.len(), "a step is listed twice");
    let only_429 = index
        .search(
            "quota",
            &Options {
                limit: 10,
                code: Some(429),
                ..Options::default()
            },
        )
        .unwrap();
    assert!(!only_429.is_empty());
    assert!(only_429.iter().all(|h| h.codes.contains(&429)));
    // A filter narrows the results; it does not add pages without the words.
    let filtered = index
        .hits(
            "quota",
            &Options {
                limit: 1000,
                code: Some(429),
                ..Options::default()
            },
        )
        .unwrap();
    assert!(filtered.iter().all(|h| h.score > 0.0), "{filtered:?}");
    assert!(filtered.len() < 60, "{} documents", filtered.len());
}

#[test]
fn analyzer_cases_find_their_pages() {
    let index = index();
    let top = |q: &str| {
        index
            .search(q, &best(3))
            .unwrap()
            .into_iter()
            .map(|h| page_of(&h.url))
            .collect::<Vec<_>>()
    };
    // Whole identifier, its parts, one part alone.
    for q in [
        "insufficient_quota",
        "insufficient quota",
        "INSUFFICIENT_QUOTA",
    ] {
        assert!(
            top(q).contains(&"/providers/openai/".to_string()),
            "{q}: {:?}",
            top(q)
        );
    }
    // Numbers and reason phrases are synonyms.
    assert!(top("too many requests").contains(&"/codes/429/".to_string()));
    assert!(
        top("429").contains(&"/codes/429/".to_string()),
        "{:?}",
        top("429")
    );
    // Typos, including in an identifier's part.
    assert!(
        top("retry-afetr")
            .iter()
            .any(|p| p == "/codes/429/" || p == "/402/retrying/"),
        "{:?}",
        top("retry-afetr")
    );
    assert!(top("insufficent quota").contains(&"/providers/openai/".to_string()));
    // Quoted phrases must match exactly.
    let phrase = index
        .search("\"reserved for future use\"", &best(50))
        .unwrap();
    assert!(!phrase.is_empty());
    assert_eq!(page_of(&phrase[0].url), "/402/");
    let nonsense = index
        .search("\"future reserved use for\"", &best(50))
        .unwrap();
    assert!(
        nonsense.is_empty(),
        "{:?}",
        nonsense.iter().map(|h| &h.url).collect::<Vec<_>>()
    );
}

#[test]
fn exact_matches_rank_above_typo_matches() {
    let index = index();
    // The typo's best section scores lower than it does for the word
    // spelled right (which also brings its family, `pay`).
    let exact = index.hits("payment", &best(10_000)).unwrap();
    let typo = index.hits("paymnet", &best(1)).unwrap();
    let same = exact.iter().find(|h| h.doc == typo[0].doc).unwrap();
    assert!(typo[0].score < same.score);
}

#[test]
fn cli_prints_results_as_text_and_json() {
    let out = search(&["card", "declined", "--limit", "2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("1. Stripe"), "{text}");
    assert!(text.contains("\n2. "));
    assert!(!text.contains("\n3. "));
    assert!(text.contains("/providers/stripe/#"), "{text}");

    let out = search(&["--json", "-n", "3", "insufficient_quota"]);
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 3);
    for key in [
        "title", "section", "url", "score", "codes", "kind", "snippet",
    ] {
        assert!(rows[0].get(key).is_some(), "no {key} in {}", rows[0]);
    }
    assert!(
        rows[0]["url"]
            .as_str()
            .unwrap()
            .contains("/providers/openai/#"),
        "{}",
        rows[0]["url"]
    );
    // The snippet comes from the section's start as the search box has
    // it (the fragment packs; the tantivy index stores no text).
    let snippet = rows[0]["snippet"].as_str().unwrap();
    assert!(snippet.chars().count() > 40, "{snippet:?}");
    let out = search(&["--json", "-n", "1", "card declined"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let snippet = rows[0]["snippet"].as_str().unwrap().to_lowercase();
    assert!(snippet.contains("declined"), "{snippet:?}");
}

#[test]
fn bad_queries_never_break_the_cli() {
    let long = "x".repeat(10_000);
    let cases = [
        "",
        "   ",
        "!!! ??? ...",
        long.as_str(),
        "\"unbalanced quote",
        ".*+?^${}()|[]\\",
        "<img src=x onerror=alert(1)>",
        "\u{7}\u{1b}[31m",
    ];
    for q in cases {
        let out = search(&["--json", q]);
        assert!(
            out.status.success(),
            "{q:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        if q.contains("img") {
            // Words of the query may match; the HTML is never echoed back.
            assert!(rows
                .iter()
                .all(|r| !r["snippet"].as_str().unwrap().contains("<img")));
        }
    }
    let out = search(&["zzzzqqqq"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("no results"));
}

#[test]
fn cli_without_an_index_says_how_to_get_one() {
    let empty = tempfile::tempdir().unwrap();
    let out = common::remedy_in(
        &common::repo(),
        &["search", "--site", empty.path().to_str().unwrap(), "402"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no search index") && err.contains("remedy build"),
        "{err}"
    );
}

/// An index whose files were damaged is named by its folder.
#[test]
fn cli_with_a_damaged_index_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("search/index");
    std::fs::create_dir_all(&index).unwrap();
    std::fs::write(index.join("meta.json"), "{\"segments\": [nul").unwrap();
    let out = common::remedy_in(
        &common::repo(),
        &["search", "--site", dir.path().to_str().unwrap(), "402"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read the search index") && err.contains("search/index"),
        "{err}"
    );
}

#[derive(Deserialize, Debug)]
struct NodeResult {
    q: String,
    hits: Vec<NodeHit>,
    /// The planned clauses, `[field, term, boost]`, sorted.
    #[serde(default)]
    plan: Vec<(usize, String, f64)>,
}

#[derive(Deserialize, Debug)]
struct NodeHit {
    doc: u32,
    score: f64,
    u: String,
}

fn run_client(site: &Path, queries: &[String]) -> Vec<NodeResult> {
    let script = common::repo().join("tests/browser/search-node.mjs");
    let mut child = Command::new(Tool::node().path)
        .arg(&script)
        .arg(site)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node");
    let input: Vec<serde_json::Value> = queries
        .iter()
        .map(|q| serde_json::json!({"q": q, "typing": false, "limit": 10, "plan": true}))
        .collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&input).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the node client failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the node client prints JSON")
}

#[test]
fn browser_client_scores_exactly_like_tantivy() {
    if !tools::available("search parity test", &[Tool::node()]) {
        return;
    }
    let index = index();
    // Every eval query without a typo or quotes, and a few more that
    // exercise compounds, numbers and synonyms.
    let mut queries: Vec<String> = eval_queries()
        .into_iter()
        .filter(|q| q.kind != "typo" && !q.q.contains('"'))
        .map(|q| q.q)
        .collect();
    queries.extend(
        [
            "card declined",
            "402",
            "Retry-After",
            "payment required",
            "x402 PAYMENT-SIGNATURE",
            "the",
            // Identifiers, word families, a question (issue 11).
            "credit_balance_exhausted",
            "voice_not_found",
            "cacheable",
            "retryable",
            "is a 402 response cacheable",
            "idempotent retries",
            // Found by the fuzzer (issue 22): a letter whose lowercase is
            // two characters, and a mark that belongs to the word.
            "\u{130}{*\n  \"additionalData\": {\n    \"refusalReasonRa",
            "HTTP\u{65c} 402 Payment\u{65c}Required",
            // Code as a reader types it (symbols, rule 4b) and headings
            // word for word (rule 4c).
            "Vec::new",
            "AtomicUsize and Ordering::Relaxed",
            "size_of::<T>() x86_64 &mut T",
            "Insufficient quota",
            "insufficient_quota",
            // Text beyond ASCII: combining marks (decomposed and
            // composed), CJK, emoji, right-to-left, a dotted capital I.
            "e\u{301}chec de paiement 402",
            "\u{e9}chec de paiement 402",
            "\u{652f}\u{6255}\u{3044}\u{304c}\u{5fc5}\u{8981} 402 \u{30a8}\u{30e9}\u{30fc}",
            "payment \u{1f4b8}\u{1f600} required",
            "\u{62f}\u{641}\u{639} \u{645}\u{637}\u{644}\u{648}\u{628} 402",
            "\u{130}STANBUL \u{d6}DEME_HATASI",
        ]
        .map(String::from),
    );
    // Pastes: a JSON body (its quotes are not phrases) and a whole
    // response, longer than the 32 words a query keeps.
    let body = r#"{"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "param": null, "code": "insufficient_quota"}}"#;
    queries.push(body.to_string());
    queries.push(format!(
        "HTTP/2 402\r\ncontent-type: application/json\r\nx-request-id: req_8f7a6b5c4d3e\r\ndate: Tue, 01 Dec 2026 10:00:00 GMT\r\nserver: cloudflare\r\ncf-ray: 8f7a6b5c4d3e2f1a-FRA\r\n\r\n{}\n{}",
        body,
        "Traceback (most recent call last): openai.RateLimitError: Error code: 429 ".repeat(20)
    ));
    // Every paste of the triage corpus, as a reader would drop it in the box.
    let mut pastes: Vec<PathBuf> = fs::read_dir(repo().join("tests/triage"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    pastes.sort();
    assert!(pastes.len() >= 40, "{} pastes", pastes.len());
    queries.extend(
        pastes
            .iter()
            .map(|p| String::from_utf8_lossy(&fs::read(p).unwrap()).into_owned()),
    );
    let results = run_client(&site().dir, &queries);
    assert_eq!(results.len(), queries.len());
    let mut compared = 0;
    let mut worst = 0.0f64;
    let mut clauses = 0;
    for (q, js) in queries.iter().zip(&results) {
        assert_eq!(&js.q, q);
        // The plans first: the same clauses with the same boosts, so a
        // difference is found where it starts, not only in the scores.
        let plan = index.plan(q);
        let rust_plan: Vec<(usize, &str)> = plan
            .should
            .iter()
            .map(|c| (c.field, c.term.as_str()))
            .collect();
        let js_plan: Vec<(usize, &str)> = js.plan.iter().map(|c| (c.0, c.1.as_str())).collect();
        assert_eq!(js_plan, rust_plan, "the plans differ for {q:?}");
        for (r, j) in plan.should.iter().zip(&js.plan) {
            assert!(
                (f64::from(r.boost) - j.2).abs() <= 1e-6,
                "{q:?}: clause {} {:?} boost {} vs client {}",
                r.field,
                r.term,
                r.boost,
                j.2
            );
        }
        clauses += plan.should.len();
        let rust = index.hits(q, &best(10)).unwrap();
        let rust_docs: Vec<u32> = rust.iter().map(|h| h.doc).collect();
        let js_docs: Vec<u32> = js.hits.iter().map(|h| h.doc).collect();
        assert_eq!(js_docs, rust_docs, "top 10 differ for {q:?}");
        for (r, j) in rust.iter().zip(&js.hits) {
            let diff = (f64::from(r.score) - j.score).abs();
            worst = worst.max(diff);
            assert!(
                diff <= 1e-4,
                "{q:?} doc {}: tantivy {} vs client {}",
                r.doc,
                r.score,
                j.score
            );
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} scores compared");
    tools::announce(&format!(
        "search parity: {} queries, {clauses} planned clauses equal, {compared} scores equal to tantivy's within 1e-4 (largest difference {worst:.1e})",
        queries.len()
    ));
}

/// The word class the browser reads from `meta.js` (`rules.word`) admits
/// exactly what the Rust analyzer's `char::is_alphanumeric` admits, on every
/// code point the browser's Unicode assigns (one newer in Rust than in the
/// browser is left out: the browser cannot know it).
#[test]
fn the_browser_word_class_is_rusts() {
    if !tools::available("word class parity test", &[Tool::node()]) {
        return;
    }
    let meta = fs::read_to_string(site().dir.join("search/meta.js")).unwrap();
    let json = meta
        .trim_end()
        .strip_prefix("__remedySearch(\"meta\",")
        .and_then(|m| m.strip_suffix(");"))
        .unwrap();
    let meta: serde_json::Value = serde_json::from_str(json).unwrap();
    let class = meta["rules"]["word"].as_str().unwrap().to_string();
    // One character per code point: 2 unassigned in node's Unicode, 1 a
    // word character by the class, 0 not.
    let script = r#"
const re = new RegExp("^" + process.argv[1] + "$", "u"), unassigned = /^\p{Cn}$/u;
let out = "";
for (let c = 0; c < 0x110000; c++) {
  const s = c >= 0xd800 && c <= 0xdfff ? "" : String.fromCodePoint(c);
  out += !s || unassigned.test(s) ? "2" : re.test(s) ? "1" : "0";
}
process.stdout.write(out);
"#;
    let out = Command::new(Tool::node().path)
        .args(["-e", script, &class])
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout.len(), 0x110000);
    let mut differ = Vec::new();
    let mut words = 0;
    for (c, seen) in (0u32..).zip(&out.stdout) {
        let Some(ch) = char::from_u32(c) else {
            continue;
        };
        if *seen == b'2' {
            continue;
        }
        words += usize::from(*seen == b'1');
        if ch.is_alphanumeric() != (*seen == b'1') {
            differ.push(format!("U+{c:04X}"));
        }
    }
    assert!(
        differ.is_empty(),
        "the browser's {class} and Rust's is_alphanumeric differ on {} code points: {:?}",
        differ.len(),
        &differ[..differ.len().min(20)]
    );
    assert!(words > 100_000, "{words} word characters");
}

#[test]
fn browser_client_finds_typo_and_phrase_targets() {
    if !tools::available("search parity test", &[Tool::node()]) {
        return;
    }
    let mut cases: Vec<(String, String)> = eval_queries()
        .into_iter()
        .filter(|q| q.kind == "typo" || q.kind == "phrase")
        .map(|q| (q.q, q.expect))
        .collect();
    cases.push(("\"reserved for future use\"".into(), "/402/".into()));
    cases.push((
        "\"card_declined\" stripe".into(),
        "/providers/stripe/".into(),
    ));
    cases.push(("retry-afetr".into(), "/codes/429/".into()));
    let queries: Vec<String> = cases.iter().map(|c| c.0.clone()).collect();
    let results = run_client(&site().dir, &queries);
    for ((q, expect), js) in cases.iter().zip(&results) {
        let pages: Vec<String> = js.hits.iter().map(|h| page_of(&h.u)).collect();
        assert!(pages.contains(expect), "{q:?}: {expect} not in {pages:?}");
    }
    // Bad input returns nothing rather than failing.
    let long = "y".repeat(10_000);
    let bad = [
        "",
        "!!!",
        "\"",
        ".*+?^${}()|[]\\",
        "<img src=x onerror=alert(1)>",
        long.as_str(),
    ]
    .map(String::from);
    let results = run_client(&site().dir, &bad);
    assert_eq!(results.len(), bad.len());
}

#[test]
fn a_small_site_is_searchable_and_search_is_reserved() {
    let f = common::Fixture::new();
    let out = f.run(&["search", "welcome"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("1. Home › Start"), "{text}");
    assert!(text.contains("https://example.org/#start"), "{text}");

    f.write(
        "content/search/tips.md",
        "+++\ntitle = \"Tips\"\n+++\n\nText.\n",
    );
    let err = f.fails_with("pages cannot live under /search/");
    assert!(err.contains("tips.md"), "{err}");
}

#[test]
fn search_can_be_turned_off() {
    let f = common::Fixture::new();
    assert!(f.root().join("public/search/meta.js").is_file());
    let home = std::fs::read_to_string(f.root().join("public/index.html")).unwrap();
    assert!(
        home.contains("search.js"),
        "the search script is not linked"
    );
    f.write(
        "book.toml",
        "[book]\ntitle = \"Fixture\"\n\n[output.html.search]\nenable = false\n",
    );
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!f.root().join("public/search").exists());
    let home = std::fs::read_to_string(f.root().join("public/index.html")).unwrap();
    assert!(
        !home.contains("search.js"),
        "the search script is still linked"
    );
    // A page may then live under /search/.
    f.write(
        "content/search.md",
        "+++\ntitle = \"Search tips\"\n+++\n\nText.\n",
    );
    assert!(f.run(&["build"]).status.success());
    f.write("book.toml", "[output.html.search]\nenabled = true\n");
    let out = f.run(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `enable`"), "{err}");
}

#[test]
fn tree_steps_carry_the_trees_codes() {
    let steps = index()
        .search(
            "stripe",
            &Options {
                limit: 3,
                code: Some(402),
                kind: Some(remedy::search::Kind::Step),
            },
        )
        .unwrap();
    assert!(!steps.is_empty());
    assert!(steps.iter().all(|h| h.kind == "step" && h.codes == [402]));
}

/// `remedy search` opens the built index read-only: the site folder holds
/// the same files, byte for byte, before and after (tantivy's lock file
/// would otherwise be left in it and shipped with the next deploy).
/// Snippets come from the fragment packs: a damaged one is named, with
/// how to fix it, and the command fails instead of printing wrong text.
#[test]
fn cli_with_a_damaged_fragment_pack_names_it() {
    let f = common::Fixture::new();
    let pack = f.root().join("public/search/f/0.js");
    fs::write(&pack, "__remedySearch(\"f0\",\"not base64 @@\");\n").unwrap();
    let out = f.run(&["search", "welcome"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("search/f/0.js"), "{err}");
    assert!(err.contains("rebuild the site"), "{err}");
}

#[test]
fn searching_leaves_the_built_site_untouched() {
    let f = common::Fixture::new();
    let public = f.root().join("public");
    let before = common::snapshot(&public);
    for args in [["search", "welcome"], ["search", "nothing-matches-this"]] {
        let out = f.run(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let after = common::snapshot(&public);
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(added.is_empty(), "remedy search wrote {added:?}");
    assert!(before == after, "remedy search changed the built site");
}

/// The browser index is a handful of packs, not a file per section: the
/// bundled site's search files stay a small fixed set however many sections
/// it has, and each is a packed script that decodes.
#[test]
fn the_browser_index_is_packed_into_few_files() {
    let dir = site().dir.join("search");
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(&dir) {
        let e = e.unwrap();
        if e.file_type().is_file() && !e.path().starts_with(dir.join("index")) {
            files.push(e.path().to_path_buf());
        }
    }
    let sections = index().len() as usize;
    assert!(
        files.len() * 4 < sections,
        "{} search files for {sections} sections",
        files.len()
    );
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        if path.ends_with("meta.js") {
            continue;
        }
        let payload = remedy::search::pack::payload(&bytes)
            .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
        assert!(!payload.is_empty(), "{} is empty", path.display());
    }
}

/// Issue 25: a query naming two status codes finds the sections that
/// compare them first, and a Sources list never outranks the sections that
/// explain (every eval query, and every heading of the site's pages).
#[test]
fn comparisons_lead_and_sources_follow() {
    let index = index();
    for q in [
        "402 or 429 for quota exceeded",
        "401 vs 403",
        "is it 402 or 403",
    ] {
        let hits = index.search(q, &best(2)).unwrap();
        let named = |h: &remedy::search::PageHit| {
            let text = format!("{} {}", h.title, h.heading.as_deref().unwrap_or(""));
            text.matches(char::is_numeric).count() >= 6
        };
        assert!(
            hits.iter().any(named),
            "{q:?}: no section naming both codes in the top 2: {:?}",
            hits.iter()
                .map(|h| (&h.title, &h.heading))
                .collect::<Vec<_>>()
        );
    }
    let mut checked = 0;
    // Queries a Sources list matches word for word, and the eval queries.
    let cited = [
        "RFC 9110 15.5.3",
        "RFC 9111 shared cache",
        "coinbase x402 specification",
        "stripe error codes",
    ];
    for q in cited
        .map(String::from)
        .into_iter()
        .chain(eval_queries().into_iter().map(|q| q.q))
    {
        let hits = index.search(&q, &best(1)).unwrap();
        if let Some(h) = hits.first() {
            assert!(
                !remedy::search::is_reference(h.heading.as_deref()),
                "{:?} leads with a reference list: {} › {:?}",
                q,
                h.title,
                h.heading
            );
            checked += 1;
        }
    }
    assert!(checked > 10);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `remedy search` reads the tree data that `search/meta.js` names only
/// inside the site: a meta.js that points outside it (damaged or planted)
/// gets no triage card, and the search still answers.
#[test]
fn the_cli_reads_triage_data_only_inside_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("site");
    copy_dir(&site().dir, &copy);
    let paste = std::fs::read_to_string(repo().join("tests/triage/echo-pro-curl-v.txt")).unwrap();
    let run = || {
        let out = common::remedy_in(
            &repo(),
            &["search", "--site", copy.to_str().unwrap(), &paste],
        );
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(
        run().starts_with("This looks like"),
        "the copy reads its own data"
    );

    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::rename(
        copy.join("troubleshoot/402/triage-data.js"),
        outside.join("triage-data.js"),
    )
    .unwrap();
    let meta_path = copy.join("search/meta.js");
    let meta = std::fs::read_to_string(&meta_path).unwrap();
    let start = meta
        .find("troubleshoot/402/triage-data.js")
        .expect("meta.js names the data");
    let end = start + meta[start..].find('"').unwrap();
    let planted = format!(
        "{}../outside/triage-data.js{}",
        &meta[..start],
        &meta[end..]
    );
    std::fs::write(&meta_path, planted).unwrap();
    let text = run();
    assert!(!text.contains("This looks like"), "{text}");
    assert!(text.starts_with("1. "), "{text}");
}
