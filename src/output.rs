//! Writing the site so that a failed build never leaves a broken one.
//!
//! A build hands its files to a [`Sink`]: for `remedy build` a [`Writer`],
//! which is a [`Staging`] folder swapped in at the end for a first build
//! and an [`Update`] of the previous output in place for a rebuild; the
//! served folder itself ([`Live`], for a rebuild by `remedy serve`); or
//! [`Nowhere`] (`remedy check`). The build's loops and their errors are
//! written once, against the trait.
//!
//! Either way nothing in the output folder changes until the whole build
//! has succeeded: a failed build drops what it staged and leaves the
//! previous site as it was. An update's commit is journaled, and the next
//! build (or `remedy serve`) finishes one a killed process left ([`recover`]).
//! A marker file tells remedy's own output apart from a folder someone else
//! owns: remedy refuses to replace a non-empty folder without it, so a typo
//! in `--output` cannot wipe a user's files.

use std::fs;
use std::io::{self, Write as _};
use std::path::Path;

use crate::config::Precompress;
use crate::diagnostics::Diagnostic;

mod journal;
mod live;
mod swap;
mod update;

pub use journal::recover;
pub use live::Live;
pub use swap::Staging;
pub use update::Update;

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

impl Sink for Update {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        self.write(rel, bytes)
    }
}

/// The sink of `remedy build`: the whole site written beside the output
/// and swapped in when there is no previous output to compare with, or
/// an update in place of the previous one (see [`Update`] for why).
pub enum Writer {
    /// A first build, or one into an empty folder.
    Swap(Staging),
    /// A rebuild over remedy's previous output.
    Update(Update),
}

impl Writer {
    /// Chooses how to write into `target`, which [`check_target`] accepted.
    pub fn new(target: &Path, precompress: Precompress) -> io::Result<Writer> {
        Ok(if target.join(MARKER).is_file() {
            Writer::Update(Update::new(target, precompress)?)
        } else {
            Writer::Swap(Staging::new(target, precompress)?)
        })
    }

    /// How many `.gz` and `.br` siblings the new site has.
    pub fn siblings(&self) -> usize {
        match self {
            Writer::Swap(s) => s.siblings(),
            Writer::Update(u) => u.siblings(),
        }
    }

    /// Puts the new site in place of the previous one; call only once
    /// the whole build has succeeded.
    pub fn commit(self) -> io::Result<()> {
        match self {
            Writer::Swap(s) => s.commit(),
            Writer::Update(u) => u.commit(),
        }
    }
}

impl Sink for Writer {
    fn put(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        match self {
            Writer::Swap(s) => s.put(rel, bytes),
            Writer::Update(u) => u.put(rel, bytes),
        }
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

/// Checks, before any work, that `target` may be replaced, after
/// finishing what a build killed mid-commit left there (so that the
/// previous output this build compares with is whole).
pub fn check_target(target: &Path, shown: &Path) -> Result<(), Diagnostic> {
    if let Err(e) = recover(target) {
        return Err(Diagnostic::error(format!(
            "cannot finish the interrupted build of {}: {e}",
            shown.display()
        )));
    }
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

/// The precompressed siblings `bytes` written at `rel` gets, by name.
fn siblings_of(rel: &str, bytes: &[u8], precompress: Precompress) -> Vec<(String, Vec<u8>)> {
    wanted_siblings(rel, bytes, precompress)
        .into_iter()
        .map(|(name, pack)| (name, pack(bytes)))
        .collect()
}

/// A compressor for precompressed siblings.
type Pack = fn(&[u8]) -> Vec<u8>;

/// The siblings `bytes` at `rel` gets, by name, each with its compressor:
/// an update knows which siblings the site has without compressing.
fn wanted_siblings(rel: &str, bytes: &[u8], precompress: Precompress) -> Vec<(String, Pack)> {
    let mut out: Vec<(String, Pack)> = Vec::new();
    if worth_precompressing(rel, bytes) {
        if precompress.gzip {
            out.push((format!("{rel}.gz"), gzip));
        }
        if precompress.brotli {
            out.push((format!("{rel}.br"), brotli));
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
///
/// A rebuild compares every file of the site, 400 MB at 10,000 pages: the
/// old bytes are read into one buffer per thread, a chunk at a time,
/// rather than into a new allocation per file.
fn same_file_contents(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read as _;
    thread_local! {
        static CHUNK: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 64 * 1024]);
    }
    let same_size =
        fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    let Some(mut file) = same_size.then(|| fs::File::open(path).ok()).flatten() else {
        return false;
    };
    CHUNK.with_borrow_mut(|chunk| {
        let mut rest = bytes;
        loop {
            let n = match file.read(chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return false,
            };
            if n == 0 {
                return rest.is_empty();
            }
            match rest.split_at_checked(n) {
                Some((head, tail)) if head == &chunk[..n] => rest = tail,
                _ => return false,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Longer than one chunk, differing only in the last byte.
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(&f, &big).unwrap();
        assert!(same_file_contents(&f, &big));
        let mut other = big.clone();
        *other.last_mut().unwrap() ^= 1;
        assert!(!same_file_contents(&f, &other));
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
