//! The files of a theme: templates, static assets and syntax definitions.
//!
//! The default theme is compiled into the binary, so `remedy build` works in
//! any folder that has a `book.toml` and content, with no theme copied in. A
//! site overrides it file by file: a file in its theme folder (by default
//! `themes/default/`) with the same relative path replaces the built-in one,
//! as in mdBook.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use include_dir::{include_dir, Dir};
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostics::{from_walk_error, Diagnostic, Diagnostics};

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// One file of the theme and where it came from.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// The file's bytes.
    pub bytes: Cow<'static, [u8]>,
    /// Path shown in diagnostics: the site's file, or `<built-in theme>/...`.
    pub origin: PathBuf,
}

impl ThemeFile {
    /// The file as text, or a diagnostic naming it when it is not UTF-8.
    pub fn text(&self) -> Result<&str, Diagnostic> {
        std::str::from_utf8(&self.bytes).map_err(|_| {
            Diagnostic::error("the theme file is not valid UTF-8")
                .in_file(self.origin.clone())
                .with_help("save the file as UTF-8")
        })
    }
}

/// The merged theme: built-in files overlaid with the site's own.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Relative path (`templates/page.html`) -> file, sorted.
    pub files: BTreeMap<String, ThemeFile>,
}

impl Theme {
    /// The theme compiled into the binary, with no overrides.
    pub fn builtin() -> Theme {
        let mut files = BTreeMap::new();
        collect_builtin(&BUILTIN, &mut files);
        Theme { files }
    }

    /// Loads the built-in theme and overlays the site's theme folder.
    pub fn load(config: &Config) -> Result<Theme, Diagnostics> {
        let mut files = Theme::builtin().files;
        let mut diags = Diagnostics::new();
        if config.theme_dir.is_dir() {
            for entry in WalkDir::new(&config.theme_dir)
                .follow_links(true)
                .sort_by_file_name()
            {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        diags.push(from_walk_error(&e, |p| config.display_path(p)));
                        continue;
                    }
                };
                let name = entry.file_name().to_string_lossy();
                if !entry.file_type().is_file() || name.starts_with('.') || name.ends_with('~') {
                    continue;
                }
                let Ok(rel) = entry.path().strip_prefix(&config.theme_dir) else {
                    continue;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                let origin = config.display_path(entry.path());
                match std::fs::read(entry.path()) {
                    Ok(bytes) => {
                        files.insert(
                            rel,
                            ThemeFile {
                                bytes: Cow::Owned(bytes),
                                origin,
                            },
                        );
                    }
                    Err(e) => {
                        diags.push(Diagnostic::error(format!("cannot read: {e}")).in_file(origin))
                    }
                }
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Theme { files })
    }

    /// Files under a folder of the theme (`templates/`), with their paths relative to it.
    pub fn under<'a>(
        &'a self,
        folder: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a ThemeFile)> + 'a {
        self.files
            .iter()
            .filter_map(move |(k, v)| k.strip_prefix(folder).map(|rest| (rest, v)))
    }
}

fn collect_builtin(dir: &Dir<'static>, out: &mut BTreeMap<String, ThemeFile>) {
    for f in dir.files() {
        let rel = f.path().to_string_lossy().replace('\\', "/");
        out.insert(
            rel.clone(),
            ThemeFile {
                bytes: Cow::Borrowed(f.contents()),
                origin: PathBuf::from(format!("<built-in theme>/{rel}")),
            },
        );
    }
    for d in dir.dirs() {
        collect_builtin(d, out);
    }
}
