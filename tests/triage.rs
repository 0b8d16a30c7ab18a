//! Paste triage end to end: every paste of `tests/triage/` reaches its
//! remedy through `remedy triage`, pastes from services the site does not
//! cover never land on another service's remedy, the browser engine
//! (`triage-engine.js`, run in node on the data the build publishes)
//! agrees on every step, score and candidate, hostile pastes finish in
//! bounded time in both, and bad signals fail the build at their line.
//! `corpus_report` prints the figures by half (see `support::corpus`).
//!
//! The node half needs `node`; without it it prints one `SKIPPED` line and
//! passes, unless `REMEDY_REQUIRE_ALL=1`.

mod common;
mod support;

use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::Deserialize;

use common::repo;
use remedy::diagnostics::Source;
use remedy::tree::triage::{Data, Triage};
use support::corpus::{self, Half};
use support::site::{build_bundled, BuiltSite};
use support::tools::{self, Tool};
use support::trace;

fn site() -> &'static BuiltSite {
    static SITE: OnceLock<BuiltSite> = OnceLock::new();
    SITE.get_or_init(build_bundled)
}

/// The 402 tree's data as the build published it.
fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| {
        let script = fs::read_to_string(data_file()).expect("the build publishes triage-data.js");
        Data::from_script(&script).expect("the published data reads back")
    })
}

fn data_file() -> PathBuf {
    site().dir.join("troubleshoot/402/triage-data.js")
}

fn walk(file: &str) -> Triage {
    remedy::triage::walk_text(data(), &corpus::paste(file))
}

/// The walk with signals alone, as before evidence.
fn walk_signals_only(file: &str) -> Triage {
    let mut d = data().clone();
    d.evidence = None;
    remedy::triage::walk_text(&d, &corpus::paste(file))
}

fn is_remedy(node: &str) -> bool {
    !data().questions.contains_key(node)
}

