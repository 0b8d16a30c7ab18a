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
//! build's: `tests/incremental.rs` checks that byte for byte after random
//! edits.
//!
//! The search index takes seconds at 10,000 pages, so a rebuild leaves it
//! to a [`SearchJob`] that the caller runs after the page has reloaded and
//! cancels when the next change comes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use crate::content::cache::FileCache;
use crate::diagnostics::{Diagnostic, Diagnostics, Failure};
use crate::output::Live;
use crate::search::SearchDoc;

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
    /// The last successful build's search documents, for its [`SearchJob`].
    search_docs: Option<Arc<Vec<SearchDoc>>>,
    search: Arc<Mutex<SearchState>>,
}

/// The search files in the output folder.
#[derive(Default)]
struct SearchState {
    /// The build whose search files may be written: a job for an older
    /// build finds this moved on and writes nothing.
    generation: u64,
    /// The build the search files on disk belong to.
    indexed: u64,
    /// Their paths.
    files: BTreeSet<String>,
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
            search_docs: None,
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
        lock(&self.search).indexed
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
            Some(l) if content_only => load::reload_content(l, &mut self.files, &mut diags),
            _ => {
                self.files.clear();
                self.memo.clear();
                load::load(&self.opts, &mut self.files, &mut diags, &mut timings)
            }
        };
        timings.stage("load");
        let Some(loaded) = loaded else {
            return Err(Failure::from(diags));
        };
        let result = self.build_loaded(&loaded, content_only, diags, timings);
        if self.keep {
            self.loaded = Some(loaded);
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
        mut diags: Diagnostics,
        mut timings: Timings,
    ) -> Result<BuildReport, Failure> {
        let content = content::render(loaded, &mut self.memo, &mut diags);
        checks::anchors(&loaded.library, &content.rendered, &mut diags);
        checks::aliases(&loaded.library, &mut diags);
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
        let files = match (&self.written, content_only && self.opts.write) {
            (Some(previous), true) => {
                let out = Live::new(&config.output_dir, config.precompress);
                lock(&self.search).generation = next;
                let written =
                    live::write(&out, loaded, &content, &plan, &keys, previous, &mut diags);
                timings.stage("render templates, write changes");
                let Some((written, files)) = written else {
                    // Part of the output may have changed: start afresh.
                    self.written = None;
                    return Err(Failure::from(diags));
                };
                self.written = Some(written);
                files
            }
            _ => {
                if self.opts.write {
                    lock(&self.search).generation = next;
                    self.written = None;
                }
                let files = write::write(
                    self.opts.write,
                    loaded,
                    &content,
                    &plan,
                    &mut diags,
                    &mut timings,
                );
                let files = stop_on_errors(files, &mut diags)?;
                if self.keep && self.opts.write {
                    self.written = Some(Written::after_full_build(&loaded.library, &plan, &keys));
                    let mut s = lock(&self.search);
                    s.files = search_files(&config.output_dir);
                    s.indexed = next;
                }
                files
            }
        };
        self.builds = next;
        let mut search = lock(&self.search);
        if config.search && search.indexed != next {
            self.search_docs = Some(Arc::new(search::documents(
                &loaded.library,
                &content.rendered,
            )));
        } else {
            self.search_docs = None;
            search.indexed = next;
        }
        drop(search);
        Ok(BuildReport {
            pages: loaded.library.pages.len(),
            files,
            elapsed: Default::default(),
            warnings: diags.sorted(),
            output_dir: config.output_dir.clone(),
            timings: timings.laps,
        })
    }

    /// The work of bringing the search files up to the last successful
    /// build, if they are behind.
    pub fn search_job(&self) -> Option<SearchJob> {
        let docs = self.search_docs.as_ref()?;
        let loaded = self.loaded.as_ref()?;
        (lock(&self.search).indexed != self.builds).then(|| SearchJob {
            build: self.builds,
            docs: Arc::clone(docs),
            state: Arc::clone(&self.search),
            out: Live::new(&loaded.config.output_dir, loaded.config.precompress),
        })
    }
}

/// Indexes a site and writes its search files, unless a newer build has
/// been written in the meantime.
pub struct SearchJob {
    build: u64,
    docs: Arc<Vec<SearchDoc>>,
    state: Arc<Mutex<SearchState>>,
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
        let files = match crate::search::files_until(&self.docs, stop) {
            Ok((files, _)) => files,
            Err(e) if e.is::<crate::search::index::Cancelled>() => return Ok(false),
            Err(e) => {
                return Err(Diagnostic::error(format!(
                    "cannot build the search index: {e:#}"
                )))
            }
        };
        let mut state = lock(&self.state);
        if state.generation != self.build || stop() {
            return Ok(false);
        }
        let failed = |path: &str, e| Diagnostic::error(format!("cannot write /{path}: {e}"));
        for (path, bytes) in &files {
            self.out.write(path, bytes).map_err(|e| failed(path, e))?;
        }
        for old in &state.files {
            if !files.contains_key(old) {
                self.out.remove(old).map_err(|e| failed(old, e))?;
            }
        }
        state.files = files.into_keys().collect();
        state.indexed = self.build;
        Ok(true)
    }
}

/// The lock, even if a search job panicked while holding it: the state
/// is only ever replaced whole.
fn lock(m: &Mutex<SearchState>) -> MutexGuard<'_, SearchState> {
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
