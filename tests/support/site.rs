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
            write_sources: true,
        },
        write: true,
    })
    .unwrap_or_else(|failure| {
        let messages: Vec<String> = failure
            .diagnostics()
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

/// Where the mdBook user guide is (`../shared/compat/mdbook-guide`, beside
/// the repository; `REMEDY_MDBOOK_GUIDE` points elsewhere).
pub fn mdbook_guide_dir() -> PathBuf {
    std::env::var_os("REMEDY_MDBOOK_GUIDE")
        .filter(|v| !v.is_empty())
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/compat/mdbook-guide"),
            PathBuf::from,
        )
}

/// Builds the mdBook user guide as it is published. Its own preprocessor,
/// `guide-helper`, is a crate of mdBook's cargo workspace
/// (`edition.workspace = true`, ...): outside mdBook's repository
/// `cargo run` fails at once on its manifest, so its `supports` check fails
/// and it is skipped with a warning, as `mdbook build` skips it. (It only
/// replaces `{{ mdbook-version }}` markers.)
pub fn build_mdbook_guide() -> Result<(BuiltSite, Vec<String>), Vec<String>> {
    let tmp = tempfile::Builder::new()
        .prefix("remedy-test-guide-")
        .tempdir()
        .expect("create a temporary folder for the guide");
    let dir = tmp.path().join("book");
    let report = remedy::build(&remedy::BuildOptions {
        root: mdbook_guide_dir(),
        overrides: remedy::config::Overrides {
            output: Some(dir.clone()),
            site_url: Some(SITE_URL.to_string()),
            drafts: false,
            skip_preprocessors: Vec::new(),
            write_sources: true,
        },
        write: true,
    })
    .map_err(|f| {
        f.diagnostics()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    })?;
    let warnings = report.warnings.iter().map(ToString::to_string).collect();
    Ok((
        BuiltSite {
            _tmp: tmp,
            dir,
            pages: report.pages,
        },
        warnings,
    ))
}
