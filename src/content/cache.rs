//! Content files as parsed by an earlier build, so that `remedy serve`
//! re-reads only what changed.
//!
//! A file is read again when the watcher names it (`forget`) or when its
//! size or modification time differ from when it was parsed: either alone
//! would do in the common case, together they also cover a missed event.
//! A one-shot build starts from an empty cache and reads everything.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::diagnostics::{Diagnostic, Diagnostics};

use super::Page;

/// Parsed content files by their path on disk.
#[derive(Default)]
pub struct FileCache {
    entries: HashMap<PathBuf, Entry>,
    /// Files looked up since the last [`FileCache::sweep`].
    seen: HashSet<PathBuf>,
}

/// One file as it was parsed: the page, or `None` when it failed, and the
/// problems found either way (replayed on every build that reuses it).
struct Entry {
    stamp: Stamp,
    page: Option<Page>,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(file: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(file).ok()?;
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

impl FileCache {
    /// Drops what is known of `files`: the next build reads them again.
    pub fn forget<'a>(&mut self, files: impl IntoIterator<Item = &'a Path>) {
        for f in files {
            self.entries.remove(f);
        }
    }

    /// Drops everything (the configuration changed).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The page parsed from `file`, from the cache when the file is
    /// unchanged, else from `parse`. Its diagnostics go to `diags` either way.
    pub fn page(
        &mut self,
        file: &Path,
        diags: &mut Diagnostics,
        parse: impl FnOnce(&mut Diagnostics) -> Option<Page>,
    ) -> Option<Page> {
        self.seen.insert(file.to_path_buf());
        let stamp = Stamp::of(file);
        if let Some(e) = self.entries.get(file) {
            if Some(e.stamp) == stamp {
                diags.extend(e.diagnostics.iter().cloned());
                return e.page.clone();
            }
        }
        let mut own = Diagnostics::new();
        let page = parse(&mut own);
        let diagnostics: Vec<Diagnostic> = own.into_iter().collect();
        diags.extend(diagnostics.iter().cloned());
        // A file that changed while it was read gets no stamp and is read
        // again next time.
        if let Some(stamp) = stamp.filter(|s| Stamp::of(file) == Some(*s)) {
            self.entries.insert(
                file.to_path_buf(),
                Entry {
                    stamp,
                    page: page.clone(),
                    diagnostics,
                },
            );
        }
        page
    }

    /// Forgets files no build has asked for since the last sweep (deleted
    /// or renamed away), so the cache does not grow with every rename.
    pub fn sweep(&mut self) {
        let seen = std::mem::take(&mut self.seen);
        self.entries.retain(|f, _| seen.contains(f));
    }
}
