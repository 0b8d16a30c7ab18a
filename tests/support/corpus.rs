//! The paste corpus of `tests/triage/`: every `*.toml` file there lists
//! pastes (`.txt` files beside it) with what they must reach.
//!
//! - `[[case]]`: a paste from a service or protocol the site covers:
//!   `file`, `node` (the remedy that is right), `shape`, `source` (where
//!   its shape and text come from), optionally `page` (the page search
//!   should rank first; else the remedy's first guide).
//! - `[[uncovered]]`: a paste from a service the site does not cover:
//!   `file`, `service`, `shape`, `source`, optionally `accept` (remedies
//!   that are right all the same, such as a protocol's). It must not land
//!   on a remedy about a specific service.
//!
//! Each paste belongs to one half, decided by its file name's hash, not by
//! anyone's choice: the *tuning* half is what evidence was calibrated on,
//! the *reporting* half is held out, and figures are reported per half.

use std::fs;
use std::path::PathBuf;

use serde::Deserialize;

/// Which half a paste is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    /// Calibrated on.
    Tune,
    /// Held out.
    Report,
}

impl Half {
    /// FNV-1a of the file name: even hashes tune, odd ones report.
    pub fn of(file: &str) -> Half {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in file.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        if h.is_multiple_of(2) {
            Half::Tune
        } else {
            Half::Report
        }
    }

    /// As the report prints it.
    pub fn name(self) -> &'static str {
        match self {
            Half::Tune => "tuning",
            Half::Report => "reporting",
        }
    }
}

/// A paste from a covered service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub file: String,
    pub node: String,
    pub shape: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
}

/// A paste from a service the site does not cover.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uncovered {
    pub file: String,
    pub service: String,
    pub shape: String,
    pub source: String,
    #[serde(default)]
    pub accept: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    case: Vec<Case>,
    #[serde(default)]
    uncovered: Vec<Uncovered>,
}

/// The folder of the corpus.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/triage")
}

/// Every case and uncovered paste, files in name order.
pub fn load() -> (Vec<Case>, Vec<Uncovered>) {
    let mut lists: Vec<PathBuf> = fs::read_dir(dir())
        .expect("tests/triage/")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    lists.sort();
    let (mut cases, mut uncovered) = (Vec::new(), Vec::new());
    for list in lists {
        let text = fs::read_to_string(&list).expect("read a case list");
        let f: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", list.display()));
        cases.extend(f.case);
        uncovered.extend(f.uncovered);
    }
    (cases, uncovered)
}

/// The text of a paste, decoded as a browser decodes a pasted text.
pub fn paste(file: &str) -> String {
    let bytes = fs::read(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    String::from_utf8_lossy(&bytes).into_owned()
}
