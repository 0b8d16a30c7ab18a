//! Rebuilding over a previous output in place, without a second copy.
//!
//! Writing every file of a 50,000-page site into a fresh folder, swapping
//! it in and deleting the old one made each rebuild create and delete
//! some 165,000 files and folders, however little had changed. An update
//! instead compares each file with the one already at its place and
//! stages only those that differ, in a hidden folder beside the output
//! (same filesystem, so moving them in is a rename). The output folder is
//! not touched until [`Update::commit`], which the build calls only once
//! everything succeeded; dropping the update instead deletes what it
//! staged. The commit goes through a [`Journal`], so a process killed
//! halfway leaves work that the next build finishes.
//!
//! During the commit a reader of the folder may see some files new and
//! some old for as long as the renames take; each file is replaced whole.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread::JoinHandle;

use crate::config::Precompress;

use super::journal::{self, at, Journal, Lock};
use super::{same_file_contents, wanted_siblings, MARKER};

/// A rebuild over a previous output, committed in place at the end.
pub struct Update {
    target: PathBuf,
    staging: tempfile::TempDir,
    lock: Lock,
    precompress: Precompress,
    /// Every file of the new site, siblings included: what is not here
    /// goes at the commit.
    wanted: Mutex<Vec<String>>,
    /// Staged file name and its place in the site.
    staged: Mutex<Vec<(String, String)>>,
    next: AtomicUsize,
    siblings: AtomicUsize,
    /// The previous site's files, listed on a thread of their own while
    /// the build renders.
    listing: Option<JoinHandle<io::Result<Listing>>>,
}

impl Update {
    /// Starts an update of `target`, which holds a previous output.
    pub fn new(target: &Path, precompress: Precompress) -> io::Result<Update> {
        let (staging, lock) = journal::staging_folder(target)?;
        let root = target.to_path_buf();
        // Without a thread the listing is made at the commit instead.
        let listing = std::thread::Builder::new()
            .name("remedy-listing".into())
            .spawn(move || Listing::of(&root))
            .ok();
        Ok(Update {
            target: target.to_path_buf(),
            staging,
            lock,
            precompress,
            wanted: Mutex::default(),
            staged: Mutex::default(),
            next: AtomicUsize::new(0),
            siblings: AtomicUsize::new(0),
            listing,
        })
    }

