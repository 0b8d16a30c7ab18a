//! One build, from `book.toml` to a finished output folder.
//!
//! This is the only module that knows every stage. Each stage is a file
//! and hands an owned value to the next:
//!
//! ```text
//! load ─► Loaded ─► content ─► Content ─► checks ─► plan ─► Plan ─► write ─► swap
//! ```
//!
//! Every stage pushes its problems into one `Diagnostics`, and the build
//! stops at the end of any stage that found an error: nothing is written
//! and the previous site stays as it was. [`build`] is the whole pipeline,
//! one call per stage; `remedy serve` (`crate::serve`) calls the same
//! stages and keeps what its next build can reuse.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::{Config, Overrides};
use crate::content::cache::FileCache;
use crate::content::Library;
use crate::diagnostics::{Diagnostic, Diagnostics, Failure};
use crate::output::Sink;

use load::Loaded;

pub(crate) mod checks;
pub(crate) mod content;
pub(crate) mod load;
mod machines;
mod open;
pub(crate) mod plan;
pub(crate) mod search;
mod trees;
pub(crate) mod write;

pub use open::{open_tree, OpenTree};

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
    /// Each stage in order, with its wall time and the peak memory so
    /// far (for `--verbose` and benchmarks).
    pub timings: Vec<Lap>,
    /// A book's links that leave it and so are not checked, as
    /// `file:line:col: link`: counted in one line, listed by `--verbose`.
    pub unchecked: Vec<String>,
}

/// Builds the site described by `opts`, from scratch.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Failure> {
    let start = Instant::now();
    let mut diags = Diagnostics::new();
    let mut timings = Timings::new();
    let files = &mut FileCache::default();
    let Some(loaded) = load::load(opts, files, &mut diags, &mut timings) else {
        return Err(diags.into());
    };
    let staging = match write::staging(opts.write, &loaded.config) {
        Ok(s) => s.map(Arc::new),
        Err(d) => {
            diags.push(d);
            return Err(diags.into());
        }
    };
    let search_sink = staging
        .as_ref()
        .filter(|_| loaded.config.search)
        .map(|s| Arc::clone(s) as Arc<dyn Sink + Send>);
    let report = std::thread::scope(|scope| {
        let memo = &mut content::Memo::default();
        let (content, search) = render_content(&loaded, memo, search_sink, scope, &mut diags);
        checks::content(&loaded, &content, &mut diags);
        timings.stage("render Markdown, check links");
        let content = stop_on_errors(Some(content), &mut diags)?;

        let plan = plan::plan(&loaded, &content, &mut diags);
        checks::outputs(&loaded, &plan, &mut diags);
        let plan = stop_on_errors(Some(plan), &mut diags)?;
        timings.stage("plan outputs");

        let files = write::site(
            staging,
            &loaded,
            &content,
            &plan,
            search,
            &mut diags,
            &mut timings,
        );
        let files = stop_on_errors(files, &mut diags)?;
        let report = BuildReport {
            pages: loaded.library.pages.len(),
            rendered: loaded.library.pages.len(),
            files,
            elapsed: start.elapsed(),
            warnings: diags.sorted(),
            output_dir: loaded.config.output_dir.clone(),
            timings: timings.laps,
            unchecked: unchecked_links(&content, &plan),
        };
        // The rendered pages and planned files are freed off the critical
        // path too, as the syntaxes and templates are below.
        std::thread::spawn(move || drop((content, plan)));
        Ok(report)
    });
    // Freeing the syntaxes and templates takes milliseconds that a
    // one-shot build, about to exit, need not wait for.
    std::thread::spawn(move || drop(loaded));
    report
}

