//! Writing the site so that a failed build never leaves a broken one.
//!
//! Everything is written into a fresh temporary folder next to the output
//! folder, and only a complete build is swapped in (two renames). A failed
//! build drops the temporary folder and leaves the previous site as it was.
//! A marker file tells remedy's own output apart from a folder someone else
//! owns: remedy refuses to replace a non-empty folder without it, so a typo
//! in `--output` cannot wipe a user's files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// File that marks a folder as remedy's output.
pub const MARKER: &str = ".remedy-output";

/// Checks, before any work, that `target` may be replaced.
pub fn check_target(target: &Path, shown: &Path) -> Result<(), Diagnostic> {
    match fs::metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Diagnostic::error(format!(
            "cannot use the output folder {}: {e}",
            shown.display()
        ))),
        Ok(m) if !m.is_dir() => Err(Diagnostic::error(format!(
            "the output path {} is a file, not a folder",
            shown.display()
        ))
        .with_help("choose another --output or build-dir")),
        Ok(_) => {
            if target.join(MARKER).is_file() {
                return Ok(());
            }
            let empty = fs::read_dir(target)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if empty {
                Ok(())
            } else {
                Err(Diagnostic::error(format!(
                    "refusing to replace {}: the folder is not empty and was not written by remedy",
                    shown.display()
                ))
                .with_help(format!(
                    "build into another folder with --output, or move {} away if you no longer need it",
                    shown.display()
                )))
            }
        }
    }
}

/// A temporary folder that becomes the output folder on [`Staging::commit`].
pub struct Staging {
    tmp: tempfile::TempDir,
    target: PathBuf,
}

impl Staging {
    /// Creates the temporary folder beside `target`.
    pub fn new(target: &Path) -> io::Result<Staging> {
        let parent = target.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.remedy-tmp-"))
            .tempdir_in(parent)?;
        Ok(Staging {
            tmp,
            target: target.to_path_buf(),
        })
    }

    /// Where to write the new site.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes `bytes` at `rel` inside the staging folder, creating folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
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
        let parent = self.target.parent().unwrap_or(Path::new("."));
        let new = self.tmp.keep();
        let old = if self.target.exists() {
            let name = self
                .target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let old = tempfile::Builder::new()
                .prefix(&format!(".{name}.remedy-old-"))
                .tempdir_in(parent)?
                .keep();
            // `rename` onto an existing empty folder works on Unix; remove it first for others.
            fs::remove_dir(&old)?;
            fs::rename(&self.target, &old)?;
            Some(old)
        } else {
            None
        };
        if let Err(e) = fs::rename(&new, &self.target) {
            if let Some(old) = &old {
                let _ = fs::rename(old, &self.target);
            }
            let _ = fs::remove_dir_all(&new);
            return Err(e);
        }
        if let Some(old) = old {
            // The new site is in place: failing to delete the old copy
            // (e.g. a file held open) must not turn the build into a failure.
            let _ = fs::remove_dir_all(old);
        }
        Ok(())
    }
}