    /// Puts `bytes` at `rel` unless the file there holds them already;
    /// returns whether anything will change. A sibling is compressed
    /// again only with its file: an unchanged file's siblings were made
    /// from the same bytes, and compressing is most of a page's cost.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<bool> {
        let siblings = wanted_siblings(rel, bytes, self.precompress);
        let path = self.target.join(rel);
        let same = same_file_contents(&path, bytes);
        if !same {
            self.stage(rel, bytes)?;
        }
        let mut changed = !same;
        // Every writer puts a file before its siblings, so a sibling older
        // than its file was left by a write that failed halfway.
        let written = |p: &Path| fs::symlink_metadata(p).and_then(|m| m.modified()).ok();
        let file_time = if same { written(&path) } else { None };
        for (name, pack) in &siblings {
            let there = || {
                let sibling = self.target.join(name);
                fs::symlink_metadata(&sibling).is_ok_and(|m| m.is_file())
                    && written(&sibling) >= file_time
            };
            if !same || !there() {
                self.stage(name, &pack(bytes))?;
                changed = true;
            }
        }
        self.siblings.fetch_add(siblings.len(), Ordering::Relaxed);
        let mut wanted = lock(&self.wanted);
        wanted.push(rel.to_string());
        wanted.extend(siblings.into_iter().map(|(name, _)| name));
        Ok(changed)
    }

    /// How many `.gz` and `.br` siblings the site has (staged or kept).
    pub fn siblings(&self) -> usize {
        self.siblings.load(Ordering::Relaxed)
    }

    fn stage(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let name = self.next.fetch_add(1, Ordering::Relaxed).to_string();
        let path = self.staging.path().join(&name);
        fs::write(&path, bytes).map_err(|e| at("cannot write", &path, e))?;
        lock(&self.staged).push((name, rel.to_string()));
        Ok(())
    }

    /// Moves the staged files into place and deletes what the new site no
    /// longer has. Once this starts, the commit will be finished: by this
    /// process or, if it dies, by the next build.
    pub fn commit(self) -> io::Result<()> {
        self.commit_until(usize::MAX)
    }

    /// [`Update::commit`], stopping after `limit` renames as a killed
    /// process would (for tests; the staging folder is kept then).
    fn commit_until(self, limit: usize) -> io::Result<()> {
        let listing = match self.listing {
            Some(thread) => thread
                .join()
                .map_err(|_| io::Error::other("listing the previous site failed"))??,
            None => Listing::of(&self.target)?,
        };
        let wanted = self.wanted.into_inner().unwrap_or_else(|e| e.into_inner());
        let renames = self.staged.into_inner().unwrap_or_else(|e| e.into_inner());
        let (name, _) = journal::name_and_parent(&self.target);
        let (journal, foreign) = listing.plan(&self.target, name, &wanted, renames);
        if !journal.is_empty() {
            journal.write(self.staging.path())?;
            let staging = self.staging.keep();
            journal.apply(&self.target, &staging, limit)?;
            journal::remove_folder(&staging)?;
        }
        for path in foreign {
            let path = self.target.join(path);
            let removed = match fs::symlink_metadata(&path) {
                // Inside a foreign folder deleted already.
                Err(_) => Ok(()),
                Ok(m) if m.is_dir() => fs::remove_dir_all(&path),
                Ok(_) => fs::remove_file(&path),
            };
            removed.map_err(|e| at("cannot delete", &path, e))?;
        }
        drop(self.lock);
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the output folder held before the build.
struct Listing {
    /// Files (and links), by `/`-separated path; the marker is left out.
    files: Vec<String>,
    folders: Vec<String>,
    /// Names that are not UTF-8 (remedy writes none): deleted after the
    /// journal, which cannot hold them; if the process dies first, the
    /// next build finds them again.
    foreign: Vec<PathBuf>,
}

impl Listing {
    fn of(root: &Path) -> io::Result<Listing> {
        let mut listing = Listing {
            files: Vec::new(),
            folders: Vec::new(),
            foreign: Vec::new(),
        };
        for entry in walkdir::WalkDir::new(root).min_depth(1) {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(root).to_path_buf();
                at("cannot read", &path, e.into())
            })?;
            let Ok(rel) = entry.path().strip_prefix(root) else {
                continue;
            };
            let Some(text) = rel.to_str() else {
                listing.foreign.push(rel.to_path_buf());
                continue;
            };
            let text = text.replace(std::path::MAIN_SEPARATOR, "/");
            if entry.file_type().is_dir() {
                listing.folders.push(text);
            } else if text != MARKER {
                listing.files.push(text);
            }
        }
        Ok(listing)
    }

    /// The journal that turns this listing into the site of `wanted`:
    /// files and folders it no longer has go, staged files come in.
    /// Also returns the foreign names, which no site has.
    fn plan(
        self,
        root: &Path,
        target: String,
        wanted: &[String],
        renames: Vec<(String, String)>,
    ) -> (Journal, Vec<PathBuf>) {
        let files: HashSet<&str> = wanted.iter().map(String::as_str).collect();
        let mut folders: HashSet<&str> = HashSet::new();
        for rel in wanted {
            let mut rest = rel.as_str();
            while let Some((dir, _)) = rest.rsplit_once('/') {
                if !folders.insert(dir) {
                    break;
                }
                rest = dir;
            }
        }
        let mut deletes: Vec<String> = self
            .files
            .into_iter()
            .filter(|f| !files.contains(f.as_str()))
            .collect();
        let mut gone: Vec<String> = self
            .folders
            .into_iter()
            .filter(|d| !folders.contains(d.as_str()))
            .collect();
        // On a case-insensitive disk `Guides/index.html` on disk is the
        // wanted `guides/index.html`, which the write found equal and left
        // alone: deleting the old spelling would delete the page.
        if !deletes.is_empty() || !gone.is_empty() {
            let by_case: HashMap<String, &str> = files
                .iter()
                .chain(&folders)
                .map(|w| (w.to_lowercase(), *w))
                .collect();
            let differs = |old: &String| {
                !by_case.get(&old.to_lowercase()).is_some_and(|w| {
                    *w != old
                        && same_file::is_same_file(root.join(old), root.join(w)).unwrap_or(false)
                })
            };
            deletes.retain(differs);
            gone.retain(differs);
        }
        gone.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
        let journal = Journal {
            target,
            deletes,
            folders: gone,
            renames,
        };
        (journal, self.foreign)
    }
}

