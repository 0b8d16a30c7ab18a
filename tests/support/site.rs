//! The bundled knowledge base (this repository's `content/`), built into a
//! temporary folder through the library API, exactly as `remedy build` would.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// The site URL the tests build with, instead of `book.toml`'s: the tests
/// then know that the base path is `/` (what the test server serves) and
/// which absolute URLs (canonical links) point into the site itself.
pub const SITE_URL: &str = "https://remedy.test/";

/// A built site; the folder is deleted when this is dropped.
pub struct BuiltSite {
    _tmp: tempfile::TempDir,
    /// The output folder.
    pub dir: PathBuf,
    /// HTML pages rendered from content (404 not counted).
    pub pages: usize,
}

impl BuiltSite {
    /// Every `.html` file of the output, sorted, as absolute paths.
    pub fn html_files(&self) -> Vec<PathBuf> {
        html_files(&self.dir)
    }
}

/// Builds the repository's own site. Panics with remedy's diagnostics if
/// the build fails: nothing else in the suite can run without it.
pub fn build_bundled() -> BuiltSite {
    let tmp = tempfile::Builder::new()
        .prefix("remedy-test-site-")
        .tempdir()
        .expect("create a temporary folder for the site");
    let dir = tmp.path().join("site");
    let report = remedy::build(&remedy::BuildOptions {
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        overrides: remedy::config::Overrides {
            output: Some(dir.clone()),
            site_url: Some(SITE_URL.to_string()),
            drafts: false,
            skip_preprocessors: Vec::new(),
        },
        write: true,
    })
    .unwrap_or_else(|failure| {
        let messages: Vec<String> = failure
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        panic!("the bundled site does not build:\n{}", messages.join("\n"))
    });
    BuiltSite {
        _tmp: tmp,
        dir,
        pages: report.pages,
    }
}

/// Every `.html` file under `dir`, sorted.
pub fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.expect("walk the output folder").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    files.sort();
    files
}
