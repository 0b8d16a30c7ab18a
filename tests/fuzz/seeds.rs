//! The real inputs each target starts from: the repository's own files,
//! the triage corpus, the fixtures and the mdBook guide (when
//! `../shared/compat/` is there), plus the published data of a build.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The mdBook user guide, when the shared folder is there.
pub fn mdbook_guide() -> Option<PathBuf> {
    let dir = repo().join("../shared/compat/mdbook-guide");
    dir.is_dir().then_some(dir)
}

/// Every file under `dir` whose name ends with one of `exts`, sorted.
pub fn files(dir: &Path, exts: &[&str]) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            let name = p.to_string_lossy();
            exts.iter().any(|x| name.ends_with(x))
        })
        .collect();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

/// `files` over several folders (missing ones skipped).
pub fn from(dirs: &[PathBuf], exts: &[&str]) -> Vec<Vec<u8>> {
    dirs.iter()
        .filter(|d| d.exists())
        .flat_map(|d| files(d, exts))
        .collect()
}

/// The pastes of the triage corpus.
pub fn pastes() -> &'static [Vec<u8>] {
    static P: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    P.get_or_init(|| files(&repo().join("tests/triage"), &[".txt"]))
}

/// Each `when = { ... }` inline table of the bundled trees.
pub fn whens() -> Vec<String> {
    let mut out = Vec::new();
    for tree in from(
        &[repo().join("content"), repo().join("src/scaffold")],
        &[".toml"],
    ) {
        let text = String::from_utf8_lossy(&tree).into_owned();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("when = {") {
            let table = &rest[at + 7..];
            let mut depth = 0;
            let mut end = table.len();
            for (i, c) in table.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            out.push(table[..end].to_string());
            rest = &table[end..];
        }
    }
    out
}

/// Search queries of the evaluation set.
pub fn queries() -> Vec<Vec<u8>> {
    let text =
        std::fs::read_to_string(repo().join("tests/search-eval/queries.toml")).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.strip_prefix("q = "))
        .filter_map(|q| toml::from_str::<toml::Table>(&format!("q = {q}")).ok())
        .filter_map(|t| {
            t.get("q")
                .and_then(|q| q.as_str())
                .map(|q| q.as_bytes().to_vec())
        })
        .collect()
}
