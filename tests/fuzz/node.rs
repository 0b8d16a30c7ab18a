//! The browser engines under the same fuzzer: `triage-engine.js` and
//! `search-engine.js`, run in node by `tests/browser/fuzz-node.mjs` on the
//! mutated inputs of the Rust `triage` and `query` targets and on their
//! hostile inputs. The contract: no exception, no input over
//! [`HANG_MS`], and the same result as the Rust engine on every input (the
//! walk: node, steps, order, candidates; search: the top 10 documents).

use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use libtest_mimic::{Failed, Trial};
use remedy::search::{Options, SearchIndex, INDEX_DIR};
use remedy::tree::triage::walk_text;
use serde::Deserialize;

use super::engine::{self, Rng, Target};
use super::{hostile, search, site, tools, tree};

/// One input taking this long in node is a hang: a guard, not a speed target.
const HANG_MS: f64 = 10_000.0;

/// Inputs per node process.
const BATCH: usize = 2_000;

#[derive(Deserialize, Debug)]
struct Out {
    error: Option<String>,
    ms: f64,
    node: Option<String>,
    #[serde(default)]
    steps: Vec<(String, usize)>,
    #[serde(default)]
    order: Vec<usize>,
    #[serde(default)]
    candidates: Vec<(String, f64)>,
    #[serde(default)]
    docs: Vec<u32>,
}

fn as_json(input: &[u8]) -> serde_json::Value {
    match std::str::from_utf8(input) {
        Ok(s) => serde_json::Value::String(s.to_string()),
        Err(_) => {
            serde_json::json!({ "b64": base64::engine::general_purpose::STANDARD.encode(input) })
        }
    }
}

/// Runs one batch through node; `None` with the reason when node failed
/// as a whole (it did not start, or a hang outlived the batch's guard).
fn run_node(mode: &str, arg: &std::path::Path, inputs: &[Vec<u8>]) -> Result<Vec<Out>, String> {
    let script = super::seeds::repo().join("tests/browser/fuzz-node.mjs");
    let mut child = Command::new(tools::Tool::node().path)
        .arg(&script)
        .arg(mode)
        .arg(arg)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("node does not start: {e}"))?;
    let body = serde_json::to_vec(&inputs.iter().map(|i| as_json(i)).collect::<Vec<_>>())
        .map_err(|e| e.to_string())?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(&body));
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).map(|_| s)
    });
    let guard = Duration::from_secs_f64(HANG_MS / 1000.0 * 3.0 + inputs.len() as f64 * 0.05);
    let t0 = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if t0.elapsed() > guard {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "node ran over {guard:?} on a batch of {} inputs: a hang",
                inputs.len()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = writer.join();
    let out = reader
        .join()
        .map_err(|_| "reader panicked")?
        .map_err(|e| e.to_string())?;
    if !status.success() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        return Err(format!("node failed ({status}): {err}"));
    }
    let outs: Vec<Out> = out
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("node printed no JSON: {e}"))?;
    if outs.len() != inputs.len() {
        return Err(format!(
            "{} results for {} inputs",
            outs.len(),
            inputs.len()
        ));
    }
    Ok(outs)
}

struct Totals {
    inputs: u64,
    compared: u64,
    max_ms: f64,
    failures: Vec<String>,
}

fn inputs_for(target: &'static Target, seed: u64, n: u64) -> Vec<Vec<u8>> {
    let seeds = (target.seeds)();
    let mut rng = Rng::new(seed ^ 0x6e6f6465);
    let mut out: Vec<Vec<u8>> = seeds.iter().take(n as usize).cloned().collect();
    while (out.len() as u64) < n {
        let s = &seeds[rng.below(seeds.len())];
        out.push(engine::mutate(&mut rng, target, &seeds, s));
    }
    out
}

fn short(input: &[u8]) -> String {
    let t = String::from_utf8_lossy(&input[..input.len().min(120)]).into_owned();
    format!("{t:?} ({} bytes)", input.len())
}

