//! The fuzzing engine: a seeded generator, a corpus-mutating loop and the
//! contract every input is held to.
//!
//! No coverage feedback and no nightly: each input is a real file of the
//! repository (or a hostile input made from one) with a few random edits,
//! which is cheap, reproducible from the seed alone, and reaches the
//! corners hand-written tests miss (half-closed structures, stray bytes,
//! repeated openers, spliced files).
//!
//! The contract is checked by counting, not by the clock where it can be:
//! a panic is a failure; so is an input whose peak of live heap bytes
//! (counted by the allocator below, on the target's own thread) passes the
//! target's bound, or whose thread CPU time passes [`cpu_limit`] (CPU time,
//! not wall time, so a loaded machine does not make it flake). A watchdog
//! saves the input and aborts if one runs for [`HANG_SECS`] of wall time.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Counts live heap bytes per thread, so each target measures only itself.
pub struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn count(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|p| {
            if now > p.get() {
                p.set(now)
            }
        });
    });
}

// SAFETY: every call is forwarded to `System` unchanged; only counters move.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            count(l.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            count(l.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        count(-(l.size() as isize));
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            count(new as isize - l.size() as isize);
        }
        q
    }
}

/// A wall-clock run this long is a hang: the input is saved and the
/// process stops (an infinite loop cannot be unwound).
pub const HANG_SECS: u64 = 120;

/// CPU seconds one input may take: generous, for a debug build.
pub fn cpu_limit() -> Duration {
    let secs = std::env::var("REMEDY_FUZZ_CPU_LIMIT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(secs)
}

fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Keeps panics quiet while fuzzing (each is reported once, with its input)
/// and remembers the message for the report.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let quiet = PANIC
            .try_with(|p| {
                let msg = match (
                    info.payload().downcast_ref::<&str>(),
                    info.payload().downcast_ref::<String>(),
                ) {
                    (Some(s), _) => s.to_string(),
                    (_, Some(s)) => s.clone(),
                    _ => "panic".to_string(),
                };
                let at = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()));
                *p.borrow_mut() = Some(format!("{msg}{}", at.unwrap_or_default()));
                true
            })
            .unwrap_or(false);
        if !quiet || std::env::var_os("REMEDY_FUZZ_VERBOSE").is_some() {
            default(info);
        }
    }));
}

/// xorshift64*: small, fast, and the same sequence everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    pub fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// The check of one input: panics when the contract does not hold.
pub type Check = Box<dyn FnMut(&[u8])>;

/// One parser under test.
pub struct Target {
    /// The name used in test names and regression folders.
    pub name: &'static str,
    /// The real inputs of the repository.
    pub seeds: fn() -> Vec<Vec<u8>>,
    /// Fragments the mutator splices in: the syntax the parser reads.
    pub dict: &'static [&'static str],
    /// What opens one level of nesting in this input (`[`, `>`, ...).
    pub nest: &'static str,
    /// Mutated inputs are cut to this many bytes (hostile inputs are not).
    pub max_len: usize,
    /// Peak live heap bytes one input may reach: `fixed + per_byte * len`.
    pub mem: (usize, usize),
    /// Makes the check of one input (set-up such as a built site is done
    /// once, here). The check panics when the contract does not hold.
    pub setup: fn() -> Check,
}

impl Target {
    pub fn mem_bound(&self, len: usize) -> usize {
        self.mem.0 + self.mem.1 * len
    }
}

/// Bytes every parser meets sooner or later.
const COMMON: &[&str] = &[
    "\0",
    "\r",
    "\r\n",
    "\n",
    "\u{feff}",
    "\u{301}",
    "\u{200b}",
    "\u{fffd}",
    "é",
    "𝒜",
    "\t",
    " ",
    "\\",
    "\"",
    "'",
    "#",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "<",
    ">",
    "/",
    "..",
    "%",
    "~",
    ":",
    "=",
    "*",
    "`",
    "-",
    "0",
    "4294967296",
    "-1",
    "1e999",
    "NaN",
];

