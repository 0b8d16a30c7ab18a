//! The commit of an update in place, written down before it starts so
//! that a process killed halfway leaves work the next one can finish.
//!
//! An [`Update`](super::Update) stages changed files in a hidden folder
//! beside the output and, once the build has succeeded, writes a journal
//! there: the files to delete, the folders left empty, and each staged
//! file with its place in the site. The journal is written to a temporary
//! name, synced and renamed, so it exists only when complete; the staged
//! files were written before it. Applying it is idempotent (a delete of a
//! missing file, or a rename whose staged file is gone, was done already),
//! so [`recover`] rolls an interrupted commit forward from the start.
//!
//! Each staging folder is locked (`flock`) by the process that made it:
//! a folder nobody holds belongs to a build that died, and is finished
//! (with a journal) or removed (without one). A concurrent build's folder
//! is left alone.

use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::MARKER;

/// The journal's name inside the staging folder; staged files are
/// numbered, so they never take it.
const JOURNAL: &str = "journal.json";

/// What the commit of an update does to the output folder, in order.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Journal {
    /// The output folder's name: a journal found beside another folder
    /// whose name merely starts the same is not applied to it.
    pub target: String,
    /// Files of the previous site the new one no longer has (`/`-separated).
    pub deletes: Vec<String>,
    /// Folders of the previous site the new one no longer has, deepest first.
    pub folders: Vec<String>,
    /// Staged file name and its place in the site.
    pub renames: Vec<(String, String)>,
}

impl Journal {
    /// Whether the commit changes nothing.
    pub fn is_empty(&self) -> bool {
        self.deletes.is_empty() && self.folders.is_empty() && self.renames.is_empty()
    }

    /// Writes the journal into `staging`, durably: from then on the commit
    /// is decided and will be finished, by this process or the next.
    pub fn write(&self, staging: &Path) -> io::Result<()> {
        let tmp = staging.join(format!("{JOURNAL}.tmp"));
        let bytes = serde_json::to_vec(self).map_err(io::Error::other)?;
        let mut f = File::create(&tmp).map_err(|e| at("cannot write", &tmp, e))?;
        f.write_all(&bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| at("cannot write", &tmp, e))?;
        let path = staging.join(JOURNAL);
        fs::rename(&tmp, &path).map_err(|e| at("cannot write", &path, e))?;
        sync_folder(staging);
        Ok(())
    }

    /// Reads the journal of `staging`, if the commit got that far.
    fn read(staging: &Path) -> io::Result<Option<Journal>> {
        let path = staging.join(JOURNAL);
        match fs::read(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(at("cannot read", &path, e)),
            Ok(bytes) => {
                let journal: Journal = serde_json::from_slice(&bytes)
                    .map_err(|e| at("cannot read", &path, io::Error::other(e)))?;
                journal.check().map_err(|bad| {
                    at(
                        "refusing the journal",
                        &path,
                        io::Error::other(format!(
                            "`{bad}` is not a path inside the site; delete the folder {} if no build is running",
                            staging.display()
                        )),
                    )
                })?;
                Ok(Some(journal))
            }
        }
    }

    /// The first path that would reach outside the output folder or the
    /// staging folder: a journal is read back from disk and then deletes
    /// and renames, so it must not be able to name `../elsewhere`.
    fn check(&self) -> Result<(), &str> {
        let inside = |rel: &str| {
            !rel.is_empty()
                && Path::new(rel)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)))
        };
        let staged = |name: &str| name.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty();
        let paths = self.deletes.iter().chain(&self.folders).map(String::as_str);
        let renamed = self.renames.iter().flat_map(|(name, rel)| {
            [
                (!staged(name)).then_some(name.as_str()),
                (!inside(rel)).then_some(rel.as_str()),
            ]
        });
        match paths.filter(|p| !inside(p)).chain(renamed.flatten()).next() {
            Some(bad) => Err(bad),
            None => Ok(()),
        }
    }

    /// Carries the journal out on `target`. Deletions come first, so that
    /// a file may take the place of a folder the new site no longer has
    /// (and the reverse). Only the first `limit` renames are done: tests
    /// stop there to play a process killed mid-commit.
    pub fn apply(&self, target: &Path, staging: &Path, limit: usize) -> io::Result<()> {
        self.deletes.par_iter().try_for_each(|rel| {
            let path = target.join(rel);
            match fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(at("cannot delete", &path, e)),
                _ => Ok(()),
            }
        })?;
        for rel in &self.folders {
            // Fails only if something the journal does not know of is in
            // it; that folder stays, and the site is still complete.
            let _ = fs::remove_dir(target.join(rel));
        }
        let renames = &self.renames[..limit.min(self.renames.len())];
        renames
            .par_iter()
            .try_for_each(|(name, rel)| move_into_place(&staging.join(name), &target.join(rel)))?;
        if renames.len() < self.renames.len() {
            return Err(io::Error::other("stopped before the last rename (test)"));
        }
        Ok(())
    }
}

