//! One build, from `book.toml` to a finished output folder.
//!
//! This is the only module that knows every stage. Each stage is a file
//! and hands an owned value to the next:
//!
//! ```text
//! load ─► Loaded ─► content ─► Content ─► checks ─► plan ─► Plan ─► write ─► swap
//!                                                                 └► live (a rebuild in place)
//! ```
//!
//! Every stage pushes its problems into one `Diagnostics`, and the build
//! stops at the end of any stage that found an error: nothing is written
//! and the previous site stays as it was. [`Session`] runs the stages and
//! keeps what `remedy serve`'s next build can reuse.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::config::{Config, Overrides};
use crate::content::cache::FileCache;
use crate::content::Library;
use crate::diagnostics::{Diagnostic, Diagnostics, Failure};

mod checks;
mod content;
mod live;
mod load;
mod machines;
mod plan;
mod search;
mod session;
mod trees;
mod write;

pub use session::{Changes, SearchJob, Session};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The project folder (holding `book.toml`).
    pub root: PathBuf,
    /// Command-line settings that win over `book.toml`.
    pub overrides: Overrides,
    /// False for `remedy check`: do everything but write.
    pub write: bool,
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// HTML pages rendered from content (404 and redirects not counted).
    pub pages: usize,
    /// Pages that went through their template: all of them, except in a
    /// rebuild by `remedy serve`, which renders only pages whose inputs changed.
    pub rendered: usize,
    /// Files written in all (in a rebuild by `remedy serve`: files written
    /// or removed because their bytes changed).
    pub files: usize,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Warnings, sorted by file and line.
    pub warnings: Vec<Diagnostic>,
    /// Where the site was written.
    pub output_dir: PathBuf,
    /// Wall time of each stage, in order (for `--verbose` and benchmarks).
    pub timings: Vec<(&'static str, Duration)>,
    /// A book's links that leave it and so are not checked, as
    /// `file:line:col: link`: counted in one line, listed by `--verbose`.
    pub unchecked: Vec<String>,
}

/// Builds the site described by `opts`, from scratch.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Failure> {
    Session::once(opts.clone()).build(&Changes::Everything)
}

/// Reads a site's pages as a build does: an mdBook book from its
/// `SUMMARY.md`, any other site from its content folder.
pub fn load_library(config: &Config, diags: &mut Diagnostics) -> Library {
    load_library_cached(config, diags, &mut FileCache::default())
}

/// [`load_library`], reusing the files `cache` holds unchanged. A book is
/// always read whole: its chapters include other files, which the cache
/// does not follow.
fn load_library_cached(config: &Config, diags: &mut Diagnostics, cache: &mut FileCache) -> Library {
    match &config.summary {
        Some(summary) => crate::book::load(config, summary, diags),
        None => Library::load_cached(config, diags, cache),
    }
}

/// The triage data of the tree page `page`, made from the project as a
/// build makes it (`remedy triage` builds nothing, so it reads the pages'
/// text itself, without highlighting).
pub fn triage_data(
    config: &Config,
    library: &Library,
    page: crate::content::PageId,
) -> Option<crate::tree::triage::Data> {
    let rendered = content::text_only(library, &config.markdown);
    trees::triage_data(library, &rendered, page)
}

/// The stage's value if it produced one and no error was found so far.
fn stop_on_errors<T>(value: Option<T>, diags: &mut Diagnostics) -> Result<T, Failure> {
    match value {
        Some(v) if !diags.has_errors() => Ok(v),
        _ => Err(Failure::from(std::mem::take(diags))),
    }
}

/// Wall time per stage, for `remedy build --verbose`.
struct Timings {
    laps: Vec<(&'static str, Duration)>,
    lap: Instant,
}

impl Timings {
    fn new() -> Self {
        Timings {
            laps: Vec::new(),
            lap: Instant::now(),
        }
    }

    /// Ends the stage `name`, which began where the previous one ended.
    fn stage(&mut self, name: &'static str) {
        self.laps.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }

    /// Records a part measured on its own (one branch of a parallel step).
    fn push(&mut self, name: &'static str, t: Duration) {
        self.laps.push((name, t));
    }
}
