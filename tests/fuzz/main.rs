//! Fuzzing every parser of remedy on stable Rust (issue 22).
//!
//! `cargo test --test fuzz` runs the short pass: each target checks its
//! seeds and then mutated inputs from a fixed seed (`REMEDY_FUZZ_INPUTS`,
//! default 10,000 per target; `REMEDY_FUZZ_SEED`, default 22), every named
//! hostile input of the issue (`hostile`), the browser engines in node on
//! a fifth as many inputs (`node`, `REMEDY_FUZZ_NODE_INPUTS`), and every
//! saved crash under
//! `tests/fuzz-regressions/TARGET/NAME.bin` as the test
//! `regression::TARGET::NAME`. `scripts/fuzz.sh` runs the long pass and
//! saves new crashes there (`REMEDY_FUZZ_SAVE=1`).
//!
//! The contract (see `engine`): no panic, at most `Target::mem` bytes of
//! peak heap for an input, and at most `REMEDY_FUZZ_CPU_LIMIT` seconds of
//! CPU (default 2) for one input.

mod book;
mod engine;
mod hostile;
mod node;
mod search;
mod seeds;
mod site;
mod tree;

// The one module of tests/support this binary needs (finding node).
#[allow(dead_code)]
#[path = "../support/tools.rs"]
mod tools;

use std::io::Write as _;

use engine::Target;
use libtest_mimic::{Arguments, Failed, Trial};

#[global_allocator]
static ALLOC: engine::Counting = engine::Counting;

/// Every target, in the order of the report.
pub const TARGETS: [&Target; 13] = [
    &tree::PASTE,
    &tree::SIGNALS,
    &tree::EVIDENCE,
    &tree::TRIAGE,
    &tree::TRIAGE_DATA,
    &tree::TREE,
    &book::FRONT_MATTER,
    &book::SUMMARY,
    &book::CONFIG,
    &book::INCLUDE,
    &book::MARKDOWN,
    &search::QUERY,
    &search::INDEX,
];

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// Adds a target's line to the report `scripts/fuzz.sh` sums up.
fn append_report(line: &str) {
    if let Some(path) = std::env::var_os("REMEDY_FUZZ_REPORT") {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{line}");
        }
    }
}

fn fuzz_trial(target: &'static Target) -> Trial {
    Trial::test(format!("fuzz::{}", target.name), move || {
        let inputs = env_u64("REMEDY_FUZZ_INPUTS", 10_000);
        let seed = env_u64("REMEDY_FUZZ_SEED", 22);
        let save = std::env::var_os("REMEDY_FUZZ_SAVE").is_some();
        let r = engine::fuzz(target, seed, inputs, save);
        let secs = r.wall.as_secs_f64();
        let cpu = r.cpu.as_secs_f64();
        // Tab-separated for scripts/fuzz.sh: target, inputs, wall s, CPU s,
        // inputs per CPU second, slowest input (ms of CPU), largest peak
        // heap (MiB), longest input (bytes), the memory bound, failures.
        let line = format!(
            "{}\t{}\t{secs:.1}\t{cpu:.1}\t{:.0}\t{:.1}\t{:.2}\t{}\t{} MiB + {} x len\t{}",
            target.name,
            r.inputs,
            r.inputs as f64 / cpu.max(1e-9),
            r.max_cpu.as_secs_f64() * 1000.0,
            r.max_peak as f64 / (1 << 20) as f64,
            r.max_len,
            target.mem.0 >> 20,
            target.mem.1,
            r.failures.len(),
        );
        println!("fuzz\t{line}");
        append_report(&line);
        if r.failures.is_empty() {
            Ok(())
        } else {
            Err(Failed::from(r.failures.join("\n")))
        }
    })
}

/// Runs one fixed input through a target under the contract.
fn one_input(
    target: &'static Target,
    name: String,
    input: impl FnOnce() -> Vec<u8> + Send + 'static,
) -> Trial {
    Trial::test(name, move || {
        let input = input();
        let mut check = (target.setup)();
        let out = engine::check_one(target, &mut *check, &input);
        match out.failure {
            None => Ok(()),
            Some(why) => Err(Failed::from(format!("{why} ({} bytes)", input.len()))),
        }
    })
}

fn regression_trials(target: &'static Target) -> Vec<Trial> {
    let dir = engine::regression_dir(target.name);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            one_input(
                target,
                format!("regression::{}::{stem}", target.name),
                move || std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
            )
        })
        .collect()
}

fn main() {
    engine::install_panic_hook();
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for &target in &TARGETS {
        trials.push(fuzz_trial(target));
        trials.extend(regression_trials(target));
        for (name, make) in hostile::inputs(target) {
            trials.push(one_input(
                target,
                format!("hostile::{}::{name}", target.name),
                make,
            ));
        }
    }
    trials.extend(node::trials());
    libtest_mimic::run(&args, trials).exit();
}