/// Mutates `seed` with 1 to 8 edits, with bytes from the target's dictionary
/// and the other seeds.
pub fn mutate(rng: &mut Rng, target: &Target, seeds: &[Vec<u8>], seed: &[u8]) -> Vec<u8> {
    let mut v: Vec<u8> = if seed.len() > target.max_len {
        let at = rng.below(seed.len() - target.max_len + 1);
        seed[at..at + target.max_len].to_vec()
    } else {
        seed.to_vec()
    };
    let edits = 1 + rng.below(8);
    for _ in 0..edits {
        let at = rng.below(v.len() + 1);
        match rng.below(12) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = rng.next() as u8;
            }
            2 => {
                let n = 1 + rng.below(4);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                v.splice(at..at, bytes);
            }
            3 | 4 => {
                let d = if rng.chance(3) || target.dict.is_empty() {
                    COMMON[rng.below(COMMON.len())]
                } else {
                    target.dict[rng.below(target.dict.len())]
                };
                v.splice(at..at, d.bytes());
            }
            5 if !v.is_empty() => {
                let n = 1 + rng.below(v.len().min(64));
                let from = rng.below(v.len() - n + 1);
                v.drain(from..from + n);
            }
            6 if !v.is_empty() => {
                // A chunk repeated: deep nesting, long runs, many entries.
                let n = 1 + rng.below(v.len().min(16));
                let from = rng.below(v.len() - n + 1);
                let chunk = v[from..from + n].to_vec();
                let most = if rng.chance(8) { 2000 } else { 16 };
                let times = 1 + rng.below(most);
                let rep: Vec<u8> = chunk.iter().copied().cycle().take(n * times).collect();
                v.splice(from..from, rep);
            }
            7 if !seeds.is_empty() => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let n = 1 + rng.below((other.len() - from).min(256));
                    v.splice(at..at, other[from..from + n].iter().copied());
                }
            }
            8 if !v.is_empty() => v.truncate(rng.below(v.len())),
            9 => {
                let n = 1 + rng.below(5);
                v.splice(at..at, [0xff, 0xc3, 0x80, 0xed, 0xa0][..n].to_vec());
            }
            10 => {
                let times = 1 + rng.below(300);
                v.splice(at..at, target.nest.repeat(times).into_bytes());
            }
            _ => {
                // A line ending changed: CRLF, lone CR, none.
                if let Some(i) = v[at.min(v.len())..].iter().position(|&b| b == b'\n') {
                    let i = at + i;
                    match rng.below(3) {
                        0 => v.insert(i, b'\r'),
                        1 => v[i] = b'\r',
                        _ => {
                            v.remove(i);
                        }
                    }
                }
            }
        }
        if v.len() > target.max_len * 2 {
            v.truncate(target.max_len * 2);
        }
    }
    v
}

/// What a check of one input measured.
pub struct Outcome {
    pub cpu: Duration,
    pub peak: usize,
    pub failure: Option<String>,
}

/// Checks one input against the contract.
pub fn check_one(target: &Target, check: &mut dyn FnMut(&[u8]), input: &[u8]) -> Outcome {
    let start_live = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start_live));
    PANIC.with(|p| *p.borrow_mut() = None);
    let cpu0 = thread_cpu();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(input)));
    let cpu = thread_cpu().saturating_sub(cpu0);
    let peak = (PEAK.with(Cell::get) - start_live).max(0) as usize;
    let mut failure = match result {
        Ok(()) => None,
        Err(_) => Some(
            PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| "panic".into()),
        ),
    };
    if failure.is_none() && peak > target.mem_bound(input.len()) {
        failure = Some(format!(
            "memory: peak {peak} bytes over the bound {} for {} input bytes",
            target.mem_bound(input.len()),
            input.len()
        ));
    }
    if failure.is_none() && cpu > cpu_limit() {
        failure = Some(format!("time: {cpu:?} of CPU, over {:?}", cpu_limit()));
    }
    Outcome { cpu, peak, failure }
}