/// Renames a staged file to its place, making its folder if the site is
/// new there. A staged file that is gone was moved by an earlier attempt.
fn move_into_place(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(from).is_err() {
                return Ok(());
            }
            if let Some(dir) = to.parent() {
                fs::create_dir_all(dir).map_err(|e| at("cannot create", dir, e))?;
            }
            fs::rename(from, to).map_err(|e| at("cannot move a file to", to, e))
        }
        Err(e) => Err(at("cannot move a file to", to, e)),
    }
}

/// An I/O error that names its path, for the diagnostic it becomes.
pub(super) fn at(what: &str, path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
}

/// Makes a rename inside `dir` durable. Best effort: where folders cannot
/// be opened or synced, the rename still happened.
fn sync_folder(dir: &Path) {
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
}

/// The name of `target` and the folder beside it where staging folders go.
pub(super) fn name_and_parent(target: &Path) -> (String, &Path) {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    (name, parent)
}

/// Creates a locked staging folder beside `target`, removed when the
/// returned folder is dropped.
pub(super) fn staging_folder(target: &Path) -> io::Result<(tempfile::TempDir, Lock)> {
    let (name, parent) = name_and_parent(target);
    fs::create_dir_all(parent)?;
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}.remedy-tmp-"))
        .tempdir_in(parent)?;
    // Unlockable (a filesystem without flock): the folder works the same,
    // only a concurrent build could mistake it for a dead one's.
    let lock = Lock::take(tmp.path()).ok().flatten().unwrap_or(Lock(None));
    Ok((tmp, lock))
}

/// The `flock` on a staging folder, held as long as its build runs and
/// released by the system when the process dies.
pub(super) struct Lock(#[allow(dead_code)] Option<File>);

impl Lock {
    /// Locks `dir`; `None` when another process holds it.
    #[cfg(unix)]
    fn take(dir: &Path) -> io::Result<Option<Lock>> {
        use rustix::fs::{flock, FlockOperation};
        let f = File::open(dir)?;
        match flock(&f, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(Some(Lock(Some(f)))),
            Err(rustix::io::Errno::WOULDBLOCK) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    #[cfg(not(unix))]
    fn take(_dir: &Path) -> io::Result<Option<Lock>> {
        Ok(Some(Lock(None)))
    }
}

/// Finishes or clears what builds that died left beside `target`: a
/// commit with a journal is rolled forward, a staging folder without one
/// is removed, and so is the previous site a swap had moved aside. A
/// swap killed between its two renames (where the system cannot
/// exchange two folders at once) left no output: the previous one is put
/// back. Folders a running build holds are left alone.
pub fn recover(target: &Path) -> io::Result<()> {
    let (name, parent) = name_and_parent(target);
    let entries = match fs::read_dir(parent) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        r => r.map_err(|e| at("cannot read", parent, e))?,
    };
    let ours = |prefix: &str, file: &str| {
        file.strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('.'))
    };
    let (tmp, old) = (
        format!(".{name}.remedy-tmp-"),
        format!(".{name}.remedy-old-"),
    );
    let mut staging = Vec::new();
    let mut aside = Vec::new();
    for entry in entries.flatten() {
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let file = entry.file_name().to_string_lossy().into_owned();
        if ours(&tmp, &file) {
            staging.push(entry.path());
        } else if ours(&old, &file) {
            aside.push(entry.path());
        }
    }
    if fs::symlink_metadata(target).is_err() {
        if let Some(previous) = aside.iter().find(|p| p.join(MARKER).is_file()) {
            fs::rename(previous, target).map_err(|e| at("cannot restore", target, e))?;
        }
    }
    for dir in staging {
        let Some(_lock) = Lock::take(&dir).unwrap_or(Some(Lock(None))) else {
            continue;
        };
        if let Some(journal) = Journal::read(&dir)? {
            if journal.target == name {
                journal.apply(target, &dir, usize::MAX)?;
            }
        }
        remove_folder(&dir)?;
    }
    for dir in aside {
        if dir.exists() {
            // Nobody needs it; a running swap deletes it too.
            let _ = fs::remove_dir_all(dir);
        }
    }
    Ok(())
}

/// Removes a staging folder and everything in it.
pub(super) fn remove_folder(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(at("cannot delete", dir, e)),
        _ => Ok(()),
    }
}