/// Stage 2, content: every page's body, reusing what `memo` holds. With
/// a sink to index into, the search index starts on a thread of `scope` as
/// soon as its input exists and writes its files there; the write stage
/// waits for it.
pub(crate) fn render_content<'scope>(
    loaded: &'scope Loaded,
    memo: &mut content::Memo,
    mut index_into: Option<Arc<dyn Sink + Send>>,
    scope: &'scope std::thread::Scope<'scope, '_>,
    diags: &mut Diagnostics,
) -> (content::Content, Option<search::Pending>) {
    // A book has no decision trees, and search reads text, not highlighted
    // code: its documents come from a quick pass without highlighting, so
    // indexing runs beside the Markdown stage instead of after it.
    let early = match loaded.library.summary {
        Some(_) => index_into.take().map(|sink| {
            let text = || content::text_only(&loaded.library, &loaded.config.markdown);
            search::start(scope, &loaded.library.pages, text, Vec::new(), sink)
        }),
        None => None,
    };
    let content = content::render(loaded, memo, diags);
    let pending = early.or_else(|| {
        let sink = index_into.filter(|_| !diags.has_errors())?;
        let rendered = content.rendered.clone();
        let triage = content.triage.values().map(|t| t.url.clone()).collect();
        let pages = &loaded.library.pages;
        Some(search::start(scope, pages, move || rendered, triage, sink))
    });
    (content, pending)
}

/// A book's links that leave it, as `file:line:col: link`: from its
/// pages, then from its redirects.
pub(crate) fn unchecked_links(content: &content::Content, plan: &plan::Plan) -> Vec<String> {
    content
        .rendered
        .iter()
        .flat_map(|r| r.unchecked.iter().cloned())
        .chain(plan.unchecked.iter().cloned())
        .collect()
}

/// Reads a site's pages as a build does: an mdBook book from its
/// `SUMMARY.md`, any other site from its content folder.
pub fn load_library(config: &Config, diags: &mut Diagnostics) -> Library {
    load_library_cached(config, diags, &mut FileCache::default())
}

/// [`load_library`], reusing the files `cache` holds unchanged. A book is
/// always read whole: its chapters include other files, which the cache
/// does not follow.
pub(crate) fn load_library_cached(
    config: &Config,
    diags: &mut Diagnostics,
    cache: &mut FileCache,
) -> Library {
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
pub(crate) fn stop_on_errors<T>(value: Option<T>, diags: &mut Diagnostics) -> Result<T, Failure> {
    match value {
        Some(v) if !diags.has_errors() => Ok(v),
        _ => Err(Failure::from(std::mem::take(diags))),
    }
}

/// One stage of a build as `--verbose` shows it.
#[derive(Debug, Clone)]
pub struct Lap {
    pub stage: &'static str,
    pub time: Duration,
    /// The process's peak resident memory when the stage ended, in bytes
    /// (Linux only): which stage raised the peak is what a memory budget
    /// needs to know, and it costs one small read of `/proc`.
    pub peak: Option<u64>,
}

impl std::fmt::Display for Lap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "  {:<36} {:>8.1} ms",
            self.stage,
            self.time.as_secs_f64() * 1000.0
        )?;
        if let Some(peak) = self.peak {
            write!(f, "  peak {:>5} MiB", peak >> 20)?;
        }
        Ok(())
    }
}

/// Wall time per stage, for `remedy build --verbose`.
pub(crate) struct Timings {
    pub laps: Vec<Lap>,
    lap: Instant,
}

impl Timings {
    pub fn new() -> Self {
        Timings {
            laps: Vec::new(),
            lap: Instant::now(),
        }
    }

    /// Ends the stage `name`, which began where the previous one ended.
    pub fn stage(&mut self, name: &'static str) {
        self.laps.push(Lap {
            stage: name,
            time: self.lap.elapsed(),
            peak: peak_memory(),
        });
        self.lap = Instant::now();
    }

    /// Records a part measured on its own (one branch of a parallel step).
    pub fn push(&mut self, name: &'static str, t: Duration) {
        self.laps.push(Lap {
            stage: name,
            time: t,
            peak: None,
        });
    }
}

/// The process's peak resident set (`VmHWM`), where the OS tells it.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
