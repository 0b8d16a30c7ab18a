//! The cache file: which URLs were fine, and when. A re-run within the
//! chosen age skips them, so checking a site again after fixing one link
//! asks the servers only about the rest. Only links that were fine are
//! kept: a broken one is always asked again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// The file's format version; a file of another version is ignored.
const VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    version: u32,
    /// URL (as fetched, fragment included) -> seconds since the epoch.
    fine: BTreeMap<String, u64>,
}

/// The cache, loaded; saved back with the new results.
#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    file: File,
    now: u64,
}

impl Cache {
    /// Reads `path`. A missing, unreadable or foreign file is an empty
    /// cache (it only saves time), and the reason is returned for a warning.
    pub fn load(path: &Path) -> (Cache, Option<String>) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let (file, warning) = match std::fs::read_to_string(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (File::default(), None),
            Err(e) => (File::default(), Some(format!("cannot read it: {e}"))),
            Ok(text) => match serde_json::from_str::<File>(&text) {
                Ok(f) if f.version == VERSION => (f, None),
                Ok(_) => (File::default(), Some("it is of another version".into())),
                Err(e) => (
                    File::default(),
                    Some(format!("it is not a cache file: {e}")),
                ),
            },
        };
        let cache = Cache {
            path: path.to_path_buf(),
            file,
            now,
        };
        (cache, warning)
    }

    /// Whether `url` was fine less than `age` ago.
    pub fn is_fresh(&self, url: &str, age: Duration) -> bool {
        self.file
            .fine
            .get(url)
            .is_some_and(|&at| at <= self.now && self.now - at < age.as_secs())
    }

    /// Records that `url` is fine now.
    pub fn fine(&mut self, url: &str) {
        self.file.fine.insert(url.to_string(), self.now);
    }

    /// Forgets `url` (it is broken now).
    pub fn broken(&mut self, url: &str) {
        self.file.fine.remove(url);
    }

    /// Writes the file: a temporary file renamed over it, so an
    /// interrupted run never leaves half a cache.
    pub fn save(&mut self) -> std::io::Result<()> {
        self.file.version = VERSION;
        let dir = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        serde_json::to_writer_pretty(&mut tmp, &self.file).map_err(std::io::Error::other)?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}
