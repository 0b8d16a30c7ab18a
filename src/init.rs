//! `remedy init`: a small, working knowledge base to start from.
//!
//! The files (`src/scaffold/`) are compiled into the binary: a book.toml, a
//! home page, one guide and one decision tree that links to it, so a new
//! author sees every feature working before changing anything. Nothing that
//! exists is overwritten.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::diagnostics::{Diagnostic, Failure};

static SCAFFOLD: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold");

/// Writes a new site into `dir` (created if needed) and returns the files written.
///
/// # Errors
/// When `dir` already holds a `book.toml` or a `content` folder, or a file
/// cannot be written.
pub fn init(dir: &Path, title: Option<&str>) -> Result<Vec<PathBuf>, Failure> {
    for existing in ["book.toml", "content"] {
        if dir.join(existing).exists() {
            return Err(Diagnostic::error(format!(
                "{} already has a {existing}; nothing was written",
                dir.display()
            ))
            .with_help("run `remedy init` in a new or empty folder")
            .into());
        }
    }
    let title = title.map(str::to_string).unwrap_or_else(|| {
        let name = std::path::absolute(dir)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        if name.is_empty() {
            "Knowledge base".to_string()
        } else {
            name
        }
    });
    // Every placeholder sits inside a TOML basic string.
    let toml_title = title.replace('\\', "\\\\").replace('"', "\\\"");
    let mut files = Vec::new();
    collect(&SCAFFOLD, &mut files);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut written = Vec::new();
    let write = |rel: &Path, bytes: &[u8], written: &mut Vec<PathBuf>| -> Result<(), Diagnostic> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::error(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| Diagnostic::error(format!("cannot write {}: {e}", path.display())))?;
        written.push(path);
        Ok(())
    };
    for (rel, text) in files {
        write(
            &rel,
            text.replace("{title}", &toml_title).as_bytes(),
            &mut written,
        )?;
    }
    if !dir.join(".gitignore").exists() {
        write(Path::new(".gitignore"), b"/public\n", &mut written)?;
    }
    Ok(written)
}

fn collect(dir: &Dir<'static>, out: &mut Vec<(PathBuf, &'static str)>) {
    for f in dir.files() {
        if let Some(text) = f.contents_utf8() {
            out.push((f.path().to_path_buf(), text));
        }
    }
    for d in dir.dirs() {
        collect(d, out);
    }
}
