//! A site built again and again: what `remedy serve` keeps between builds
//! so that a save costs what it changed, not what the site holds.
//!
//! A change that touches only the content folder keeps the configuration,
//! theme, templates and syntaxes; re-reads only the changed files (the
//! `FileCache`); renders again only the bodies whose text or link targets
//! changed (the `Memo`); renders again through their templates only the
//! pages whose key changed (`render::keys`); and writes only the files
//! whose bytes changed (`live`). Any other change (book.toml, the theme,
//! SUMMARY.md) or a watcher that lost track builds everything again, as
//! `remedy build` does. Either way the output is the same as a clean
//! build's: `tests/incremental/` checks that byte for byte after random
//! edits.
//!
//! The search index takes seconds at 10,000 pages, so a rebuild leaves it
//! to a [`SearchJob`] that the caller runs after the page has reloaded and
//! cancels when the next change comes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use crate::content::cache::FileCache;
use crate::content::Page;
use crate::diagnostics::{Diagnostic, Diagnostics, Failure};
use crate::markdown::Rendered;
use crate::output::Live;

use super::content::Memo;
use super::live::Written;
use super::load::Loaded;
use super::{checks, content, live, load, plan, search, stop_on_errors, write};
use super::{BuildOptions, BuildReport, Timings};

/// What changed since the last build.
#[derive(Debug, Clone)]
pub enum Changes {
    /// Unknown, or everything: build from scratch.
    Everything,
    /// These files or folders (absolute paths) were written, created,
    /// removed or renamed.
    Files(Vec<PathBuf>),
}

/// Builds of one project that reuse what the previous build computed.
pub struct Session {
    opts: BuildOptions,
    /// False for a one-shot build, which keeps nothing.
    keep: bool,
    loaded: Option<Loaded>,
    files: FileCache,
    memo: Memo,
    /// What the output folder holds, when a build of this session wrote it.
    written: Option<Written>,
    /// Successful builds so far.
    builds: u64,
    /// The last successful build's pages and bodies, for its [`SearchJob`].
    search_input: Option<Arc<SearchInput>>,
    search: Arc<SearchState>,
}

/// The search files in the output folder. A rebuild in place never
/// touches them, so it only moves `generation` on (without waiting for a
/// job that is writing); a full build replaces the folder, so it holds
/// `files` while it writes.
#[derive(Default)]
struct SearchState {
    /// The build whose search files may be written: a job for an older
    /// build finds this moved on and writes nothing.
    generation: AtomicU64,
    /// The build the search files on disk belong to.
    indexed: AtomicU64,
    /// Their paths; held while they are written.
    files: Mutex<BTreeSet<String>>,
}

impl Session {
    /// A session whose builds keep what the next build can reuse.
    pub fn new(opts: BuildOptions) -> Session {
        Session {
            opts,
            keep: true,
            loaded: None,
            files: FileCache::default(),
            memo: Memo::default(),
            written: None,
            builds: 0,
            search_input: None,
            search: Arc::default(),
        }
    }

    /// A session for a single build.
    pub(super) fn once(opts: BuildOptions) -> Session {
        Session {
            keep: false,
            ..Session::new(opts)
        }
    }

    /// Successful builds so far.
    pub fn builds(&self) -> u64 {
        self.builds
    }

    /// The successful build the search files on disk belong to: equal to
    /// [`Session::builds`] once the index has caught up.
    pub fn indexed(&self) -> u64 {
        self.search.indexed.load(Ordering::SeqCst)
    }

    /// Builds after `changes`. On failure nothing in the output changed.
    pub fn build(&mut self, changes: &Changes) -> Result<BuildReport, Failure> {
        let start = Instant::now();
        let mut diags = Diagnostics::new();
        let mut timings = Timings::new();
        if let Changes::Files(files) = changes {
            self.files.forget(files.iter().map(PathBuf::as_path));
            if let Some(w) = &mut self.written {
                w.forget(files.iter().map(PathBuf::as_path));
            }
        }
        let content_only = self.written.is_some()
            && match (changes, &self.loaded) {
                (Changes::Files(files), Some(l)) => {
                    files.iter().all(|f| in_content(&l.config.content_dir, f))
                }
                _ => false,
            };
        let loaded = match self.loaded.take() {
            Some(l) if content_only => {
                let changed = match changes {
                    Changes::Files(files) => files.as_slice(),
                    Changes::Everything => &[],
                };
                load::reload_content(l, changed, &mut self.files, &mut diags)
            }
            _ => {
                self.files.clear();
                self.memo.clear();
                // Page keys leave out the theme and the configuration: what
                // the output holds is no guide to what this build would
                // change, even if this build fails and the next one
                // changes only content. Until a full build writes, every
                // build is a full one.
                self.written = None;
                load::load(&self.opts, &mut self.files, &mut diags, &mut timings)
            }
        };
        if content_only {
            timings.stage("read changed content");
        }
        let Some(loaded) = loaded else {
            return Err(Failure::from(diags));
        };
        let result = self.build_loaded(&loaded, content_only, diags, timings);
        if self.keep {
            self.loaded = Some(loaded);
        } else {
            // Freeing the syntaxes and templates takes milliseconds that a
            // one-shot build, about to exit, need not wait for.
            std::thread::spawn(move || drop(loaded));
        }
        result.map(|mut report| {
            report.elapsed = start.elapsed();
            report
        })
    }

