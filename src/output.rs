//! Writing the site so that a failed build never leaves a broken one.
//!
//! A build hands its files to a [`Sink`]: a [`Staging`] folder swapped in
//! at the end (`remedy build`), the served folder itself ([`Live`], for a
//! rebuild by `remedy serve`), or [`Nowhere`] (`remedy check`). The build's
//! loops and their errors are written once, against the trait.
//!
//! For a full build everything is written into a fresh temporary folder next to the output
//! folder, and only a complete build is swapped in (two renames). A failed
//! build drops the temporary folder and leaves the previous site as it was.
//! A marker file tells remedy's own output apart from a folder someone else
//! owns: remedy refuses to replace a non-empty folder without it, so a typo
//! in `--output` cannot wipe a user's files.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::config::Precompress;
use crate::diagnostics::Diagnostic;

mod live;

pub use live::Live;

/// Where a build's files go.
pub trait Sink: Sync {
    /// Writes `bytes` at `rel` (a `/`-separated path in the site) with its
    /// precompressed siblings. Returns whether the file on disk changed.
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<bool>;

    /// Copies the file `from` to `rel`, as [`Sink::put`] does.
    fn copy(&self, rel: &str, from: &Path) -> io::Result<bool> {
        self.put(rel, &fs::read(from)?)
    }

    /// False when a reader may see each file as soon as it is put (the
    /// served folder): then every page is rendered before the first is
    /// put, so that a template error changes nothing.
    fn is_atomic(&self) -> bool {
        true
    }
}

/// The sink of `remedy check`: every file is made, none is kept (and
/// assets are not even read).
pub struct Nowhere;

impl Sink for Nowhere {
    fn put(&self, _rel: &str, _bytes: &[u8]) -> io::Result<bool> {
        Ok(false)
    }

    fn copy(&self, _rel: &str, _from: &Path) -> io::Result<bool> {
        Ok(false)
    }
}

impl Sink for Staging {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        self.write(rel, bytes).map(|()| true)
    }
}

impl Sink for Live {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        self.write(rel, bytes)
    }

    fn is_atomic(&self) -> bool {
        false
    }
}

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
    /// The site being replaced, when it is remedy's: files that come out
    /// byte for byte the same are hard-linked from it instead of written.
    previous: Option<PathBuf>,
    precompress: Precompress,
    /// Precompressed siblings written so far.
    siblings: AtomicUsize,
}

impl Staging {
    /// Creates the temporary folder beside `target`.
    pub fn new(target: &Path, precompress: Precompress) -> io::Result<Staging> {
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
            previous: target.join(MARKER).is_file().then(|| target.to_path_buf()),
            precompress,
            siblings: AtomicUsize::new(0),
        })
    }

    /// Where to write the new site.
    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes `bytes` at `rel` inside the staging folder, creating folders.
    ///
    /// A file the previous build wrote with the same bytes is linked
    /// instead: a rebuild then allocates no inode and writes no data for
    /// what did not change, and unchanged files keep their modification
    /// time, which rsync-style deploys and caches go by.
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
        if let Some(previous) = &self.previous {
            let old = previous.join(rel);
            if same_file_contents(&old, bytes) && fs::hard_link(&old, &path).is_ok() {
                return Ok(());
            }
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

/// The precompressed siblings `bytes` written at `rel` gets, by name.
fn siblings_of(rel: &str, bytes: &[u8], precompress: Precompress) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if worth_precompressing(rel, bytes) {
        if precompress.gzip {
            out.push((format!("{rel}.gz"), gzip(bytes)));
        }
        if precompress.brotli {
            out.push((format!("{rel}.br"), brotli(bytes)));
        }
    }
    out
}

/// Text a server would compress; below 1 KiB compression saves less than
/// a packet.
fn worth_precompressing(rel: &str, bytes: &[u8]) -> bool {
    const TEXT: [&str; 9] = [
        "html", "htm", "css", "js", "mjs", "json", "svg", "xml", "txt",
    ];
    let ext = rel.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
    bytes.len() >= 1024 && TEXT.contains(&ext)
}

/// Gzip at the highest level: done once at build time, sent many times.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail.
    let _ = gz.write_all(bytes);
    gz.finish().unwrap_or_default()
}

/// Brotli at quality 9: most of quality 11's gain at a tenth of its time,
/// which matters for ten thousand pages.
fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
        let _ = w.write_all(bytes);
    }
    out
}

/// Whether `path` is a regular file holding exactly `bytes` (the size is
/// compared first, so most changed files are never read).
fn same_file_contents(path: &Path, bytes: &[u8]) -> bool {
    let same_size =
        fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    same_size && fs::read(path).is_ok_and(|old| old == bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(target: &Path, files: &[(&str, &str)]) {
        let staging = Staging::new(target, Precompress::default()).unwrap();
        for (rel, text) in files {
            staging.write(rel, text.as_bytes()).unwrap();
        }
        staging.commit().unwrap();
    }

    /// A rebuild links what did not change and writes what did, and the
    /// new site reads exactly as written either way.
    #[test]
    fn unchanged_files_are_linked_from_the_previous_site() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        build(
            &target,
            &[("a/index.html", "same"), ("b.txt", "old"), ("c.txt", "x")],
        );
        let before = |rel: &str| fs::metadata(target.join(rel)).unwrap();
        let (a, b) = (before("a/index.html"), before("b.txt"));
        build(
            &target,
            &[("a/index.html", "same"), ("b.txt", "new"), ("c.txt", "y")],
        );
        assert_eq!(
            fs::read_to_string(target.join("a/index.html")).unwrap(),
            "same"
        );
        assert_eq!(fs::read_to_string(target.join("b.txt")).unwrap(), "new");
        assert_eq!(fs::read_to_string(target.join("c.txt")).unwrap(), "y");
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            assert_eq!(before("a/index.html").ino(), a.ino(), "unchanged: linked");
            assert_ne!(before("b.txt").ino(), b.ino(), "changed: written anew");
            // The old copy is gone, so the link count is back to one.
            assert_eq!(before("a/index.html").nlink(), 1);
        }
        // Only the site and its parent's entries remain: no old copies.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn same_contents_compares_bytes_not_only_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        fs::write(&f, "abc").unwrap();
        assert!(same_file_contents(&f, b"abc"));
        assert!(!same_file_contents(&f, b"abd"));
        assert!(!same_file_contents(&f, b"abcd"));
        assert!(!same_file_contents(&dir.path().join("missing"), b""));
        assert!(!same_file_contents(dir.path(), b""));
    }

    #[test]
    fn precompressed_siblings_decode_to_the_file() {
        use std::io::Read as _;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let all = Precompress {
            gzip: true,
            brotli: true,
        };
        let staging = Staging::new(&target, all).unwrap();
        let page = "<p>retry after</p>".repeat(100);
        staging.write("a/index.html", page.as_bytes()).unwrap();
        staging.write("small.css", b"p{}").unwrap();
        staging.write("img.png", &vec![0u8; 4096]).unwrap();
        assert_eq!(staging.siblings(), 2);
        staging.commit().unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&fs::read(target.join("a/index.html.gz")).unwrap()[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, page);
        let mut text = String::new();
        brotli::Decompressor::new(&fs::read(target.join("a/index.html.br")).unwrap()[..], 4096)
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, page);
        assert!(!target.join("small.css.gz").exists());
        assert!(!target.join("img.png.gz").exists());
    }
}
