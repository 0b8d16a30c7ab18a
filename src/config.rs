//! `book.toml`: the site's settings, read strictly.
//!
//! The tables and key names follow mdBook's `book.toml` where both tools have
//! the same setting (`[book] title`, `[book] src`, `[build] build-dir`,
//! `[output.html] site-url`, `[output.html] theme`), so an mdBook author feels
//! at home. Every table rejects unknown keys with a "did you mean" hint, and
//! every value is checked here, before any content is read, so a typo in the
//! config is reported at its line instead of surfacing as a strange site.

use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{self, Diagnostic, Diagnostics, Source};

/// Name of the config file at the project root.
pub const CONFIG_FILE: &str = "book.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    book: RawBook,
    build: RawBuild,
    output: RawOutput,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawBook {
    title: String,
    description: String,
    authors: Vec<String>,
    language: Spanned<String>,
    src: Spanned<PathBuf>,
}

impl Default for RawBook {
    fn default() -> Self {
        RawBook {
            title: "Troubleshooting guides".into(),
            description: String::new(),
            authors: Vec::new(),
            language: Spanned::new(0..0, "en".into()),
            src: Spanned::new(0..0, "content".into()),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawBuild {
    build_dir: Spanned<PathBuf>,
}

impl Default for RawBuild {
    fn default() -> Self {
        RawBuild {
            build_dir: Spanned::new(0..0, "public".into()),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawOutput {
    html: RawHtml,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawHtml {
    site_url: Spanned<String>,
    theme: Spanned<PathBuf>,
    highlight: RawHighlight,
    search: RawSearch,
}

/// `[output.html.search]`, named as in mdBook.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawSearch {
    enable: bool,
}

impl Default for RawSearch {
    fn default() -> Self {
        RawSearch { enable: true }
    }
}

impl Default for RawHtml {
    fn default() -> Self {
        RawHtml {
            site_url: Spanned::new(0..0, "/".into()),
            theme: Spanned::new(0..0, DEFAULT_THEME_DIR.into()),
            highlight: RawHighlight::default(),
            search: RawSearch::default(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawHighlight {
    light: Spanned<String>,
    dark: Spanned<String>,
}

impl Default for RawHighlight {
    fn default() -> Self {
        RawHighlight {
            light: Spanned::new(0..0, "InspiredGitHub".into()),
            dark: Spanned::new(0..0, "base16-ocean.dark".into()),
        }
    }
}

/// Where the theme folder is looked for when `book.toml` names none.
pub const DEFAULT_THEME_DIR: &str = "themes/default";

/// A value from `book.toml` with the place it was written, so later stages
/// (e.g. highlighting, which knows the theme names) can point at it.
#[derive(Debug, Clone)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Byte range in `book.toml`; empty when the value is a default.
    pub span: std::ops::Range<usize>,
}

/// Where the site is hosted, split into the parts links need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteUrl {
    /// `https://example.org/kb/` when known; canonical URLs and the sitemap need it.
    pub absolute: Option<String>,
    /// The path the site lives under, always starting and ending with `/`: `/kb/`.
    pub base_path: String,
}

impl SiteUrl {
    /// Parses `https://host/path/` or `/path/`; adds the trailing slash.
    pub fn parse(raw: &str) -> Result<SiteUrl, String> {
        let raw = raw.trim();
        let with_slash = if raw.ends_with('/') {
            raw.to_string()
        } else {
            format!("{raw}/")
        };
        if with_slash.starts_with('/') {
            if with_slash.starts_with("//") {
                return Err("a site URL cannot start with `//`".into());
            }
            return Ok(SiteUrl {
                absolute: None,
                base_path: with_slash,
            });
        }
        let rest = with_slash
            .strip_prefix("https://")
            .or_else(|| with_slash.strip_prefix("http://"))
            .ok_or_else(|| "expected `https://host/path/` or a path such as `/kb/`".to_string())?;
        let slash = rest.find('/').unwrap_or(rest.len());
        let host = &rest[..slash];
        if host.is_empty() || host.contains(['?', '#', ' ']) {
            return Err("the site URL has no valid host".into());
        }
        if rest.contains(['?', '#']) {
            return Err("the site URL cannot have a query or a fragment".into());
        }
        Ok(SiteUrl {
            absolute: Some(with_slash.clone()),
            base_path: rest[slash..].to_string(),
        })
    }

    /// Absolute URL of a site path such as `codes/429/`, when the host is known.
    pub fn absolute_url(&self, path: &str) -> Option<String> {
        self.absolute.as_ref().map(|a| format!("{a}{path}"))
    }
}

/// Settings given on the command line; they win over `book.toml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--output`: build here; may be outside the project.
    pub output: Option<PathBuf>,
    /// `--site-url`.
    pub site_url: Option<String>,
    /// `--drafts`: include pages with `draft = true`.
    pub drafts: bool,
}

/// The validated settings of one site.
#[derive(Debug, Clone)]
pub struct Config {
    /// The project folder holding `book.toml`.
    pub root: PathBuf,
    /// `book.toml` itself, for diagnostics that point into it.
    pub source: Source,
    /// `[book] title`.
    pub title: String,
    /// `[book] description`.
    pub description: String,
    /// `[book] authors`.
    pub authors: Vec<String>,
    /// `[book] language`, e.g. `en`.
    pub language: String,
    /// `[book] src`, absolute.
    pub content_dir: PathBuf,
    /// `[build] build-dir` or `--output`, absolute.
    pub output_dir: PathBuf,
    /// `[output.html] theme`, absolute (may not exist: the built-in theme is used then).
    pub theme_dir: PathBuf,
    /// True when `theme` was written in `book.toml` (so a missing folder is an error).
    pub theme_explicit: bool,
    /// `[output.html] site-url`.
    pub site_url: SiteUrl,
    /// `[output.html.highlight] light`.
    pub highlight_light: Setting<String>,
    /// `[output.html.highlight] dark`.
    pub highlight_dark: Setting<String>,
    /// Whether draft pages are built.
    pub drafts: bool,
    /// `[output.html.search] enable`: build the search index and show the box.
    pub search: bool,
}

impl Config {
    /// Reads and validates `root/book.toml` (a missing file means all defaults).
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let shown = PathBuf::from(CONFIG_FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
                one(Diagnostic::error("book.toml is not valid UTF-8")
                    .in_file(&shown)
                    .with_help("save the file as UTF-8"))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(one(Diagnostic::error(format!(
                    "no book.toml in {}",
                    root.display()
                ))
                .with_help(
                    "run remedy in the folder that holds book.toml, or pass that folder as DIR",
                )));
            }
            Err(e) => {
                return Err(one(Diagnostic::error(format!(
                    "cannot read book.toml: {e}"
                ))
                .in_file(&shown)))
            }
        };
        Self::from_str(root, &text, overrides)
    }

    /// Validates the text of a `book.toml` that belongs to `root`.
    pub fn from_str(root: &Path, text: &str, overrides: &Overrides) -> Result<Config, Diagnostics> {
        let source = Source::new(CONFIG_FILE, text);
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| one(diagnostics::from_toml_error(&source, 0, &e)))?;
        let mut errors = Diagnostics::new();
        let root = absolute(root);

        let language = raw.book.language.get_ref().trim().to_string();
        if language.is_empty()
            || !language
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            errors.push(
                Diagnostic::error(format!("`{language}` is not a language tag"))
                    .at(&source, raw.book.language.span())
                    .with_help("use a BCP 47 tag such as `en` or `en-GB`"),
            );
        }

        let content_dir = root.join(raw.book.src.get_ref());
        let theme_dir = root.join(raw.output.html.theme.get_ref());
        let theme_explicit = !raw.output.html.theme.span().is_empty();
        if theme_explicit && !theme_dir.is_dir() {
            errors.push(
                Diagnostic::error(format!(
                    "theme folder `{}` does not exist",
                    raw.output.html.theme.get_ref().display()
                ))
                .at(&source, raw.output.html.theme.span())
                .with_help("create it, or remove `theme` to use the built-in theme"),
            );
        }

        let site_url_raw = overrides
            .site_url
            .clone()
            .unwrap_or_else(|| raw.output.html.site_url.get_ref().clone());
        let site_url = match SiteUrl::parse(&site_url_raw) {
            Ok(u) => u,
            Err(why) => {
                let d = Diagnostic::error(format!("invalid site-url `{site_url_raw}`: {why}"));
                errors.push(if overrides.site_url.is_some() {
                    d.with_help("fix the value given to --site-url")
                } else {
                    d.at(&source, raw.output.html.site_url.span())
                });
                SiteUrl::parse("/").unwrap_or(SiteUrl {
                    absolute: None,
                    base_path: "/".into(),
                })
            }
        };

        let output_dir = match &overrides.output {
            Some(dir) => absolute(dir),
            None => {
                let rel = raw.build.build_dir.get_ref();
                let out = normalize(&root.join(rel));
                if !out.starts_with(&root) || out == root {
                    errors.push(
                        Diagnostic::error(format!(
                            "build-dir `{}` is not a folder inside the project",
                            rel.display()
                        ))
                        .at(&source, raw.build.build_dir.span())
                        .with_help("use a subfolder such as `public`, or pass --output to build elsewhere on purpose"),
                    );
                }
                out
            }
        };
        let output_dir = normalize(&output_dir);
        for (what, dir) in [("content", &content_dir), ("theme", &theme_dir)] {
            let dir = normalize(dir);
            if dir.starts_with(&output_dir) {
                errors.push(
                    Diagnostic::error(format!(
                        "the output folder {} contains the {what} folder",
                        output_dir.display()
                    ))
                    .with_help("the output folder is replaced on every build: choose another one"),
                );
            }
        }

        if errors.has_errors() {
            return Err(errors);
        }
        Ok(Config {
            root,
            title: raw.book.title,
            description: raw.book.description,
            authors: raw.book.authors,
            language,
            content_dir,
            output_dir,
            theme_dir,
            theme_explicit,
            site_url,
            highlight_light: setting(raw.output.html.highlight.light),
            highlight_dark: setting(raw.output.html.highlight.dark),
            drafts: overrides.drafts,
            search: raw.output.html.search.enable,
            source,
        })
    }

    /// A path as shown to the user: relative to the project root when inside it.
    pub fn display_path(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf())
    }
}

fn setting<T>(s: Spanned<T>) -> Setting<T> {
    let span = s.span();
    Setting {
        value: s.into_inner(),
        span,
    }
}

fn one(d: Diagnostic) -> Diagnostics {
    let mut ds = Diagnostics::new();
    ds.push(d);
    ds
}

/// Absolute path without touching the file system beyond the current dir.
fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    normalize(&abs)
}

/// Removes `.` and resolves `..` lexically, so `public/../..` cannot hide an
/// escape from the project folder.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, Vec<String>> {
        Config::from_str(Path::new("/tmp/site"), text, &Overrides::default())
            .map_err(|d| d.sorted().iter().map(|d| d.to_string()).collect())
    }

    #[test]
    fn defaults_when_empty() {
        let c = load("").unwrap();
        assert_eq!(c.output_dir, Path::new("/tmp/site/public"));
        assert_eq!(c.site_url.base_path, "/");
        assert_eq!(c.language, "en");
    }

    #[test]
    fn unknown_key_names_line_and_suggests() {
        let e = load("[book]\ntitle = \"x\"\ntitel = \"y\"\n").unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("book.toml:3:1: error: unknown key `titel`"),
            "{e:?}"
        );
        assert!(e[0].contains("did you mean `title`?"), "{e:?}");
    }

    #[test]
    fn wrong_type_names_line() {
        let e = load("[book]\n\ntitle = 3\n").unwrap_err();
        assert!(
            e[0].starts_with("book.toml:3:9: error: invalid type"),
            "{e:?}"
        );
    }

    #[test]
    fn build_dir_outside_project_is_refused() {
        let e = load("[build]\nbuild-dir = \"../elsewhere\"\n").unwrap_err();
        assert!(
            e[0].contains("build.dir") || e[0].contains("build-dir"),
            "{e:?}"
        );
        assert!(e[0].starts_with("book.toml:2:13"), "{e:?}");
        assert!(load("[build]\nbuild-dir = \".\"\n").is_err());
        assert!(load("[build]\nbuild-dir = \"content/..\"\n").is_err());
    }

    #[test]
    fn site_url_forms() {
        let u = SiteUrl::parse("https://example.org/kb").unwrap();
        assert_eq!(u.base_path, "/kb/");
        assert_eq!(u.absolute.as_deref(), Some("https://example.org/kb/"));
        assert_eq!(SiteUrl::parse("/docs/").unwrap().base_path, "/docs/");
        assert!(SiteUrl::parse("example.org").is_err());
        assert!(SiteUrl::parse("https:///x").is_err());
        assert!(load("[output.html]\nsite-url = \"ftp://x\"\n").is_err());
    }
}