#[cfg(test)]
mod tests {
    use super::super::swap::first_build;
    use super::*;

    fn update(target: &Path, files: &[(&str, &str)]) -> Update {
        let update = Update::new(target, Precompress::default()).unwrap();
        for (rel, text) in files {
            update.write(rel, text.as_bytes()).unwrap();
        }
        update
    }

    fn read(target: &Path, rel: &str) -> String {
        fs::read_to_string(target.join(rel)).unwrap()
    }

    /// On a case-insensitive disk (macOS) `Guide.html` on disk *is* the
    /// wanted `guide.html`; a hard link plays that part here. A spelling
    /// that is another file is still deleted.
    #[cfg(unix)]
    #[test]
    fn another_spelling_of_a_wanted_file_is_not_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        first_build(&target, &[("guide.html", "page"), ("Other.html", "old")]);
        fs::hard_link(target.join("guide.html"), target.join("Guide.html")).unwrap();
        let u = update(&target, &[("guide.html", "page"), ("other.html", "new")]);
        u.commit().unwrap();
        assert_eq!(read(&target, "guide.html"), "page");
        assert!(target.join("Guide.html").exists(), "the same file: kept");
        assert!(!target.join("Other.html").exists(), "another file: deleted");
        assert_eq!(read(&target, "other.html"), "new");
    }

    /// Unchanged files stay as they are (same inode); changed ones are
    /// replaced, new ones added, and files and folders no longer in the
    /// site deleted. The marker stays.
    #[test]
    fn an_update_changes_only_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        first_build(
            &target,
            &[
                ("a/index.html", "same"),
                ("b.txt", "old"),
                ("gone/deep/index.html", "x"),
                ("file-then-folder", "x"),
            ],
        );
        #[cfg(unix)]
        let ino = |rel: &str| {
            std::os::unix::fs::MetadataExt::ino(&fs::metadata(target.join(rel)).unwrap())
        };
        #[cfg(unix)]
        let (a, b) = (ino("a/index.html"), ino("b.txt"));
        let u = update(
            &target,
            &[
                ("a/index.html", "same"),
                ("b.txt", "new"),
                ("c/index.html", "added"),
                ("file-then-folder/index.html", "y"),
            ],
        );
        assert!(!u.write("a/index.html", b"same").unwrap(), "unchanged");
        assert!(u.write("b.txt", b"new").unwrap(), "changed");
        // Nothing reaches the output before the commit.
        assert_eq!(read(&target, "b.txt"), "old");
        assert!(!target.join("c").exists());
        u.commit().unwrap();
        assert_eq!(read(&target, "a/index.html"), "same");
        assert_eq!(read(&target, "b.txt"), "new");
        assert_eq!(read(&target, "c/index.html"), "added");
        assert_eq!(read(&target, "file-then-folder/index.html"), "y");
        assert!(!target.join("gone").exists(), "emptied folders go");
        assert!(target.join(MARKER).is_file());
        #[cfg(unix)]
        {
            assert_eq!(ino("a/index.html"), a, "unchanged: left alone");
            assert_ne!(ino("b.txt"), b, "changed: replaced");
        }
        assert_eq!(journal::leftovers(&target), Vec::<PathBuf>::new());
    }

    /// A dropped update (a failed build) leaves the output as it was and
    /// deletes its staging folder.
    #[test]
    fn a_dropped_update_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        first_build(&target, &[("a.txt", "old")]);
        let u = update(&target, &[("a.txt", "new"), ("b.txt", "b")]);
        drop(u);
        assert_eq!(read(&target, "a.txt"), "old");
        assert!(!target.join("b.txt").exists());
        assert_eq!(journal::leftovers(&target), Vec::<PathBuf>::new());
    }

    /// A process killed after some renames: the output is part new, part
    /// old; the next build's recovery finishes the commit.
    #[test]
    fn a_commit_cut_short_is_finished_by_recovery() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        first_build(&target, &[("a.txt", "1"), ("b.txt", "1"), ("c.txt", "1")]);
        let u = update(&target, &[("a.txt", "2"), ("b.txt", "2"), ("d/e.txt", "2")]);
        assert!(u.commit_until(1).is_err());
        assert_eq!(read(&target, "a.txt"), "2", "the first rename");
        assert_eq!(read(&target, "b.txt"), "1", "not yet");
        assert!(!target.join("c.txt").exists(), "deletes come first");
        assert_eq!(journal::leftovers(&target).len(), 1, "staging kept");
        journal::recover(&target).unwrap();
        assert_eq!(read(&target, "a.txt"), "2");
        assert_eq!(read(&target, "b.txt"), "2");
        assert_eq!(read(&target, "d/e.txt"), "2");
        assert!(!target.join("c.txt").exists());
        assert_eq!(journal::leftovers(&target), Vec::<PathBuf>::new());
    }

    /// Siblings follow their file: made when precompression is turned on
    /// (even for an unchanged file), deleted when it is turned off or the
    /// file shrinks below the size worth compressing.
    #[test]
    fn siblings_follow_the_setting_and_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let page = "<p>retry after</p>".repeat(100);
        first_build(&target, &[("index.html", &page)]);
        let gz = Precompress {
            gzip: true,
            brotli: false,
        };
        let u = Update::new(&target, gz).unwrap();
        assert!(
            u.write("index.html", page.as_bytes()).unwrap(),
            "new sibling"
        );
        assert_eq!(u.siblings(), 1);
        u.commit().unwrap();
        assert!(target.join("index.html.gz").is_file());

        let u = Update::new(&target, gz).unwrap();
        assert!(!u.write("index.html", page.as_bytes()).unwrap());
        u.commit().unwrap();
        assert!(target.join("index.html.gz").is_file(), "kept");

        let u = Update::new(&target, gz).unwrap();
        u.write("index.html", b"<p>short</p>").unwrap();
        u.commit().unwrap();
        assert!(!target.join("index.html.gz").exists(), "shrunk: deleted");

        let u = Update::new(&target, gz).unwrap();
        u.write("index.html", page.as_bytes()).unwrap();
        u.commit().unwrap();
        // A write that failed halfway left the file newer than its sibling.
        let stale = fs::File::options()
            .write(true)
            .open(target.join("index.html.gz"))
            .unwrap();
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        stale.set_modified(hour_ago).unwrap();
        let u = Update::new(&target, gz).unwrap();
        assert!(
            u.write("index.html", page.as_bytes()).unwrap(),
            "made again"
        );
        u.commit().unwrap();
        assert!(
            fs::metadata(target.join("index.html.gz"))
                .unwrap()
                .modified()
                .unwrap()
                > hour_ago
        );

        let u = Update::new(&target, Precompress::default()).unwrap();
        assert!(!u.write("index.html", page.as_bytes()).unwrap());
        u.commit().unwrap();
        assert!(
            !target.join("index.html.gz").exists(),
            "turned off: deleted"
        );
        assert_eq!(read(&target, "index.html"), page);
    }
}
