//! Paste triage end to end (issue 13): every paste of `tests/triage/`
//! reaches its node through `remedy triage`, the browser engine
//! (`triage.js`, run in node on the signals the built page embeds) agrees
//! on the node and the whole trail, hostile pastes finish in bounded time
//! in both, and bad signals fail the build at their line.
//!
//! The node half needs `node`; without it it prints one `SKIPPED` line and
//! passes, unless `REMEDY_REQUIRE_ALL=1`.

mod common;
mod support;

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::Deserialize;

use common::repo;
use remedy::diagnostics::Source;
use support::site::{build_bundled, BuiltSite};
use support::tools::{self, Tool};

fn site() -> &'static BuiltSite {
    static SITE: OnceLock<BuiltSite> = OnceLock::new();
    SITE.get_or_init(build_bundled)
}

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    file: String,
    node: String,
    shape: String,
}

fn cases() -> Vec<Case> {
    let text = fs::read_to_string(repo().join("tests/triage/cases.toml")).unwrap();
    toml::from_str::<Cases>(&text).unwrap().case
}

#[derive(Deserialize, Debug, PartialEq, Clone)]
struct Answered {
    question: String,
    answer: String,
    signal: String,
}

#[derive(Deserialize, Debug)]
struct CliReport {
    node: String,
    kind: String,
    url: String,
    guides: Vec<String>,
    answered: Vec<Answered>,
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

/// The JSON the tree page embeds for the paste box.
fn embedded_signals() -> String {
    let html = tree_page();
    let open = r#"<script type="application/json" id="rm-tree-signals">"#;
    let start = html.find(open).expect("the tree page embeds its signals") + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    html[start..end].to_string()
}

#[test]
fn corpus_has_enough_cases_and_every_case_reaches_its_node_in_the_cli() {
    let cases = cases();
    assert!(cases.len() >= 20, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let paste = fs::read(repo().join("tests/triage").join(&c.file)).unwrap();
        let r = cli_report(&paste);
        println!("{:<40} -> {:<28} {}", c.file, r.node, c.shape);
        if r.node != c.node {
            failures.push(format!(
                "{}: reached {}, expected {}",
                c.file, r.node, c.node
            ));
        }
        assert!(
            r.url.ends_with(&format!("/troubleshoot/402/#{}", r.node)),
            "{}",
            r.url
        );
        match r.kind.as_str() {
            "remedy" => assert!(!r.guides.is_empty(), "{}: a remedy without guides", c.file),
            "question" => assert!(r.guides.is_empty()),
            other => panic!("kind {other}"),
        }
        assert!(r.answered.iter().all(|a| !a.signal.is_empty()));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_corpus_covers_every_producer_of_the_402_tree() {
    let reached: Vec<String> = cases().into_iter().map(|c| c.node).collect();
    for node in [
        "stripe-card-declined",
        "stripe-request-failed",
        "shopify-frozen",
        "openrouter-max-tokens",
        "openrouter-credits",
        "deepseek-balance",
        "anthropic-billing-error",
        "anthropic-credit-low",
        "openai-insufficient-quota",
        "gemini-prepay",
        "google-budget-quota",
        "google-user402",
        "together-spending-limit",
        "vercel-role",
        "cf-pay-per-crawl",
        "cf-crawler-error",
        "cf-blocked-crawler",
        "x402-pay",
        "x402-insufficient-funds",
        "x402-payment-rejected",
        "l402-pay",
        "l402-401",
        "payment-scheme-pay",
        "cashu",
        "rate-limit-429",
        "elevenlabs-quota",
        "vonage-out-of-credit",
        "cohere-billing-limit",
        "wandb-quota",
        "smtp2go-request-failed",
        "telnyx-insufficient-funds",
        "kazoo-accept-charges",
        "deepgram-x402",
    ] {
        assert!(reached.iter().any(|r| r == node), "no case reaches {node}");
    }
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
fn the_page_embeds_the_signals_and_an_accessible_paste_box() {
    let html = tree_page();
    let tree = {
        let path = repo().join("content/troubleshoot/402.toml");
        remedy::tree::parse(&Source::new("402.toml", fs::read_to_string(path).unwrap())).unwrap()
    };
    assert_eq!(
        embedded_signals(),
        remedy::tree::triage::page_json(&tree).unwrap()
    );
    assert!(!embedded_signals().contains('<'), "markup inside the JSON");
    for needle in [
        r#"<section class="tree-paste" id="rm-paste" aria-labelledby="rm-paste-title" hidden>"#,
        r#"<label for="rm-paste-input">"#,
        r#"<textarea id="rm-paste-input""#,
        r#"role="status" aria-live="polite""#,
        "nothing you paste leaves your browser",
        "<noscript>",
        "triage.",
    ] {
        assert!(html.contains(needle), "the tree page lacks {needle}");
    }
}

fn run_node(signals: &Path, files: &[PathBuf]) -> Vec<NodeResult> {
    let script = repo().join("tests/browser/triage-node.mjs");
    let mut child = Command::new(Tool::node().path)
        .arg(&script)
        .arg(signals)
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
    ms: f64,
}

#[test]
fn the_browser_engine_agrees_with_the_cli_on_every_case() {
    if !tools::available("triage parity test", &[Tool::node()]) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let signals = tmp.path().join("signals.json");
    fs::write(&signals, embedded_signals()).unwrap();
    let cases = cases();
    let files: Vec<PathBuf> = cases
        .iter()
        .map(|c| repo().join("tests/triage").join(&c.file))
        .collect();
    let browser = run_node(&signals, &files);
    let mut diffs = Vec::new();
    for ((c, file), b) in cases.iter().zip(&files).zip(&browser) {
        let cli = cli_report(&fs::read(file).unwrap());
        let verdict = if cli.node == b.node && cli.answered == b.answered {
            "same"
        } else {
            diffs.push(format!(
                "{}: cli {} {:?}\n   browser {} {:?}",
                c.file, cli.node, cli.answered, b.node, b.answered
            ));
            "DIFFERENT"
        };
        println!(
            "{:<40} cli {:<26} browser {:<26} {verdict}",
            c.file, cli.node, b.node
        );
    }
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
    let tree = {
        let path = repo().join("content/troubleshoot/402.toml");
        remedy::tree::parse(&Source::new("402.toml", fs::read_to_string(path).unwrap())).unwrap()
    };
    let mut cli = Vec::new();
    for (name, path) in &pastes {
        let bytes = fs::read(path).unwrap();
        let t0 = Instant::now();
        let text = String::from_utf8_lossy(&bytes);
        let result = remedy::tree::triage::triage(&tree, &remedy::tree::paste::parse(&text));
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
        assert_eq!(report.node, tree.nodes[result.node].id);
        assert!(lib < Duration::from_secs(2), "{name}: {lib:?}");
        cli.push(report);
    }
    if !tools::available("triage hostile-input test in node", &[Tool::node()]) {
        return;
    }
    let signals = tmp.path().join("signals.json");
    fs::write(&signals, embedded_signals()).unwrap();
    let files: Vec<PathBuf> = pastes.iter().map(|(_, p)| p.clone()).collect();
    let browser = run_node(&signals, &files);
    for (((name, _), c), b) in pastes.iter().zip(&cli).zip(&browser) {
        println!("{name:<32} browser engine {:>7.1} ms   -> {}", b.ms, b.node);
        assert!(b.ms < 1000.0, "{name}: {} ms in the browser engine", b.ms);
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
    let paste = remedy::tree::paste::parse("HTTP/2 402\nwww-authenticate: LSAT macaroon=\"x\"\n\n");
    let walked = remedy::tree::triage::triage(&tree, &paste);
    assert_eq!(tree.nodes[walked.node].id, "l402");
}
