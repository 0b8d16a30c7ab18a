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
//! `remedy build` does. Both run the stages of `site` that `remedy build`
//! runs (`site::render_and_plan`, then `site::write`'s loops into a staging
//! folder or, in place, into the served one). Either way the output is the
//! same as a clean build's: `tests/incremental/` checks that byte for byte after random
//! edits.
//!
//! The search index takes seconds at 10,000 pages, so a rebuild leaves it
//! to a [`SearchJob`] that the caller runs after the page has reloaded and
//! cancels when the next change comes.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use crate::content::cache::FileCache;
use crate::diagnostics::{Diagnostics, Failure};
use crate::output::{Live, Sink};
use crate::site::content::Memo;
use crate::site::load::{self, Loaded};
use crate::site::{self, checks, plan, write, BuildOptions, BuildReport, Timings};

use super::index::{lock, search_files, SearchInput, SearchJob, SearchState};
use super::live::{self, Written};

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

impl Session {
    /// A session whose builds keep what the next build can reuse.
    pub fn new(opts: BuildOptions) -> Session {
        Session {
            opts,
            loaded: None,
            files: FileCache::default(),
            memo: Memo::default(),
            written: None,
            builds: 0,
            search_input: None,
            search: Arc::default(),
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
                reload_content(l, changed, &mut self.files, &mut diags)
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
        self.loaded = Some(loaded);
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
        let in_place = self.written.is_some() && content_only && self.opts.write;
        // A full build writes a new folder, which the search thread fills
        // from the start; an update in place indexes afterwards (`index.rs`).
        let staging = match write::staging(self.opts.write && !in_place, &loaded.config) {
            Ok(s) => s.map(Arc::new),
            Err(d) => {
                diags.push(d);
                return Err(Failure::from(diags));
            }
        };
        let index_into = staging
            .as_ref()
            .filter(|_| loaded.config.search)
            .map(|s| Arc::clone(s) as Arc<dyn Sink + Send>);
        std::thread::scope(|scope| {
            let memo = &mut self.memo;
            let (content, search) =
                site::render_content(loaded, memo, index_into, scope, &mut diags);
            checks::content(loaded, &content, &mut diags);
            timings.stage("render Markdown, check links");
            let content = &site::stop_on_errors(Some(content), &mut diags)?;

            let plan = plan::plan(loaded, content, &mut diags);
            checks::outputs(loaded, &plan, &mut diags);
            let plan = &site::stop_on_errors(Some(plan), &mut diags)?;
            timings.stage("plan outputs");

            let keys = plan.context(loaded, content).page_keys(&content.hashes);
            let config = &loaded.config;
            let next = self.builds + 1;
            let mut rendered = loaded.library.pages.len();
            let files = match (&self.written, in_place) {
                (Some(previous), true) => {
                    let out = Live::new(&config.output_dir, config.precompress);
                    self.search.generation.store(next, Ordering::SeqCst);
                    let written =
                        live::write(&out, loaded, content, plan, &keys, previous, &mut diags);
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
                    let files = write::site(
                        staging,
                        loaded,
                        content,
                        plan,
                        search,
                        &mut diags,
                        &mut timings,
                    );
                    let files = site::stop_on_errors(files, &mut diags)?;
                    if let Some(mut search_files_on_disk) = search_files_lock {
                        *search_files_on_disk = search_files(&config.output_dir);
                        self.search.indexed.store(next, Ordering::SeqCst);
                    }
                    if self.opts.write {
                        self.written = Some(Written::after_full_build(
                            &loaded.library,
                            plan,
                            &keys,
                            &plan.all_copies(loaded),
                        ));
                    }
                    files
                }
            };
            self.builds = next;
            if config.search && self.indexed() != next {
                // Documents are made by the job: copying every section's
                // text would cost the rebuild tens of milliseconds at
                // 10,000 pages.
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
                unchecked: site::unchecked_links(content, plan),
            })
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

/// Reads the content folder again into `loaded`, whose configuration and
/// theme did not change; only files that changed are read.
fn reload_content(
    mut loaded: Loaded,
    changed: &[PathBuf],
    files: &mut FileCache,
    diags: &mut Diagnostics,
) -> Option<Loaded> {
    let in_place = loaded.config.summary.is_none()
        && loaded
            .library
            .refresh(&loaded.config, changed, files, diags);
    if !in_place {
        loaded.library = site::load_library_cached(&loaded.config, diags, files);
    }
    load::has_pages(&loaded.config, &loaded.library, diags).then_some(loaded)
}

/// True for a path inside the content folder that is not `SUMMARY.md`
/// (which decides whether the project is a book).
fn in_content(content_dir: &Path, path: &Path) -> bool {
    let dir = std::path::absolute(content_dir).unwrap_or_else(|_| content_dir.to_path_buf());
    path.strip_prefix(&dir)
        .is_ok_and(|rel| rel != Path::new("SUMMARY.md") && !rel.as_os_str().is_empty())
}
