//! The section texts `remedy search` shows as snippets, read from the
//! browser index's fragment packs (`FORMAT.md`, `search/f/*.js`).
//!
//! The tantivy index stores no section text: the site already carries the
//! start of every section once, in the packs the search box reads, and
//! storing the whole text again made the tantivy index half of the search
//! folder's bytes for a feature only the command line uses. Reading the
//! same packs also gives the command line and the box the same snippets.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use serde::de::IgnoredAny;
use serde::Deserialize;

use super::pack;

/// The digits of the base-32 numbers of `keys.js` (`FORMAT.md`).
pub(crate) const ALPHABET: &[u8; 64] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

/// Reads the base-32 numbers `export` writes; `None` on a foreign digit.
pub(crate) fn decode_numbers(s: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    let mut n = 0u32;
    for c in s.bytes() {
        let d = ALPHABET.iter().position(|a| *a == c)? as u32;
        if d >= 32 {
            n = n.checked_mul(32)?.checked_add(d - 32)?;
        } else {
            out.push(n.checked_mul(32)?.checked_add(d)?);
            n = 0;
        }
    }
    Some(out)
}

/// One page's record in a fragment pack: title, path, codes, kind and its
/// sections `[heading, anchor, text]`, in document order.
#[derive(Deserialize)]
struct Record(IgnoredAny, IgnoredAny, IgnoredAny, IgnoredAny, Vec<Section>);

/// A section of a record: heading, anchor and the start of its text.
#[derive(Deserialize)]
struct Section(IgnoredAny, IgnoredAny, String);

/// The fragment packs of one built site, each read when first needed.
pub struct Fragments {
    dir: PathBuf,
    /// The first document of each page.
    firsts: Vec<u32>,
    per_pack: usize,
    packs: RefCell<HashMap<usize, Vec<Record>>>,
}

#[derive(Deserialize)]
struct Meta {
    pack: usize,
}

#[derive(Deserialize)]
struct Keys {
    p: String,
}

impl Fragments {
    /// Opens the packs of `<site>/search`, `dir`.
    pub fn open(dir: &Path) -> Result<Fragments> {
        let path = dir.join("meta.js");
        let meta =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let meta = std::str::from_utf8(&meta)
            .ok()
            .and_then(pack::meta_json)
            .and_then(|m| serde_json::from_str::<Meta>(m).ok())
            .with_context(|| {
                format!(
                    "{} is not a search metadata file; rebuild the site",
                    dir.join("meta.js").display()
                )
            })?;
        let damaged = || {
            format!(
                "{} is damaged; rebuild the site",
                dir.join("keys.js").display()
            )
        };
        let keys = pack::read(dir, "keys")?;
        let keys: Keys = serde_json::from_slice(&keys).with_context(damaged)?;
        let mut firsts = decode_numbers(&keys.p).with_context(damaged)?;
        for i in 1..firsts.len() {
            firsts[i] = firsts[i].saturating_add(firsts[i - 1]);
        }
        Ok(Fragments {
            dir: dir.to_path_buf(),
            firsts,
            per_pack: meta.pack.max(1),
            packs: RefCell::new(HashMap::new()),
        })
    }

    /// The start of document `doc`'s text, as the search box shows it.
    pub fn text(&self, doc: u32) -> Result<String> {
        let page = self.firsts.partition_point(|&f| f <= doc).saturating_sub(1);
        let first = self.firsts.get(page).copied().unwrap_or(0);
        let number = page / self.per_pack;
        let mut packs = self.packs.borrow_mut();
        let records = match packs.entry(number) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let key = format!("f{number}");
                let payload = pack::read(&self.dir, &key)?;
                let records: Vec<Record> = serde_json::from_slice(&payload).with_context(|| {
                    let path = self.dir.join(pack::file_name(&key));
                    format!("{} is damaged; rebuild the site", path.display())
                })?;
                e.insert(records)
            }
        };
        let section = records
            .get(page % self.per_pack)
            .and_then(|record| record.4.get((doc - first) as usize));
        Ok(section.map(|s| s.2.clone()).unwrap_or_default())
    }
}