    fn build_loaded(
        &mut self,
        loaded: &Loaded,
        content_only: bool,
        diags: Diagnostics,
        timings: Timings,
    ) -> Result<BuildReport, Failure> {
        let live = self.written.is_some() && content_only && self.opts.write;
        let index = !live && self.opts.write && loaded.config.search;
        std::thread::scope(|scope| {
            // A book has no decision trees, and search reads text, not
            // highlighted code: its documents come from a quick pass
            // without highlighting, so indexing runs beside the Markdown
            // stage instead of after it.
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
            self.build_indexed(loaded, content_only, index, early, scope, diags, timings)
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn build_indexed<'scope>(
        &mut self,
        loaded: &'scope Loaded,
        content_only: bool,
        index: bool,
        early: Option<search::Pending>,
        scope: &'scope std::thread::Scope<'scope, '_>,
        mut diags: Diagnostics,
        mut timings: Timings,
    ) -> Result<BuildReport, Failure> {
        let content = content::render(loaded, &mut self.memo, &mut diags);
        let pending_search = early.or_else(|| {
            (index && !diags.has_errors()).then(|| {
                let docs = search::documents(&loaded.library.pages, &content.rendered);
                let triage = content.triage.values().map(|t| t.url.clone()).collect();
                search::start(scope, move || docs, triage)
            })
        });
        checks::anchors(
            &loaded.library,
            &content.rendered,
            &loaded.config.markdown,
            &mut diags,
        );
        checks::aliases(&loaded.library, &mut diags);
        checks::examples(
            &loaded.library,
            &content.rendered,
            &content.triage,
            &mut diags,
        );
        timings.stage("render Markdown, check links");
        let content = stop_on_errors(Some(content), &mut diags)?;

        let plan = plan::plan(loaded, &content, &mut diags);
        checks::outputs(
            &loaded.library,
            &loaded.config,
            &plan.extra,
            &plan.page_files,
            &mut diags,
        );
        let plan = stop_on_errors(Some(plan), &mut diags)?;
        let keys = match self.keep {
            true => plan.context(loaded, &content).page_keys(&content.hashes),
            false => Vec::new(),
        };
        timings.stage("plan outputs");

        let config = &loaded.config;
        let next = self.builds + 1;
        let mut rendered = loaded.library.pages.len();
        let files = match (&self.written, content_only && self.opts.write) {
            (Some(previous), true) => {
                let out = Live::new(&config.output_dir, config.precompress);
                self.search.generation.store(next, Ordering::SeqCst);
                let written =
                    live::write(&out, loaded, &content, &plan, &keys, previous, &mut diags);
                timings.stage("render templates, write changes");
                let Some((written, pages, files)) = written else {
                    // Part of the output may have changed: start afresh.
                    self.written = None;
                    return Err(Failure::from(diags));
                };
                self.written = Some(written);
                rendered = pages;
                files
            }
            _ => {
                // Held until the new folder is in place: a job writing
                // into the old one finishes first, and none starts.
                let search_files_lock = self.opts.write.then(|| lock(&self.search.files));
                if self.opts.write {
                    self.search.generation.store(next, Ordering::SeqCst);
                    self.written = None;
                }
                let files = write::write(
                    self.opts.write,
                    pending_search,
                    loaded,
                    &content,
                    &plan,
                    &mut diags,
                    &mut timings,
                );
                let files = stop_on_errors(files, &mut diags)?;
                if let Some(mut search_files_on_disk) = search_files_lock {
                    *search_files_on_disk = search_files(&config.output_dir);
                    self.search.indexed.store(next, Ordering::SeqCst);
                }
                if self.keep && self.opts.write {
                    self.written = Some(Written::after_full_build(&loaded.library, &plan, &keys));
                }
                files
            }
        };
        self.builds = next;
        if config.search && self.indexed() != next {
            // Documents are made by the job: copying every section's text
            // would cost the rebuild tens of milliseconds at 10,000 pages.
            self.search_input = Some(Arc::new((
                loaded.library.pages.clone(),
                content.rendered.clone(),
                content.triage.values().map(|t| t.url.clone()).collect(),
            )));
        } else {
            self.search_input = None;
            self.search.indexed.store(next, Ordering::SeqCst);
        }
        Ok(BuildReport {
            pages: loaded.library.pages.len(),
            rendered,
            files,
            elapsed: Default::default(),
            warnings: diags.sorted(),
            output_dir: config.output_dir.clone(),
            timings: timings.laps,
            unchecked: content
                .rendered
                .iter()
                .flat_map(|r| r.unchecked.iter().cloned())
                .chain(plan.unchecked.iter().cloned())
                .collect(),
        })
    }

    /// The work of bringing the search files up to the last successful
    /// build, if they are behind.
    pub fn search_job(&self) -> Option<SearchJob> {
        let input = self.search_input.as_ref()?;
        let loaded = self.loaded.as_ref()?;
        (self.indexed() != self.builds).then(|| SearchJob {
            build: self.builds,
            input: Arc::clone(input),
            state: Arc::clone(&self.search),
            out: Live::new(&loaded.config.output_dir, loaded.config.precompress),
        })
    }
}

/// What the search documents are made from: a build's pages and bodies,
/// and its trees' triage data URLs (listed in the search metadata).
type SearchInput = (Vec<Page>, Vec<Arc<Rendered>>, Vec<String>);

/// Indexes a site and writes its search files, unless a newer build has
/// been written in the meantime.
pub struct SearchJob {
    build: u64,
    input: Arc<SearchInput>,
    state: Arc<SearchState>,
    out: Live,
}

impl SearchJob {
    /// The successful build this job indexes.
    pub fn build(&self) -> u64 {
        self.build
    }

    /// Builds the index and writes its files; gives up soon after `stop`
    /// returns true. Returns whether the files were written.
    pub fn run(self, stop: &(dyn Fn() -> bool + Sync)) -> Result<bool, Diagnostic> {
        let (pages, rendered, triage) = &*self.input;
        let docs = search::documents(pages, rendered);
        let files = match crate::search::files_until(&docs, triage, stop) {
            Ok((files, _)) => files,
            Err(e) if e.is::<crate::search::index::Cancelled>() => return Ok(false),
            Err(e) => {
                return Err(Diagnostic::error(format!(
                    "cannot build the search index: {e:#}"
                )))
            }
        };
        let mut on_disk = lock(&self.state.files);
        if self.state.generation.load(Ordering::SeqCst) != self.build || stop() {
            return Ok(false);
        }
        let failed = |path: &str, e| Diagnostic::error(format!("cannot write /{path}: {e}"));
        for (path, bytes) in &files {
            self.out.write(path, bytes).map_err(|e| failed(path, e))?;
        }
        for old in on_disk.iter() {
            if !files.contains_key(old) {
                self.out.remove(old).map_err(|e| failed(old, e))?;
            }
        }
        *on_disk = files.into_keys().collect();
        self.state.indexed.store(self.build, Ordering::SeqCst);
        Ok(true)
    }
}

/// The lock, even if a search job panicked while holding it: the list is
/// only ever replaced whole.
fn lock(m: &Mutex<BTreeSet<String>>) -> MutexGuard<'_, BTreeSet<String>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// True for a path inside the content folder that is not `SUMMARY.md`
/// (which decides whether the project is a book).
fn in_content(content_dir: &Path, path: &Path) -> bool {
    let dir = std::path::absolute(content_dir).unwrap_or_else(|_| content_dir.to_path_buf());
    path.strip_prefix(&dir)
        .is_ok_and(|rel| rel != Path::new("SUMMARY.md") && !rel.as_os_str().is_empty())
}

/// The search files a full build wrote.
fn search_files(out: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(out.join("search"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(out).ok()?;
            let rel: Vec<&str> = rel.iter().map(|c| c.to_str()).collect::<Option<_>>()?;
            let rel = rel.join("/");
            // Precompressed siblings go with their file.
            (!rel.ends_with(".gz") && !rel.ends_with(".br")).then_some(rel)
        })
        .collect()
}