/// Where crashing inputs of `target` are kept as regression tests.
pub fn regression_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target)
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Saves a failing input; returns its path.
pub fn save(target: &str, input: &[u8]) -> PathBuf {
    let dir = regression_dir(target);
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("crash-{:016x}.bin", fnv(input)));
    let _ = std::fs::write(&path, input);
    path
}

/// Where `REMEDY_FUZZ_TRACE=1` keeps the input being checked.
pub fn trace_file(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/fuzz-current-{target}.bin"))
}

/// The totals of a run.
#[derive(Default)]
pub struct Report {
    pub inputs: u64,
    pub wall: Duration,
    /// CPU time of the target's thread, set-up included.
    pub cpu: Duration,
    pub max_cpu: Duration,
    pub max_peak: usize,
    pub max_len: usize,
    pub failures: Vec<String>,
}

/// The input being checked and since when.
type Running = Arc<Mutex<Option<(Instant, Vec<u8>)>>>;

/// Stops the process when one input never ends, after saving it.
struct Watchdog {
    current: Running,
}

impl Watchdog {
    fn start(name: &'static str, save_inputs: bool) -> Watchdog {
        let current: Running = Arc::new(Mutex::new(None));
        let watched = Arc::clone(&current);
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_secs(1));
            if Arc::strong_count(&watched) == 1 {
                return;
            }
            let guard = watched.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((since, input)) = guard.as_ref() {
                if since.elapsed() > Duration::from_secs(HANG_SECS) {
                    let saved = if save_inputs {
                        save(name, input).display().to_string()
                    } else {
                        "not saved (set REMEDY_FUZZ_SAVE=1)".into()
                    };
                    eprintln!("fuzz {name}: an input ran {HANG_SECS} s: {saved}");
                    std::process::abort();
                }
            }
        });
        Watchdog { current }
    }
    fn begin(&self, input: &[u8]) {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), input.to_vec()));
    }
    fn end(&self) {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// Runs `inputs` mutated inputs of `target` from `seed`; failing inputs are
/// saved under `tests/fuzz-regressions/` when `save_inputs`.
pub fn fuzz(target: &Target, seed: u64, inputs: u64, save_inputs: bool) -> Report {
    let cpu0 = thread_cpu();
    let seeds = (target.seeds)();
    assert!(!seeds.is_empty(), "{}: no seed inputs", target.name);
    let mut check = (target.setup)();
    let mut rng = Rng::new(seed ^ fnv(target.name.as_bytes()));
    let watchdog = Watchdog::start(target.name, save_inputs);
    let trace = std::env::var_os("REMEDY_FUZZ_TRACE").is_some();
    let mut report = Report::default();
    let t0 = Instant::now();
    for i in 0..inputs {
        // Each seed once as it is, then mutations.
        let input = if (i as usize) < seeds.len() {
            seeds[i as usize].clone()
        } else {
            let seed = &seeds[rng.below(seeds.len())];
            mutate(&mut rng, target, &seeds, seed)
        };
        watchdog.begin(&input);
        if trace {
            // An abort (a stack overflow) cannot be caught: the input it
            // died on is the last one written here.
            let _ = std::fs::write(trace_file(target.name), &input);
        }
        let out = check_one(target, &mut *check, &input);
        watchdog.end();
        report.inputs += 1;
        report.max_cpu = report.max_cpu.max(out.cpu);
        report.max_peak = report.max_peak.max(out.peak);
        report.max_len = report.max_len.max(input.len());
        if let Some(why) = out.failure {
            let saved = if save_inputs {
                save(target.name, &input).display().to_string()
            } else {
                format!("input {i} of seed {seed}")
            };
            report.failures.push(format!("{why} ({saved})"));
            if report.failures.len() >= 20 {
                break;
            }
        }
    }
    report.wall = t0.elapsed();
    report.cpu = thread_cpu().saturating_sub(cpu0);
    report
}