fn check_batch(
    mode: &str,
    inputs: &[Vec<u8>],
    totals: &mut Totals,
    compare: &mut dyn FnMut(&[u8], &Out) -> Option<String>,
) {
    let arg = if mode == "triage" {
        site::dir().join("troubleshoot/402/triage-data.js")
    } else {
        site::dir().to_path_buf()
    };
    match run_node(mode, &arg, inputs) {
        Err(e) => totals.failures.push(e),
        Ok(outs) => {
            for (input, out) in inputs.iter().zip(&outs) {
                totals.inputs += 1;
                totals.max_ms = totals.max_ms.max(out.ms);
                let why = if let Some(e) = &out.error {
                    Some(format!("exception: {e}"))
                } else if out.ms > HANG_MS {
                    Some(format!(
                        "{:.0} ms, over the {HANG_MS} ms hang guard",
                        out.ms
                    ))
                } else {
                    compare(input, out)
                };
                if let Some(why) = why {
                    if std::env::var_os("REMEDY_FUZZ_SAVE").is_some() {
                        let path = engine::save(&format!("node-{mode}"), input);
                        totals.failures.push(format!("{why}: {}", path.display()));
                    } else {
                        totals.failures.push(format!("{why}: {}", short(input)));
                    }
                }
            }
        }
    }
}

fn trial(mode: &'static str) -> Trial {
    Trial::test(format!("fuzz::node-{mode}"), move || {
        if !tools::available(
            &format!("node fuzz of the {mode} engine"),
            &[tools::Tool::node()],
        ) {
            return Ok(());
        }
        // A fifth of the Rust targets' count unless set: node runs an input
        // in about the time the Rust targets run five.
        let n = super::env_u64(
            "REMEDY_FUZZ_NODE_INPUTS",
            super::env_u64("REMEDY_FUZZ_INPUTS", 10_000) / 5,
        );
        let seed = super::env_u64("REMEDY_FUZZ_SEED", 22);
        let target = if mode == "triage" {
            &tree::TRIAGE
        } else {
            &search::QUERY
        };
        let mut totals = Totals {
            inputs: 0,
            compared: 0,
            max_ms: 0.0,
            failures: Vec::new(),
        };
        let t0 = Instant::now();
        let data = site::data();
        let index = SearchIndex::open(&site::dir().join(INDEX_DIR))
            .map_err(|e| Failed::from(format!("the bundled index: {e:#}")))?;
        let mut compared = 0u64;
        let mut compare = |input: &[u8], out: &Out| -> Option<String> {
            let text = String::from_utf8_lossy(input);
            if mode == "triage" {
                let t = walk_text(data, &text);
                let steps: Vec<(String, usize)> = t
                    .steps
                    .iter()
                    .map(|s| (s.question.clone(), s.answer))
                    .collect();
                let cands: Vec<(String, f64)> = t
                    .candidates
                    .iter()
                    .map(|c| (c.node.clone(), f64::from(c.score)))
                    .collect();
                compared += 1;
                let same = out.node.as_deref() == Some(&*t.node)
                    && out.steps == steps
                    && out.order == t.order
                    && out.candidates == cands;
                (!same).then(|| {
                    format!(
                        "differs: rust {} {steps:?} {:?} {cands:?}; node {:?} {:?} {:?} {:?}",
                        t.node, t.order, out.node, out.steps, out.order, out.candidates
                    )
                })
            } else {
                let opts = Options {
                    limit: 10,
                    ..Options::default()
                };
                let rust: Vec<u32> = match index.hits(&text, &opts) {
                    Ok(h) => h.iter().map(|h| h.doc).collect(),
                    Err(e) => return Some(format!("rust search failed: {e:#}")),
                };
                compared += 1;
                (rust != out.docs)
                    .then(|| format!("top 10 differ: rust {rust:?}, node {:?}", out.docs))
            }
        };
        // The hostile inputs first, one batch each (some are megabytes).
        for (name, make) in hostile::inputs(target) {
            let before = totals.failures.len();
            check_batch(mode, &[make()], &mut totals, &mut compare);
            for f in &mut totals.failures[before..] {
                *f = format!("{name}: {f}");
            }
        }
        let inputs = inputs_for(target, seed, n);
        for batch in inputs.chunks(BATCH) {
            check_batch(mode, batch, &mut totals, &mut compare);
            if totals.failures.len() >= 20 {
                break;
            }
        }
        totals.compared = compared;
        let secs = t0.elapsed().as_secs_f64();
        let line = format!(
            "node-{mode}\t{}\t{secs:.1}\t-\t{:.0}\t{:.1}\t-\t-\t{HANG_MS} ms hang guard\t{}\tcompared {}",
            totals.inputs,
            totals.inputs as f64 / secs.max(1e-9),
            totals.max_ms,
            totals.failures.len(),
            totals.compared,
        );
        println!("fuzz\t{line}");
        super::append_report(&line);
        if totals.failures.is_empty() {
            Ok(())
        } else {
            Err(Failed::from(totals.failures.join("\n")))
        }
    })
}

pub fn trials() -> Vec<Trial> {
    vec![trial("triage"), trial("search")]
}
