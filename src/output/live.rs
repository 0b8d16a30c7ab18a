//! Writing into a site that is being served, one file at a time.
//!
//! `remedy serve` rebuilds into the folder its server reads. A rebuild
//! writes only the files whose bytes changed and removes the files the
//! site no longer has, so a one-page edit costs one file, not a copy of
//! the site. Each file is written to a temporary name and renamed over the
//! old one, so a reader never gets half a page. The caller writes only
//! once the whole build has succeeded, so a failed build changes nothing.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::config::Precompress;

use super::{same_file_contents, siblings_of};

/// A served site folder that rebuilds write into in place.
#[derive(Debug, Clone)]
pub struct Live {
    root: PathBuf,
    precompress: Precompress,
}

impl Live {
    /// The site folder at `root`, which a full build has written before.
    pub fn new(root: &Path, precompress: Precompress) -> Live {
        Live {
            root: root.to_path_buf(),
            precompress,
        }
    }

    /// Writes `bytes` at `rel` (and its precompressed siblings) unless the
    /// file already holds them. Returns whether anything was written.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        let path = self.root.join(rel);
        if same_file_contents(&path, bytes) {
            return Ok(false);
        }
        replace(&path, bytes)?;
        let siblings = siblings_of(rel, bytes, self.precompress);
        for (name, packed) in &siblings {
            replace(&self.root.join(name), packed)?;
        }
        // A file that shrank below the size worth compressing gets no
        // sibling now; the old one would be served in its place.
        for name in [format!("{rel}.gz"), format!("{rel}.br")] {
            if !siblings.iter().any(|(s, _)| *s == name) {
                match fs::remove_file(self.root.join(&name)) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
            }
        }
        Ok(true)
    }

    /// Removes the file at `rel`, its siblings and the folders it leaves empty.
    pub fn remove(&self, rel: &str) -> io::Result<()> {
        for name in [rel.to_string(), format!("{rel}.gz"), format!("{rel}.br")] {
            match fs::remove_file(self.root.join(&name)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        let mut dir = self.root.join(rel);
        while dir.pop() && dir != self.root && dir.starts_with(&self.root) {
            // Fails (and stops) at the first folder that still has files.
            if fs::remove_dir(&dir).is_err() {
                break;
            }
        }
        Ok(())
    }
}

/// Writes `path` through a temporary file in the same folder and a rename.
fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".remedy-")
        .tempfile_in(dir)?;
    io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_changes_only_and_removes_with_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        let live = Live::new(dir.path(), Precompress::default());
        assert!(live.write("a/b/index.html", b"one").unwrap());
        assert!(!live.write("a/b/index.html", b"one").unwrap(), "unchanged");
        assert!(live.write("a/b/index.html", b"two").unwrap());
        assert_eq!(fs::read(dir.path().join("a/b/index.html")).unwrap(), b"two");
        live.write("a/keep.txt", b"x").unwrap();
        live.remove("a/b/index.html").unwrap();
        assert!(!dir.path().join("a/b").exists(), "empty folder removed");
        assert!(dir.path().join("a/keep.txt").is_file(), "others stay");
        live.remove("a/missing.txt").unwrap();
        let names: Vec<_> = fs::read_dir(dir.path().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["keep.txt"], "no temporary files left");
    }

    #[test]
    fn siblings_follow_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let all = Precompress {
            gzip: true,
            brotli: true,
        };
        let live = Live::new(dir.path(), all);
        let page = "<p>retry after</p>".repeat(100);
        live.write("index.html", page.as_bytes()).unwrap();
        assert!(dir.path().join("index.html.gz").is_file());
        assert!(dir.path().join("index.html.br").is_file());
        // Shrunk below the size worth compressing: the stale siblings go
        // (the incremental test found a sitemap.xml.gz left behind).
        live.write("index.html", b"<p>short</p>").unwrap();
        assert!(!dir.path().join("index.html.gz").exists());
        assert!(!dir.path().join("index.html.br").exists());
        live.write("index.html", page.as_bytes()).unwrap();
        live.remove("index.html").unwrap();
        assert!(!dir.path().join("index.html.gz").exists());
        assert!(!dir.path().join("index.html.br").exists());
    }
}