/// The site paths of a remedy's guide pages.
fn guide_pages(node: &str) -> Vec<String> {
    let model = data().evidence.as_ref().unwrap();
    model
        .remedies
        .iter()
        .find(|r| r.id == node)
        .map(|r| {
            r.pages
                .iter()
                .map(|&p| model.pages[p as usize].path.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// A remedy about one service: one of its guide pages declares hosts.
fn is_service_remedy(node: &str) -> bool {
    let model = data().evidence.as_ref().unwrap();
    model.remedies.iter().any(|r| {
        r.id == node
            && r.pages
                .iter()
                .any(|&p| !model.pages[p as usize].hosts.is_empty())
    })
}

#[derive(Deserialize, Debug, PartialEq, Clone)]
struct Answered {
    question: String,
    answer: String,
    signal: String,
    decided_by: String,
}

#[derive(Deserialize, Debug, PartialEq, Clone)]
struct Candidate {
    node: String,
    score: f64,
}

#[derive(Deserialize, Debug)]
struct CliReport {
    node: String,
    kind: String,
    url: String,
    guides: Vec<String>,
    answered: Vec<Answered>,
    #[serde(default)]
    candidates: Vec<CliCandidate>,
}

#[derive(Deserialize, Debug)]
struct CliCandidate {
    node: String,
    url: String,
    guides: Vec<String>,
    score: f64,
}

fn triage_cli(paste: &[u8], json: bool) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_remedy"));
    cmd.args(["triage", "402", "--color=never"]);
    if json {
        cmd.arg("--json");
    }
    let mut child = cmd
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A reader that stops early (as triage does past its cap) closes the pipe.
    let _ = child.stdin.take().unwrap().write_all(paste);
    child.wait_with_output().unwrap()
}

fn cli_report(paste: &[u8]) -> CliReport {
    let out = triage_cli(paste, true);
    assert!(
        out.status.success(),
        "remedy triage failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("remedy triage --json prints one object")
}

fn tree_page() -> String {
    fs::read_to_string(site().dir.join("troubleshoot/402/index.html")).unwrap()
}

#[test]
fn uncovered_pastes_never_land_on_a_service_remedy() {
    let (_, uncovered) = corpus::load();
    let mut failures = Vec::new();
    for u in &uncovered {
        let t = walk(&u.file);
        let wrong = is_remedy(&t.node) && is_service_remedy(&t.node) && !u.accept.contains(&t.node);
        println!(
            "{:<46} -> {:<28} {}",
            u.file,
            t.node,
            if wrong { "WRONG" } else { "ok" }
        );
        if wrong {
            failures.push(format!("{} ({}): landed on {}", u.file, u.service, t.node));
        }
    }
    assert!(
        failures.len() <= MAX_UNCOVERED_WRONG,
        "{}",
        failures.join("\n")
    );
}

#[test]
fn the_corpus_covers_every_service_and_protocol_page_twice() {
    let (cases, uncovered) = corpus::load();
    assert!(
        cases.len() + uncovered.len() >= 80,
        "{} pastes",
        cases.len() + uncovered.len()
    );
    assert!(
        uncovered.len() >= 15,
        "{} uncovered pastes",
        uncovered.len()
    );
    let mut missing = Vec::new();
    for folder in ["providers", "protocols"] {
        let mut pages: Vec<String> = fs::read_dir(repo().join("content").join(folder))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") && n != "_index.md")
            .collect();
        pages.sort();
        for name in pages {
            let path = format!("{folder}/{}/", name.trim_end_matches(".md"));
            let shapes: BTreeSet<&str> = cases
                .iter()
                .filter(|c| guide_pages(&c.node).contains(&path))
                .map(|c| c.shape.as_str())
                .collect();
            if shapes.len() < 2 {
                missing.push(format!("{path}: {} shape(s)", shapes.len()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "pages with fewer than two pastes:\n{}",
        missing.join("\n")
    );
    let unsourced: Vec<&str> = cases
        .iter()
        .filter(|c| c.source.as_deref().is_none_or(str::is_empty))
        .map(|c| c.file.as_str())
        .collect();
    assert!(
        unsourced.is_empty(),
        "cases without a source: {unsourced:?}"
    );
    for file in cases
        .iter()
        .map(|c| &c.file)
        .chain(uncovered.iter().map(|u| &u.file))
    {
        assert!(
            corpus::dir().join(file).is_file(),
            "{file} is listed but missing"
        );
    }
}

#[test]
fn the_cli_makes_the_data_the_build_publishes() {
    let config = remedy::config::Config::load(&repo(), &Default::default()).unwrap();
    let mut diags = remedy::diagnostics::Diagnostics::new();
    let library = remedy::site::load_library(&config, &mut diags);
    let page = library
        .ids()
        .find(|&i| library.pages[i].tree().is_some())
        .unwrap();
    let made = remedy::site::triage_data(&config, &library, page).unwrap();
    assert_eq!(made.to_script_json(), data().to_script_json());
}

#[test]
fn text_output_shows_the_signals_and_the_step_url() {
    let paste = fs::read(repo().join("tests/triage/cloudflare-crawler-error.txt")).unwrap();
    let out = triage_cli(&paste, false);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("because: header crawler-error: InvalidCrawlerExactPrice"),
        "{text}"
    );
    assert!(text.contains("=> Cloudflare pay per crawl"), "{text}");
    assert!(
        text.contains(
            "This step on the site: https://remedy.example.org/troubleshoot/402/#cf-crawler-error"
        ),
        "{text}"
    );
    // A paste that decides nothing lands on the start question, exit 0.
    let out = triage_cli(b"hello", false);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("The paste decided no question."), "{text}");
    assert!(text.contains("?  Where did you see the 402?"), "{text}");
}

#[test]
fn evidence_steps_and_candidates_in_text_and_json() {
    // A Problem Details body with no signal for its `type`: evidence reads
    // the problem type from the Payment scheme's guide.
    let paste = br#"{"type":"https://paymentauth.org/problems/verification-failed","title":"Payment verification failed","status":402}"#;
    let r = cli_report(paste);
    assert!(
        r.answered
            .iter()
            .any(|a| a.decided_by == "evidence" && a.signal.contains("`verification-failed`")),
        "{r:?}"
    );
    assert!(r
        .answered
        .iter()
        .all(|a| a.decided_by == "evidence" || a.decided_by == "signal"));
    let text = String::from_utf8(triage_cli(paste, false).stdout).unwrap();
    assert!(text.contains("evidence: `"), "{text}");
    // A remedy's URL is its step; its guides are the remedy's links.
    let r = cli_report(&fs::read(corpus::dir().join("stripe-card-declined.txt")).unwrap());
    assert_eq!(r.kind, "remedy");
    assert!(
        r.url.ends_with("/troubleshoot/402/#stripe-card-declined"),
        "{}",
        r.url
    );
    assert!(
        r.guides
            .iter()
            .any(|g| g.ends_with("/providers/stripe/#card-declined")),
        "{:?}",
        r.guides
    );
    // A bare 402 stops at the host question, with its likeliest remedies.
    let r = cli_report(b"HTTP/1.1 402 Payment Required\ncontent-type: application/json\n\n{\"error\": {\"message\": \"Insufficient credits. Add more using https://example.com/credits\"}}");
    assert_eq!(r.kind, "question", "{r:?}");
    assert!(!r.candidates.is_empty(), "{r:?}");
    for c in &r.candidates {
        assert!(
            c.url.ends_with(&format!("#{}", c.node)) && !c.guides.is_empty() && c.score > 0.0,
            "{c:?}"
        );
    }
    let text = String::from_utf8(
        triage_cli(
            b"HTTP/1.1 402 Payment Required\n\nInsufficient credits",
            false,
        )
        .stdout,
    )
    .unwrap();
    assert!(
        text.contains("Most likely, from what the paste shares with the guides:"),
        "{text}"
    );
}

#[test]
fn triage_names_a_missing_tree() {
    let out = triage_cli(b"HTTP/1.1 402\n", false);
    assert!(out.status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["triage", "nope", "--color=never"])
        .current_dir(repo())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no decision tree named `nope`"));
}

#[test]
fn the_page_links_its_data_and_an_accessible_paste_box() {
    let html = tree_page();
    let script = fs::read_to_string(data_file()).unwrap();
    assert!(!script.contains('<'), "markup inside the data");
    let hash = {
        let mut h = remedy::fingerprint::Fnv64::default();
        h = h.update(script.as_bytes());
        h.short()
    };
    for needle in [
        format!(r#"data-triage="triage-data.js?v={hash}""#),
        r#"aria-labelledby="rm-paste-title""#.to_string(),
        r#"<label for="rm-paste-input">"#.to_string(),
        r#"<textarea id="rm-paste-input""#.to_string(),
        r#"role="status" aria-live="polite""#.to_string(),
        "nothing you paste leaves your browser".to_string(),
        "<noscript>".to_string(),
        "triage-engine.".to_string(),
    ] {
        assert!(html.contains(&needle), "the tree page lacks {needle}");
    }
}

fn run_node(data: &Path, files: &[PathBuf]) -> Vec<NodeResult> {
    run_node_traced(data, files, false)
}

/// [`run_node`], with each result's `trace` when `traced`.
fn run_node_traced(data: &Path, files: &[PathBuf], traced: bool) -> Vec<NodeResult> {
    let script = repo().join("tests/browser/triage-node.mjs");
    let mut child = Command::new(Tool::node().path)
        .arg(&script)
        .arg(data)
        .args(traced.then_some("--trace"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(files).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the node engine failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the node engine prints JSON")
}

#[derive(Deserialize, Debug)]
struct NodeResult {
    node: String,
    answered: Vec<Answered>,
    candidates: Vec<Candidate>,
    order: Vec<usize>,
    ms: f64,
    #[serde(default)]
    trace: Option<serde_json::Value>,
}

/// The CLI's walk in the shape node prints it.
fn cli_walk(bytes: &[u8]) -> (String, Vec<Answered>, Vec<Candidate>, Vec<usize>) {
    let r = cli_report(bytes);
    let t = remedy::triage::walk_text(data(), &String::from_utf8_lossy(bytes));
    assert_eq!(r.node, t.node);
    let candidates = r
        .candidates
        .iter()
        .map(|c| Candidate {
            node: c.node.clone(),
            score: c.score,
        })
        .collect();
    (r.node, r.answered, candidates, t.order)
}

/// Every paste of the corpus, and the pastes of [`trace::parity_cases`]
/// (text outside ASCII, numbers), through both engines: what each read on
/// the way (paste, signals, features, scores) and where each walk ends.
#[test]
fn the_browser_engine_agrees_with_the_cli_on_every_paste() {
    if !tools::available("triage parity test", &[Tool::node()]) {
        return;
    }
    let (cases, uncovered) = corpus::load();
    let tmp = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = cases
        .iter()
        .map(|c| c.file.clone())
        .chain(uncovered.iter().map(|u| u.file.clone()))
        .collect();
    let mut files: Vec<PathBuf> = names.iter().map(|f| corpus::dir().join(f)).collect();
    for (i, (name, bytes)) in trace::parity_cases().into_iter().enumerate() {
        let path = tmp.path().join(format!("case-{i}.txt"));
        fs::write(&path, bytes).unwrap();
        names.push(name.to_string());
        files.push(path);
    }
    let browser = run_node_traced(&data_file(), &files, true);
    let mut diffs = Vec::new();
    let mut evidence_steps = 0;
    for ((name, file), b) in names.iter().zip(&files).zip(&browser) {
        let bytes = fs::read(file).unwrap();
        let rust = trace::trace(data(), &String::from_utf8_lossy(&bytes));
        if let Some(d) = trace::first_difference(&rust, b.trace.as_ref().unwrap()) {
            diffs.push(format!("{name}: the engines read it differently at {d}"));
        }
        let (node, answered, candidates, order) = cli_walk(&bytes);
        evidence_steps += answered
            .iter()
            .filter(|a| a.decided_by == "evidence")
            .count();
        let same = node == b.node
            && answered == b.answered
            && candidates == b.candidates
            && order == b.order;
        if !same {
            diffs.push(format!(
                "{name}: cli {node} {answered:?} {candidates:?} {order:?}\n   browser {} {:?} {:?} {:?}",
                b.node, b.answered, b.candidates, b.order
            ));
        }
        println!(
            "{name:<46} cli {node:<28} browser {:<28} {:>6.1} ms {}",
            b.node,
            b.ms,
            if same { "same" } else { "DIFFERENT" }
        );
    }
    assert!(
        evidence_steps > 0,
        "no paste was decided by evidence: the parity test covers nothing of it"
    );
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// Pastes meant to hurt: size, binary, depth, markup and pathological
/// header values against the tree's patterns.
fn hostile_pastes(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let mut out = Vec::new();
    let mut put = |name: &'static str, bytes: Vec<u8>| {
        let path = dir.join(format!("{name}.txt"));
        fs::write(&path, bytes).unwrap();
        out.push((name, path));
    };
    let mut text = String::from("HTTP/1.1 402 Payment Required\nContent-Type: text/plain\n\n");
    while text.len() < 5 * 1024 * 1024 {
        text.push_str(
            "status 402 error code: 429 credit balance {\"error\": [1, 2, 3]} HTTP/1.1 200\n",
        );
    }
    put("5 MB of text", text.into_bytes());
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let binary: Vec<u8> = (0..2 * 1024 * 1024)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect();
    put("2 MB of binary", binary);
    put(
        "100,000-deep JSON array",
        format!(
            "HTTP/2 402\n\n{}{}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        )
        .into_bytes(),
    );
    put(
        "100,000-deep JSON object",
        format!("{}1{}", "{\"error\":".repeat(100_000), "}".repeat(100_000)).into_bytes(),
    );
    let mut html = String::from(
        "HTTP/1.1 402 Payment Required\ncontent-type: text/html\n\n<!doctype html><html><head>",
    );
    for _ in 0..20_000 {
        html.push_str("<script>alert('x');var a={\"error\":{\"type\":\"card_error\"</script><img src=x onerror=alert(1)>");
    }
    put("HTML with scripts", html.into_bytes());
    let mut regexy = String::from("HTTP/2 402\n");
    regexy.push_str(&format!("www-authenticate: L402{}\n", "\t".repeat(500_000)));
    regexy.push_str(&format!("www-authenticate: {}\n", "LSAT".repeat(100_000)));
    regexy.push_str(&format!("payment-response: {}\n", "A".repeat(2_000_000)));
    regexy.push_str(&format!("crawler-error: {}\n\n", "a".repeat(100_000)));
    regexy.push_str(&format!(
        "{{\"error\":{{\"errors\":[{{\"reason\":\"{}x\"}}],\"doc_url\":\"https://stripe.com/docs/{}\"}}}}",
        "402".repeat(300_000),
        "a".repeat(300_000)
    ));
    put("regex-heavy headers and values", regexy.into_bytes());
    let mut lines = String::new();
    for i in 0..200_000 {
        lines.push_str(&format!("< HTTP/1.1 {} x\n< a{i}: b\n", 100 + i % 500));
    }
    put("200,000 status lines", lines.into_bytes());
    out
}

#[test]
fn hostile_pastes_finish_quickly_in_the_cli_and_the_browser_engine() {
    let tmp = tempfile::tempdir().unwrap();
    let pastes = hostile_pastes(tmp.path());
    let mut cli = Vec::new();
    for (name, path) in &pastes {
        let bytes = fs::read(path).unwrap();
        let t0 = Instant::now();
        let text = String::from_utf8_lossy(&bytes);
        let result = remedy::triage::walk_text(data(), &text);
        let lib = t0.elapsed();
        let t0 = Instant::now();
        let report = cli_report(&bytes);
        let whole = t0.elapsed();
        println!(
            "{name:<32} library {:>7.1} ms   remedy triage (process) {:>7.1} ms   -> {}",
            lib.as_secs_f64() * 1e3,
            whole.as_secs_f64() * 1e3,
            report.node
        );
        assert_eq!(report.node, result.node);
        // A guard against a hang or a blow-up, not a speed target (the
        // timings above are reported; speed lives in the benchmarks).
        assert!(lib < Duration::from_secs(10), "{name}: {lib:?}");
        cli.push(report);
    }
    if !tools::available("triage hostile-input test in node", &[Tool::node()]) {
        return;
    }
    let files: Vec<PathBuf> = pastes.iter().map(|(_, p)| p.clone()).collect();
    let browser = run_node(&data_file(), &files);
    for (((name, _), c), b) in pastes.iter().zip(&cli).zip(&browser) {
        println!("{name:<32} browser engine {:>7.1} ms   -> {}", b.ms, b.node);
        assert!(b.ms < 10_000.0, "{name}: {} ms in the browser engine", b.ms);
        assert_eq!((&c.node, &c.answered), (&b.node, &b.answered), "{name}");
    }
}

/// Parses a one-question tree whose first answer carries `when`.
fn tree_with(when_a: &str, when_b: &str) -> Result<remedy::tree::Tree, Vec<String>> {
    let text = format!(
        "[tree]\ntitle = \"T\"\nstart = \"q\"\n\n[[question]]\nid = \"q\"\ntext = \"Q?\"\nanswers = [\n  {{ label = \"A\", next = \"a\", when = {when_a} }},\n  {{ label = \"B\", next = \"b\", when = {when_b} }},\n]\n\n[[remedy]]\nid = \"a\"\ntitle = \"A\"\nbody = \"x\"\nguides = [\"g.md\"]\n\n[[remedy]]\nid = \"b\"\ntitle = \"B\"\nbody = \"x\"\nguides = [\"g.md\"]\n"
    );
    let source = Source::new("t.toml", text);
    remedy::tree::parse(&source).map_err(|errs| {
        errs.iter()
            .map(|d| {
                let (line, col) = d.line_col().unwrap_or((0, 0));
                format!("{line}:{col}: {}", d.message)
            })
            .collect()
    })
}

fn error_of(when_a: &str) -> String {
    match tree_with(when_a, "{ status = 500 }") {
        Ok(_) => panic!("`{when_a}` was accepted"),
        Err(e) => {
            let e = e.join("\n");
            println!("{when_a}\n  -> {e}");
            e
        }
    }
}

#[test]
fn bad_signals_are_located_errors() {
    // Line 9 holds the first answer; columns point into it.
    let e = error_of(r#"{ header = "x", regex = "a" }"#);
    assert!(e.starts_with("9:53: unknown key `regex`"), "{e}");
    let e = error_of(r#"{ header = "www-authenticate", matches = "^(L402" }"#);
    assert!(
        e.starts_with("9:78: pattern `^(L402` does not compile"),
        "{e}"
    );
    let e = error_of(r#"{ header = "x", matches = "(a+)+$" }"#);
    assert!(e.contains("repeats a repetition"), "{e}");
    let e = error_of(r#"{ header = "x", matches = "a.*b.*c" }"#);
    assert!(e.contains("more than one unbounded repetition"), "{e}");
    let e = error_of(r#"{ header = "x", matches = "\\d+" }"#);
    assert!(e.contains("write [0-9]"), "{e}");
    for (pattern, why) in [
        (r"a\\b", "assertion other than ^ and $"),
        (r"(?P<n>a)", "names a group"),
        (r"a(?i)b", "only a leading (?i)"),
        (r"[[:alpha:]]", "class item"),
        (r"[\\S_]", "class item"),
        (r"a{200}", "more than 100 times"),
        (r"(a|b)*", "repeats an alternation"),
        (r"a\\-b", "escape browsers read differently"),
        (r"a]", "escape browsers read differently"),
        (r"\\p{L}", "Unicode class"),
    ] {
        let e = error_of(&format!(r#"{{ header = "x", matches = "{pattern}" }}"#));
        assert!(e.contains(why), "{pattern}: {e}");
    }
    // Accepted: what browsers read the same way.
    for pattern in [
        r"(?i)^(L402|LSAT)\\s",
        r"^[0-9A-Fa-f]{2,8}\\.x/y$",
        r"[\\-_.]+",
        r"a|b|c",
    ] {
        assert!(
            tree_with(
                &format!(r#"{{ header = "x", matches = "{pattern}" }}"#),
                "{ status = 500 }"
            )
            .is_ok(),
            "{pattern} was refused"
        );
    }
    let e = error_of(r#"{ json = "error/type", equals = "card_error" }"#);
    assert!(
        e.starts_with("9:46: `error/type` is not a JSON pointer"),
        "{e}"
    );
    let e = error_of(r#"{ json = "/a~2b" }"#);
    assert!(e.contains("is not a JSON pointer"), "{e}");
    let e = error_of(r#"{ status = 402, header = "x" }"#);
    assert!(
        e.contains("one condition checks one thing; this one has status, header"),
        "{e}"
    );
    for number in ["inf", "-inf", "nan"] {
        let e = error_of(&format!(r#"{{ json = "/n", equals = {number} }}"#));
        assert!(
            e.contains(&format!("cannot compare with `{number}`")),
            "{e}"
        );
    }
    let e = error_of(r#"{ status = 999 }"#);
    assert!(e.contains("`999` is not an HTTP status code"), "{e}");
    let e = error_of(r#"{ header = "x y" }"#);
    assert!(e.contains("is not a header name"), "{e}");
    let e = error_of(r#"{ any = [] }"#);
    assert!(e.contains("an empty list of conditions"), "{e}");
    let e = error_of(r#"{ all = [{ status = 402 }, { body = "" }] }"#);
    assert!(e.contains("`body` needs some text"), "{e}");
}

#[test]
fn overlapping_answers_warn_with_an_example_unless_first_wins() {
    let t = tree_with(
        r#"{ status = 402 }"#,
        r#"{ json = "/error/type", equals = "card_error" }"#,
    )
    .unwrap();
    assert_eq!(t.warnings.len(), 1);
    let w = &t.warnings[0];
    assert!(w
        .message
        .contains("answers 1 and 2 of question `q` can both match"));
    let help = w.help.as_deref().unwrap();
    assert!(
        help.contains("HTTP/1.1 402") && help.contains("\"card_error\""),
        "{help}"
    );
    // Exclusive answers: no warning.
    let t = tree_with(
        r#"{ status = 402 }"#,
        r#"{ all = [{ json = "/error/type", equals = "card_error" }, { not = { status = 402 } }] }"#,
    )
    .unwrap();
    assert!(t.warnings.is_empty());
    // Regex samples: `^L402 ` and `(?i)^l402\s` both match "L402 ".
    let t = tree_with(
        r#"{ header = "www-authenticate", matches = "^L402 " }"#,
        r#"{ header = "www-authenticate", matches = "(?i)^l402\\s" }"#,
    )
    .unwrap();
    assert_eq!(t.warnings.len(), 1, "{:?}", t.warnings);
    // The bundled tree builds without any.
    let path = repo().join("content/troubleshoot/402.toml");
    let tree =
        remedy::tree::parse(&Source::new("402.toml", fs::read_to_string(path).unwrap())).unwrap();
    assert!(tree.warnings.is_empty(), "{:?}", tree.warnings);
}

#[test]
fn paste_reader_handles_each_shape() {
    use remedy::tree::paste::{parse, Json};
    let p = parse("< HTTP/2 402\r\n< WWW-Authenticate: L402 token=\"x\"\r\n<\r\n{\"a\": 1}\r\n* Connection #0 left intact");
    assert_eq!(p.status, Some(402));
    assert_eq!(
        p.headers,
        vec![("www-authenticate".into(), "L402 token=\"x\"".into())]
    );
    assert_eq!(p.body, "{\"a\": 1}");
    let p = parse("openai.RateLimitError: Error code: 429 - {'error': {'param': None, 'ok': True, 'n': -1.5e2, 's': 'it\\'s'}}");
    assert_eq!(p.status, Some(429));
    let err = p.json.as_ref().unwrap().pointer(&["error".into()]).unwrap();
    assert_eq!(
        err,
        &Json::Obj(vec![
            ("param".into(), Json::Null),
            ("ok".into(), Json::Bool(true)),
            ("n".into(), Json::Num(-150.0)),
            ("s".into(), Json::Str("it's".into())),
        ])
    );
    assert_eq!(parse("402: PAYMENT_REQUIRED").status, Some(402));
    assert_eq!(
        parse("{\"type\": \"https://paymentauth.org/problems/payment-required\", \"status\": 402}")
            .status,
        Some(402)
    );
    assert_eq!(parse("{\"status\": \"402\"}").status, None);
    assert_eq!(parse("order 402 shipped").status, None);
    assert_eq!(parse("HTTP/1.1 4020 x").status, None);
    assert_eq!(
        parse("{\"a\":\"\\ud83d\\ude00 \\ud800\"}").json,
        Some(Json::Obj(vec![(
            "a".into(),
            Json::Str("😀 \u{FFFD}".into())
        )]))
    );
    assert!(parse(&format!("{}{}", "[".repeat(64), "]".repeat(64)))
        .json
        .is_some());
    assert_eq!(
        parse(&format!("{}{}", "[".repeat(65), "]".repeat(65))).json,
        None
    );
}

/// The README's example of signals is a valid tree, with no warning.
#[test]
fn the_readme_example_of_signals_builds() {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let section = &readme[readme
        .find("### Signals: paste the response")
        .expect("the README documents signals")..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let mut text = format!("[tree]\ntitle = \"T\"\nstart = \"challenge\"\n\n{example}");
    for id in ["l402", "x402", "x402-failed", "card", "credit", "other"] {
        text.push_str(&format!(
            "\n[[remedy]]\nid = \"{id}\"\ntitle = \"R\"\nbody = \"x\"\nguides = [\"g.md\"]\n"
        ));
    }
    let tree = remedy::tree::parse(&Source::new("README.md", text)).unwrap_or_else(|e| {
        panic!(
            "{:?}",
            e.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
        )
    });
    assert!(tree.warnings.is_empty(), "{:?}", tree.warnings);
    let data = Data::new(&tree, "", None);
    let walked = remedy::triage::walk_text(
        &data,
        "HTTP/2 402\nwww-authenticate: LSAT macaroon=\"x\"\n\n",
    );
    assert_eq!(walked.node, "l402");
}

/// The shortest number of questions from `from` to `to` (0 when equal).
fn questions_between(from: &str, to: &str) -> Option<usize> {
    let d = data();
    let mut seen = vec![from.to_string()];
    let mut frontier = vec![from.to_string()];
    for depth in 0..=d.questions.len() {
        if frontier.iter().any(|n| n == to) {
            return Some(depth);
        }
        let mut next = Vec::new();
        for n in &frontier {
            for a in d.questions.get(n).into_iter().flatten() {
                if !seen.contains(&a.next) {
                    seen.push(a.next.clone());
                    next.push(a.next.clone());
                }
            }
        }
        frontier = next;
    }
    None
}

/// Rank (1-based, `None` below 10) of the case's page among the search
/// results for the whole paste, as the index ranks them and as the search
/// box shows them (its triage card's remedy's guides first); `None` for a
/// case with no page to find (a bare status).
fn search_rank(
    index: &remedy::search::SearchIndex,
    c: &corpus::Case,
) -> Option<(Option<usize>, Option<usize>)> {
    let page = c
        .page
        .clone()
        .or_else(|| guide_pages(&c.node).first().cloned())?;
    let mut hits = index
        .search(
            &corpus::paste(&c.file),
            &remedy::search::Options {
                limit: 10,
                code: None,
                kind: None,
            },
        )
        .unwrap();
    let rank = |hits: &[remedy::search::PageHit]| {
        hits.iter()
            .position(|h| h.url.split('#').next() == Some(page.as_str()))
            .map(|i| i + 1)
    };
    let plain = rank(&hits);
    if let Some(card) = site_lookup().triage(&corpus::paste(&c.file)) {
        card.lead(&mut hits);
    }
    Some((plain, rank(&hits)))
}

/// The figures issue 27 asks for, by half: reached the right node with
/// signals only and with evidence, questions the reader still had to
/// answer, confident wrong remedies (covered pastes, then uncovered ones),
/// and the search box: the rank of the right page among the results, and
/// whether the triage card above them names the right node. Run with
/// `--nocapture` to read them; `MIN_*` below are the floors it must keep.
#[test]
fn corpus_report() {
    let (cases, uncovered) = corpus::load();
    let index = remedy::search::SearchIndex::open(&site().dir.join("search/index")).unwrap();
    println!("| half | pastes | signals only | with evidence | questions left | confident wrong | index: page 1st | 2nd-3rd | lower | box: card right | box: page 1st |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut all = Tally::default();
    for half in [Half::Tune, Half::Report] {
        let mine: Vec<&corpus::Case> = cases.iter().filter(|c| Half::of(&c.file) == half).collect();
        let mut t = Tally {
            pastes: mine.len(),
            ..Tally::default()
        };
        for c in &mine {
            t.signals += usize::from(walk_signals_only(&c.file).node == c.node);
            let w = walk(&c.file);
            if w.node == c.node {
                t.reached += 1;
            } else if is_remedy(&w.node) {
                t.wrong += 1;
                println!("  wrong: {} -> {} (expected {})", c.file, w.node, c.node);
            } else {
                t.left += questions_between(&w.node, &c.node).unwrap_or(0);
                println!("  stopped: {} at {} (expected {})", c.file, w.node, c.node);
            }
            let card = site_lookup().triage(&corpus::paste(&c.file));
            t.card += usize::from(card.is_some_and(|o| o.node == c.node));
            match search_rank(&index, c) {
                None => {}
                Some((r, in_box)) => {
                    println!("  rank: {} index {r:?} box {in_box:?}", c.file);
                    t.ranked += 1;
                    t.box_first += usize::from(in_box == Some(1));
                    match r {
                        Some(1) => t.first += 1,
                        Some(2..=3) => t.top3 += 1,
                        _ => {
                            t.lower += 1;
                            println!("  search: {} ranks its page {:?}", c.file, r);
                        }
                    }
                }
            }
        }
        let un: Vec<&corpus::Uncovered> = uncovered
            .iter()
            .filter(|u| Half::of(&u.file) == half)
            .collect();
        t.uncovered = un.len();
        for u in &un {
            let n = walk(&u.file).node;
            if is_remedy(&n) && is_service_remedy(&n) && !u.accept.contains(&n) {
                t.un_wrong += 1;
                println!("  uncovered wrong: {} -> {n}", u.file);
            }
        }
        let pct = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
        println!(
            "| {} | {} + {} uncovered | {} ({:.0}%) | {} ({:.1}%) | {} | {} + {} | {} of {} ({:.1}%) | {} | {} | {} ({:.1}%) | {} ({:.1}%) |",
            half.name(),
            t.pastes,
            t.uncovered,
            t.signals,
            pct(t.signals, t.pastes),
            t.reached,
            pct(t.reached, t.pastes),
            t.left,
            t.wrong,
            t.un_wrong,
            t.first,
            t.ranked,
            pct(t.first, t.ranked),
            t.top3,
            t.lower,
            t.card,
            pct(t.card, t.pastes),
            t.box_first,
            pct(t.box_first, t.ranked),
        );
        all.add(&t);
    }
    assert!(
        all.reached * 100 >= all.pastes * MIN_REACHED_PCT,
        "{} of {} reached their node",
        all.reached,
        all.pastes
    );
    assert!(
        all.box_first * 100 >= all.ranked * MIN_FIRST_PCT,
        "the search box showed {} of {} pastes' page first",
        all.box_first,
        all.ranked
    );
    assert!(
        all.un_wrong <= MAX_UNCOVERED_WRONG,
        "{} uncovered pastes landed on a service's remedy",
        all.un_wrong
    );
    assert_eq!(all.wrong, 0, "confident wrong remedies");
}

/// Floors `corpus_report` keeps: the figures measured when evidence was
/// calibrated, less a little room (the README's evidence section gives the
/// goals and where they stand). The one uncovered paste that lands on a
/// service's remedy is a Moonshot response through OpenAI's Python SDK: the
/// SDK's class name and OpenAI's wording match, and the paste names no host.
const MIN_REACHED_PCT: usize = 96;
const MIN_FIRST_PCT: usize = 95;
const MAX_UNCOVERED_WRONG: usize = 1;

#[derive(Default)]
struct Tally {
    pastes: usize,
    uncovered: usize,
    signals: usize,
    reached: usize,
    left: usize,
    wrong: usize,
    un_wrong: usize,
    ranked: usize,
    first: usize,
    box_first: usize,
    top3: usize,
    lower: usize,
    card: usize,
}

impl Tally {
    fn add(&mut self, t: &Tally) {
        self.pastes += t.pastes;
        self.uncovered += t.uncovered;
        self.signals += t.signals;
        self.reached += t.reached;
        self.left += t.left;
        self.wrong += t.wrong;
        self.un_wrong += t.un_wrong;
        self.ranked += t.ranked;
        self.first += t.first;
        self.box_first += t.box_first;
        self.top3 += t.top3;
        self.lower += t.lower;
        self.card += t.card;
    }
}

fn site_lookup() -> remedy::lookup::Site {
    remedy::lookup::Site::built(&site().dir)
}

/// Patterns and numbers the bundled tree has no instance of, through both
/// engines: `.`, `\s`, `\S` and a class with `\s` against line terminators
/// and spaces that languages count differently, and numbers a trail writes
/// (`1e-7`, `1e+21`) in what holds and in what is described.
#[test]
fn the_engines_agree_on_patterns_and_numbers() {
    if !tools::available("triage pattern and number parity test", &[Tool::node()]) {
        return;
    }
    let mut text = String::from(
        r#"[tree]
title = "T"
start = "q"

[[question]]
id = "q"
text = "Q?"
answers = [
  { label = "dot", next = "a", when = { json = "/s", matches = "^a.b$" } },
  { label = "space", next = "b", when = { json = "/s", matches = "(?i)^A\\sB$" } },
  { label = "not space", next = "c", when = { json = "/s", matches = "^a\\Sb$" } },
  { label = "class", next = "d", when = { json = "/s", matches = "^a[\\s_]b$" } },
  { label = "tiny", next = "e", when = { json = "/n", equals = 1e-7 } },
  { label = "not these", next = "f", when = { not = { json = "/n", in = [1e21, 0.000001, 123456789012345680000.0, -1.5, 1e300] } } },
]
"#,
    );
    for id in ["a", "b", "c", "d", "e", "f"] {
        text.push_str(&format!(
            "\n[[remedy]]\nid = \"{id}\"\ntitle = \"R\"\nbody = \"x\"\nguides = [\"g.md\"]\n"
        ));
    }
    let tree = remedy::tree::parse(&Source::new("t.toml", text)).unwrap();
    let data = Data::new(&tree, "t/", None);
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("triage-data.js");
    fs::write(
        &script,
        format!("__remedyTriage({});", data.to_script_json()),
    )
    .unwrap();
    let strings = [
        r"a\u2028b",
        r"a\u2029b",
        r"a\rb",
        r"a\nb",
        r"a\u0085b",
        r"a\ufeffb",
        "a b",
        r"a\u00a0b",
        r"a\u180eb",
        r"a\u200bb",
        r"a\u3000b",
        "a😀b",
        "a_b",
        "AxB",
        "a\u{1680}b",
    ];
    let numbers = [
        "1e-7",
        "0.0000001",
        "1e21",
        "0.000001",
        "-1.5",
        "1e300",
        "2e-7",
        "1.5e15",
    ];
    let pastes: Vec<String> = strings
        .iter()
        .map(|s| format!("{{\"s\": \"{s}\"}}"))
        .chain(numbers.iter().map(|n| format!("{{\"n\": {n}}}")))
        .collect();
    let files: Vec<PathBuf> = pastes
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let path = tmp.path().join(format!("{i}.txt"));
            fs::write(&path, p).unwrap();
            path
        })
        .collect();
    let browser = run_node_traced(&script, &files, true);
    let mut diffs = Vec::new();
    for (paste, b) in pastes.iter().zip(&browser) {
        let rust = trace::trace(&data, paste);
        if let Some(d) = trace::first_difference(&rust, b.trace.as_ref().unwrap()) {
            diffs.push(format!("{paste}: {d}"));
        }
        let walked = remedy::triage::walk_text(&data, paste);
        let signals: Vec<&str> = walked.steps.iter().map(|s| s.signal.as_str()).collect();
        let theirs: Vec<&str> = b.answered.iter().map(|a| a.signal.as_str()).collect();
        println!(
            "{paste:<24} rust {:<3} {signals:?}   browser {:<3} {theirs:?}",
            walked.node, b.node
        );
        if walked.node != b.node || signals != theirs {
            diffs.push(format!(
                "{paste}: rust {} {signals:?}, browser {} {theirs:?}",
                walked.node, b.node
            ));
        }
    }
    // The numbers as both write them.
    let described = trace::trace(&data, "{}")["signals"][5]["describe"].clone();
    assert_eq!(
        described,
        "not JSON /n in [1e+21, 0.000001, 123456789012345680000, -1.5, 1e+300]"
    );
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// The trace comparison finds a difference where it is, so the parity test
/// can fail.
#[test]
fn trace_differences_are_found_where_they_start() {
    let a = serde_json::json!({"paste": {"json": {"obj": [["a", {"num": "1e-7"}]]}}, "x": [1, 2]});
    let mut b = a.clone();
    assert_eq!(trace::first_difference(&a, &b), None);
    b["paste"]["json"]["obj"][0][1]["num"] = "0.0000001".into();
    assert_eq!(
        trace::first_difference(&a, &b).as_deref(),
        Some(r#".paste.json.obj[0][1].num: rust "1e-7", browser "0.0000001""#)
    );
    b = a.clone();
    b["x"] = serde_json::json!([1]);
    assert!(trace::first_difference(&a, &b)
        .unwrap()
        .starts_with(".x[1]"));
}

/// A browser's `.` and `\s` (flag `u`) hold exactly the characters the
/// Rust engine spells them out as (`pattern::JS_DOT`, `JS_SPACE`): every
/// code point is asked of node's `RegExp` and of the Rust classes.
#[test]
fn pattern_classes_are_a_browsers() {
    if !tools::available("triage pattern class test", &[Tool::node()]) {
        return;
    }
    use remedy::tree::signals::pattern::{JS_DOT, JS_SPACE};
    let program = r#"
const ranges = (re) => {
  const out = [];
  for (let c = 0; c <= 0x10ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (re.test(String.fromCodePoint(c))) {
      const last = out[out.length - 1];
      if (last && last[1] === c - 1) last[1] = c; else out.push([c, c]);
    }
  }
  return out;
};
process.stdout.write(JSON.stringify({ dot: ranges(/^.$/u), space: ranges(/^\s$/u) }));
"#;
    let out = Command::new(Tool::node().path)
        .args(["-e", program])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let browser: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The class Rust's regex reads the pattern as, as ranges.
    let rust = |pattern: &str| -> Vec<[u32; 2]> {
        let hir = regex_syntax::parse(pattern).unwrap();
        let regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(class)) =
            hir.kind()
        else {
            panic!("{pattern} is not a class");
        };
        class
            .ranges()
            .iter()
            .map(|r| [r.start() as u32, r.end() as u32])
            .collect()
    };
    let js = |key: &str| -> Vec<[u32; 2]> {
        let mut out: Vec<[u32; 2]> = Vec::new();
        for r in browser[key].as_array().unwrap() {
            let r = [r[0].as_u64().unwrap() as u32, r[1].as_u64().unwrap() as u32];
            match out.last_mut() {
                Some(last) if last[1] == 0xd7ff && r[0] == 0xe000 => last[1] = r[1],
                _ => out.push(r),
            }
        }
        out
    };
    assert_eq!(rust(JS_DOT), js("dot"), "`.`");
    assert_eq!(rust(&format!("[{JS_SPACE}]")), js("space"), "`\\s`");
    // And what the engine really runs: a pattern rewritten for Rust.
    let rewritten = remedy::tree::signals::pattern::for_rust(r"a.\s[\s_]\S");
    assert_eq!(
        rewritten,
        format!("a{JS_DOT}[{JS_SPACE}][{JS_SPACE}_][^{JS_SPACE}]")
    );
}

/// `src/tree/FORMAT.md` names every rule the data carries, and no other.
#[test]
fn the_format_documents_every_rule() {
    let doc = fs::read_to_string(repo().join("src/tree/FORMAT.md")).unwrap();
    let block = &doc[doc.find("## Rules").unwrap()..];
    let block = &block[block.find("```json").unwrap()..];
    let block = &block[..block[7..].find("```").unwrap()];
    let rules = serde_json::to_value(remedy::tree::rules::Rules::default()).unwrap();
    let mut expected: Vec<String> = Vec::new();
    for (k, v) in rules.as_object().unwrap() {
        expected.push(k.clone());
        if let Some(inner) = v.as_object() {
            expected.extend(inner.keys().cloned());
        }
    }
    expected.sort();
    // Every `"name":` of the block.
    let pieces: Vec<&str> = block.split("\":").collect();
    let mut documented: Vec<String> = pieces[..pieces.len() - 1]
        .iter()
        .filter_map(|p| p.rsplit('"').next())
        .filter(|k| {
            !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
        .map(str::to_string)
        .collect();
    documented.sort();
    assert_eq!(documented, expected);
}
