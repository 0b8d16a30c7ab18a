//! The first build into a folder: written whole beside it, then swapped in.
//!
//! With no previous output there is nothing to compare with, so every
//! file is written into a fresh folder next to the output and the finished
//! folder takes its place. Where the system can exchange two folders in
//! one step (Linux's `renameat2` with `RENAME_EXCHANGE`) the output path
//! never goes missing; elsewhere it is two renames, and a process killed
//! between them leaves the previous folder aside, which
//! [`recover`](super::recover) puts back.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::config::Precompress;

use super::journal::{self, Lock};
use super::{siblings_of, MARKER};

/// A temporary folder that becomes the output folder on [`Staging::commit`].
pub struct Staging {
    tmp: tempfile::TempDir,
    lock: Lock,
    target: PathBuf,
    precompress: Precompress,
    /// Precompressed siblings written so far.
    siblings: AtomicUsize,
}

impl Staging {
    /// Creates the temporary folder beside `target`.
    pub fn new(target: &Path, precompress: Precompress) -> io::Result<Staging> {
        let (tmp, lock) = journal::staging_folder(target)?;
        Ok(Staging {
            tmp,
            lock,
            target: target.to_path_buf(),
            precompress,
            siblings: AtomicUsize::new(0),
        })
    }

    /// Where to write the new site.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes `bytes` at `rel` inside the staging folder, creating folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_one(rel, bytes)?;
        for (name, packed) in siblings_of(rel, bytes, self.precompress) {
            self.write_one(&name, &packed)?;
            self.siblings.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }

    /// How many `.gz` and `.br` siblings were written.
    pub fn siblings(&self) -> usize {
        self.siblings.load(Ordering::Relaxed)
    }

    fn write_one(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.tmp.path().join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(path, bytes)
    }

    /// Swaps the finished site in place of the previous one.
    pub fn commit(self) -> io::Result<()> {
        fs::write(
            self.tmp.path().join(MARKER),
            b"This folder is written by remedy and replaced on every build.\n",
        )?;
        let new = self.tmp.keep();
        let result = swap_in(&new, &self.target);
        if result.is_err() {
            let _ = fs::remove_dir_all(&new);
        }
        drop(self.lock);
        result
    }
}

/// Puts the folder `new` at `target`, and deletes what was there.
fn swap_in(new: &Path, target: &Path) -> io::Result<()> {
    if fs::symlink_metadata(target).is_err() {
        return fs::rename(new, target);
    }
    if exchange(new, target)? {
        // The new site is in place: failing to delete the old copy
        // (e.g. a file held open) must not turn the build into a failure.
        let _ = fs::remove_dir_all(new);
        return Ok(());
    }
    let (name, parent) = journal::name_and_parent(target);
    let old = tempfile::Builder::new()
        .prefix(&format!(".{name}.remedy-old-"))
        .tempdir_in(parent)?
        .keep();
    // `rename` onto an existing empty folder works on Unix; remove it first for others.
    fs::remove_dir(&old)?;
    fs::rename(target, &old)?;
    if let Err(e) = fs::rename(new, target) {
        let _ = fs::rename(&old, target);
        return Err(e);
    }
    let _ = fs::remove_dir_all(old);
    Ok(())
}

/// Exchanges two folders in one step; `Ok(false)` where the system or
/// the filesystem cannot, for the caller to fall back on two renames.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// A first build of `files` into `target`, for the tests here and in
/// `update.rs`.
#[cfg(test)]
pub(super) fn first_build(target: &Path, files: &[(&str, &str)]) {
    let staging = Staging::new(target, Precompress::default()).unwrap();
    for (rel, text) in files {
        staging.write(rel, text.as_bytes()).unwrap();
    }
    staging.commit().unwrap();
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::first_build as build;

    /// A first build into a missing folder and into an empty one; no
    /// temporary folder is left either way.
    #[test]
    fn the_finished_folder_takes_the_place_of_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        build(&target, &[("a/index.html", "one")]);
        assert_eq!(
            fs::read_to_string(target.join("a/index.html")).unwrap(),
            "one"
        );
        assert!(target.join(MARKER).is_file());
        fs::remove_dir_all(&target).unwrap();
        fs::create_dir(&target).unwrap();
        build(&target, &[("b.txt", "two")]);
        assert_eq!(fs::read_to_string(target.join("b.txt")).unwrap(), "two");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }

    /// Where the system has it, the swap is one exchange: the old folder
    /// ends up at the new one's path, and the output path never goes
    /// missing.
    #[cfg(target_os = "linux")]
    #[test]
    fn folders_are_exchanged_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("f"), "from a").unwrap();
        assert!(exchange(&a, &b).unwrap());
        assert_eq!(fs::read_to_string(b.join("f")).unwrap(), "from a");
        assert!(a.is_dir() && !a.join("f").exists());
    }
}