/// The staging folders beside `target`, for tests.
#[cfg(test)]
pub(super) fn leftovers(target: &Path) -> Vec<std::path::PathBuf> {
    let (name, parent) = name_and_parent(target);
    fs::read_dir(parent)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(&format!(".{name}.")))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A journal is read back from disk before it deletes: one naming a
    /// path outside the site is refused and nothing is touched.
    #[test]
    fn a_journal_reaching_outside_the_site_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join(MARKER), "").unwrap();
        fs::write(dir.path().join("precious.txt"), "keep").unwrap();
        // An absolute path too, pointing at the same file (never at one
        // outside the test's folder, should the check ever break).
        let absolute = dir.path().join("precious.txt").display().to_string();
        for deletes in [vec!["../precious.txt".to_string()], vec![absolute]] {
            let staging = dir.path().join(".public.remedy-tmp-bad001");
            fs::create_dir_all(&staging).unwrap();
            let journal = Journal {
                target: "public".into(),
                deletes,
                ..Journal::default()
            };
            journal.write(&staging).unwrap();
            let e = recover(&target).unwrap_err().to_string();
            assert!(e.contains("refusing the journal"), "{e}");
            assert!(dir.path().join("precious.txt").is_file());
            fs::remove_dir_all(&staging).unwrap();
        }
        let journal = Journal {
            target: "public".into(),
            renames: vec![("../x".into(), "page.html".into())],
            ..Journal::default()
        };
        let staging = dir.path().join(".public.remedy-tmp-bad002");
        fs::create_dir_all(&staging).unwrap();
        journal.write(&staging).unwrap();
        assert!(recover(&target).is_err(), "a staged name is a number");
    }

    /// A journal written by hand, as a killed build leaves it: the next
    /// build's recovery deletes, removes the emptied folder and renames.
    #[test]
    fn a_journal_left_behind_is_rolled_forward() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir_all(target.join("gone")).unwrap();
        fs::write(target.join(MARKER), "").unwrap();
        fs::write(target.join("gone/index.html"), "old").unwrap();
        fs::write(target.join("page.html"), "old").unwrap();
        let staging = dir.path().join(".public.remedy-tmp-abc123");
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join("0"), "new").unwrap();
        fs::write(staging.join("1"), "added").unwrap();
        let journal = Journal {
            target: "public".into(),
            deletes: vec!["gone/index.html".into()],
            folders: vec!["gone".into()],
            renames: vec![
                ("0".into(), "page.html".into()),
                ("1".into(), "new/index.html".into()),
            ],
        };
        journal.write(&staging).unwrap();
        // The first rename was done before the process died.
        fs::rename(staging.join("0"), target.join("page.html")).unwrap();
        // A staging folder without a journal, from a build killed earlier.
        fs::create_dir(dir.path().join(".public.remedy-tmp-zzz999")).unwrap();
        fs::write(dir.path().join(".public.remedy-tmp-zzz999/0"), "x").unwrap();

        recover(&target).unwrap();
        assert_eq!(fs::read_to_string(target.join("page.html")).unwrap(), "new");
        assert_eq!(
            fs::read_to_string(target.join("new/index.html")).unwrap(),
            "added"
        );
        assert!(!target.join("gone").exists());
        assert!(target.join(MARKER).is_file());
        assert_eq!(leftovers(&target), Vec::<PathBuf>::new());
        // Nothing left to do: a second recovery changes nothing.
        recover(&target).unwrap();
        assert_eq!(fs::read_to_string(target.join("page.html")).unwrap(), "new");
    }

    #[test]
    fn a_journal_for_another_folder_is_not_applied() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("keep.html"), "mine").unwrap();
        let staging = dir.path().join(".public.remedy-tmp-abc123");
        fs::create_dir(&staging).unwrap();
        let journal = Journal {
            target: "public.remedy-tmp-x".into(),
            deletes: vec!["keep.html".into()],
            ..Journal::default()
        };
        journal.write(&staging).unwrap();
        recover(&target).unwrap();
        assert!(target.join("keep.html").is_file());
    }

    /// A swap killed between its two renames left the output path empty:
    /// the previous site comes back.
    #[test]
    fn a_site_moved_aside_comes_back_when_the_output_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let aside = dir.path().join(".public.remedy-old-abc123");
        fs::create_dir_all(&aside).unwrap();
        fs::write(aside.join(MARKER), "").unwrap();
        fs::write(aside.join("index.html"), "previous").unwrap();
        recover(&target).unwrap();
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "previous"
        );
        assert_eq!(leftovers(&target), Vec::<PathBuf>::new());
    }

    /// A running build's staging folder is locked and left alone.
    #[cfg(unix)]
    #[test]
    fn a_locked_staging_folder_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let (tmp, _lock) = staging_folder(&target).unwrap();
        recover(&target).unwrap();
        assert!(tmp.path().is_dir());
        drop(_lock);
        recover(&target).unwrap();
        assert!(!tmp.path().exists());
    }
}
