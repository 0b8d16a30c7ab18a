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
use std::time::{Duration, Instant};

use crate::config::{Config, Overrides};
use crate::content::cache::FileCache;
use crate::content::Library;
use crate::diagnostics::{Diagnostic, Diagnostics, Failure};

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
    /// Wall time of each stage, in order (for `--verbose` and benchmarks).
    pub timings: Vec<(&'static str, Duration)>,
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
    let index = opts.write && loaded.config.search;
    let report = std::thread::scope(|scope| {
        let memo = &mut content::Memo::default();
        let (content, search) = render_content(&loaded, memo, index, scope, &mut diags);
        checks::content(&loaded, &content, &mut diags);
        timings.stage("render Markdown, check links");
        let content = stop_on_errors(Some(content), &mut diags)?;

        let plan = plan::plan(&loaded, &content, &mut diags);
        checks::outputs(&loaded, &plan, &mut diags);
        let plan = stop_on_errors(Some(plan), &mut diags)?;
        timings.stage("plan outputs");

        let files = write::site(
            opts.write,
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
/// `index`, the search index starts on a thread of `scope` as soon as its
/// input exists, and the write stage waits for it.
pub(crate) fn render_content<'scope>(
    loaded: &'scope Loaded,
    memo: &mut content::Memo,
    index: bool,
    scope: &'scope std::thread::Scope<'scope, '_>,
    diags: &mut Diagnostics,
) -> (content::Content, Option<search::Pending>) {
    // A book has no decision trees, and search reads text, not highlighted
    // code: its documents come from a quick pass without highlighting, so
    // indexing runs beside the Markdown stage instead of after it.
    let early = (index && loaded.library.summary.is_some()).then(|| {
        search::start(
            scope,
            || {
                let text = content::text_only(&loaded.library, &loaded.config.markdown);
                search::documents(&loaded.library.pages, &text)
            },
            Vec::new(),
        )
    });
    let content = content::render(loaded, memo, diags);
    let search = early.or_else(|| {
        (index && !diags.has_errors()).then(|| {
            let docs = search::documents(&loaded.library.pages, &content.rendered);
            let triage = content.triage.values().map(|t| t.url.clone()).collect();
            search::start(scope, move || docs, triage)
        })
    });
    (content, search)
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

/// Wall time per stage, for `remedy build --verbose`.
pub(crate) struct Timings {
    pub laps: Vec<(&'static str, Duration)>,
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
        self.laps.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }

    /// Records a part measured on its own (one branch of a parallel step).
    pub fn push(&mut self, name: &'static str, t: Duration) {
        self.laps.push((name, t));
    }
}
