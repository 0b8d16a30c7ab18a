//! The clean build the served folder must equal, and what differs when it
//! does not.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::common;

pub type Files = BTreeMap<String, Vec<u8>>;

/// Builds the project from scratch into `out`; `Err(stderr)` when it fails.
pub fn clean_build(site: &Path, out: &Path, port: u16) -> Result<Files, String> {
    let o = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["build", "--quiet", "--color=never", "--output"])
        .arg(out)
        .arg("--site-url")
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(site)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `remedy build`: {e}"));
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    match o.status.code() {
        Some(0) => Ok(common::snapshot(out)),
        Some(1) => Err(stderr),
        c => panic!("`remedy build` exited with {c:?}:\n{stderr}"),
    }
}

/// What differs between the served folder and the reference, or `None`.
pub fn difference(served: &Files, want: &Files) -> Option<String> {
    let missing: Vec<&String> = want.keys().filter(|k| !served.contains_key(*k)).collect();
    let extra: Vec<&String> = served.keys().filter(|k| !want.contains_key(*k)).collect();
    let differ: Vec<&String> = want
        .keys()
        .filter(|k| served.get(*k).is_some_and(|b| b != &want[*k]))
        .collect();
    if missing.is_empty() && extra.is_empty() && differ.is_empty() {
        return None;
    }
    let mut s = format!(
        "missing from the served folder ({}): {missing:?}\nextra in the served folder ({}): {extra:?}\ndiffering ({}): {differ:?}\n",
        missing.len(),
        extra.len(),
        differ.len()
    );
    let text = differ.iter().find(|k| {
        std::str::from_utf8(&want[**k]).is_ok() && std::str::from_utf8(&served[**k]).is_ok()
    });
    if let Some(k) = text {
        s += &format!(
            "first differing text file, {k}:\n{}",
            line_diff(&served[*k], &want[*k])
        );
    }
    Some(s)
}

/// The first differing lines of two texts, with a little context.
pub fn line_diff(served: &[u8], want: &[u8]) -> String {
    let (served, want) = (
        String::from_utf8_lossy(served),
        String::from_utf8_lossy(want),
    );
    let a: Vec<&str> = served.lines().collect();
    let b: Vec<&str> = want.lines().collect();
    let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let from = first.saturating_sub(2);
    let cut = |l: &str| l.chars().take(300).collect::<String>();
    let mut s = String::new();
    for (i, l) in b.iter().enumerate().skip(from).take(first - from) {
        s += &format!("  {:>5}  {}\n", i + 1, cut(l));
    }
    for (i, l) in b.iter().enumerate().skip(first).take(6) {
        s += &format!("- {:>5}  {}   (clean build)\n", i + 1, cut(l));
    }
    for (i, l) in a.iter().enumerate().skip(first).take(6) {
        s += &format!("+ {:>5}  {}   (served)\n", i + 1, cut(l));
    }
    s += &format!(
        "({} lines served, {} in the clean build)\n",
        a.len(),
        b.len()
    );
    s
}
