//! The search index of a served site, brought up to date after the page
//! has reloaded: at 10,000 pages it takes seconds, which a save must not
//! wait for. A [`SearchJob`] writes only if no newer build has been
//! written meanwhile, and gives up when the next change comes.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::content::Page;
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::output::Live;
use crate::site::{search, write};

/// The search files in the output folder. A rebuild in place never
/// touches them, so it only moves `generation` on (without waiting for a
/// job that is writing); a full build replaces the folder, so it holds
/// `files` while it writes.
#[derive(Default)]
pub(super) struct SearchState {
    /// The build whose search files may be written: a job for an older
    /// build finds this moved on and writes nothing.
    pub generation: AtomicU64,
    /// The build the search files on disk belong to.
    pub indexed: AtomicU64,
    /// Their paths; held while they are written.
    pub files: Mutex<BTreeSet<String>>,
}

/// What the search documents are made from: a build's pages and bodies,
/// and its trees' triage data URLs (listed in the search metadata).
pub(super) type SearchInput = (Vec<Page>, Vec<Arc<Rendered>>, Vec<String>);

/// Indexes a site and writes its search files, unless a newer build has
/// been written in the meantime.
pub struct SearchJob {
    pub(super) build: u64,
    pub(super) input: Arc<SearchInput>,
    pub(super) state: Arc<SearchState>,
    pub(super) out: Live,
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
        write::put_all(
            &self.out,
            files.iter().map(|(p, b)| (p.as_str(), b.as_slice())),
        )?;
        for old in on_disk.iter() {
            if !files.contains_key(old) {
                self.out
                    .remove(old)
                    .map_err(|e| write::write_error(old, e))?;
            }
        }
        *on_disk = files.into_keys().collect();
        self.state.indexed.store(self.build, Ordering::SeqCst);
        Ok(true)
    }
}

/// The lock, even if a search job panicked while holding it: the list is
/// only ever replaced whole.
pub(super) fn lock(m: &Mutex<BTreeSet<String>>) -> MutexGuard<'_, BTreeSet<String>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The search files a full build wrote.
pub(super) fn search_files(out: &Path) -> BTreeSet<String> {
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
