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

/// A file's size and modification time: when both are as they were, the
/// file is taken to be unchanged (the watcher's events cover the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    /// The stamp of `file` now; `None` when it cannot be read.
    pub fn of(file: &Path) -> Option<Stamp> {
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

impl super::Library {
    /// Reads `changed` again in place when each is a page this library
    /// already has and it is still one (the common save): nothing else is
    /// read, walked or sorted. Returns false, with the library as it was,
    /// when the change is one of structure (a file added, removed or
    /// renamed, a page turned draft or broken); then the caller walks the
    /// folder again.
    pub fn refresh(
        &mut self,
        config: &crate::config::Config,
        changed: &[PathBuf],
        cache: &mut FileCache,
        diags: &mut Diagnostics,
    ) -> bool {
        let content_dir =
            std::path::absolute(&config.content_dir).unwrap_or_else(|_| config.content_dir.clone());
        let mut fresh = Vec::new();
        let mut own = Diagnostics::new();
        for file in changed {
            let rel = file
                .strip_prefix(&content_dir)
                .ok()
                .and_then(super::slash_path);
            let Some(&id) = rel.as_ref().and_then(|r| self.by_rel_path.get(r)) else {
                // An editor's temporary file, written and renamed onto the
                // page within one burst of events, is gone already: it
                // changes nothing. Anything else unknown is new structure.
                if !file.exists() && rel.is_some_and(|r| !self.knows(&r)) {
                    continue;
                }
                return false;
            };
            if !file.is_file() {
                return false;
            }
            let rel = self.pages[id].rel_path.clone();
            let Some(page) = cache.page(file, &mut own, |d| super::read_file(config, file, rel, d))
            else {
                return false;
            };
            if (page.meta.draft && !config.drafts)
                || page.is_section() != self.pages[id].is_section()
            {
                return false;
            }
            fresh.push((id, page));
        }
        for (id, page) in fresh {
            self.pages[id.index()] = page;
        }
        // Every file's own warnings, as a walk would give them.
        for page in self.pages.iter().filter(|p| !p.is_generated()) {
            let file = content_dir.join(&page.rel_path);
            if let Some(e) = cache.entries.get(&file) {
                diags.extend(e.diagnostics.iter().cloned());
            }
        }
        true
    }

    /// True when the last walk saw `rel_path` (as a page, draft, failed
    /// page or asset).
    fn knows(&self, rel_path: &str) -> bool {
        self.by_rel_path.contains_key(rel_path)
            || self.failed.contains_key(rel_path)
            || self.drafts.contains(rel_path)
            || self.assets.iter().any(|a| a.rel_path == rel_path)
    }
}
