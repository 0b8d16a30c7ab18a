//! `book.toml`: the site's settings, read strictly.
//!
//! The tables and key names follow mdBook's `book.toml` where both tools have
//! the same setting (`[book] title`, `[book] src`, `[build] build-dir`,
//! `[output.html] site-url`, `[output.html] theme`), so an mdBook author feels
//! at home. Every table rejects unknown keys with a "did you mean" hint, and
//! every value is checked here, before any content is read, so a typo in the
//! config is reported at its line instead of surfacing as a strange site.

mod flavor;
mod keys;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{self, Diagnostic, Diagnostics, Source};

pub use flavor::Flavor;

/// Name of the config file at the project root.
pub const CONFIG_FILE: &str = "book.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct RawConfig {
    book: RawBook,
    build: RawBuild,
    output: RawOutput,
    preprocessor: BTreeMap<String, Spanned<RawPreprocessor>>,
}

/// `[preprocessor.NAME]`: the keys mdBook defines; the others are the
/// preprocessor's own and reach it through the JSON context.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct RawPreprocessor {
    command: Option<Spanned<String>>,
    renderers: Option<Vec<String>>,
    before: Vec<String>,
    after: Vec<String>,
    optional: bool,
}

#[derive(Debug, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct RawBook {
    title: String,
    description: String,
    authors: Vec<String>,
    language: Spanned<String>,
    src: Option<Spanned<PathBuf>>,
}

impl Default for RawBook {
    fn default() -> Self {
        RawBook {
            title: "Troubleshooting guides".into(),
            description: String::new(),
            authors: Vec::new(),
            language: Spanned::new(0..0, "en".into()),
            src: None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct RawBuild {
    build_dir: Option<Spanned<PathBuf>>,
    create_missing: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct RawOutput {
    html: RawHtml,
    /// mdbook-linkcheck's table: the book asks for strict link checking.
    linkcheck: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
struct RawHtml {
    site_url: Spanned<String>,
    theme: Spanned<PathBuf>,
    highlight: RawHighlight,
    search: RawSearch,
    precompress: Spanned<Vec<Spanned<String>>>,
    smart_punctuation: bool,
    definition_lists: Option<bool>,
    admonitions: bool,
    additional_css: Vec<Spanned<String>>,
    additional_js: Vec<Spanned<String>>,
    git_repository_url: Option<String>,
    edit_url_template: Option<Spanned<String>>,
    cname: Option<String>,
    redirect: BTreeMap<String, Spanned<String>>,
    code: RawCode,
    print: RawPrint,
}

/// `[output.html.print]`.
#[derive(Debug, Deserialize)]
#[serde(default)]
struct RawPrint {
    enable: bool,
}

impl Default for RawPrint {
    fn default() -> Self {
        RawPrint { enable: true }
    }
}

/// `[output.html.code]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawCode {
    hidelines: BTreeMap<String, String>,
}

/// `[output.html.search]`, named as in mdBook.
#[derive(Debug, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
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
            precompress: Spanned::new(0..0, Vec::new()),
            smart_punctuation: false,
            definition_lists: None,
            admonitions: true,
            additional_css: Vec::new(),
            additional_js: Vec::new(),
            git_repository_url: None,
            edit_url_template: None,
            cname: None,
            redirect: BTreeMap::new(),
            code: RawCode::default(),
            print: RawPrint::default(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, rename_all = "kebab-case")]
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

    /// The URL to show a reader in a terminal: absolute when the host is
    /// known, else the path under the base path (`/kb/codes/429/`).
    pub fn public_url(&self, path: &str) -> String {
        self.absolute_url(path)
            .unwrap_or_else(|| format!("{}{path}", self.base_path))
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
    /// `--skip-preprocessor NAME`: preprocessors of `book.toml` not to run.
    pub skip_preprocessors: Vec<String>,
    /// False for `remedy check`, which writes nothing, not even the
    /// chapters `create-missing` would create.
    pub write_sources: bool,
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
    /// `[output.html] precompress`: also write `.gz` and/or `.br` siblings
    /// of text files, for servers that send them as they are (nginx
    /// `gzip_static`, Caddy `precompressed`).
    pub precompress: Precompress,
    /// The book's `SUMMARY.md` when the project is an mdBook book (then
    /// chapters, URLs and heading ids follow mdBook, see `crate::book`).
    pub summary: Option<PathBuf>,
    /// How Markdown is read: mdBook's options and ids in a book.
    pub markdown: Flavor,
    /// `[output.html] additional-css`, paths relative to the project.
    pub additional_css: Vec<Setting<String>>,
    /// `[output.html] additional-js`.
    pub additional_js: Vec<Setting<String>>,
    /// `[output.html] git-repository-url`.
    pub git_repository_url: Option<String>,
    /// `[output.html] edit-url-template`, with `{path}` for the source file.
    pub edit_url_template: Option<String>,
    /// `[output.html] cname`: written to a `CNAME` file.
    pub cname: Option<String>,
    /// `[output.html.redirect]`: output path -> where it points (spanned in
    /// book.toml, so a broken or clashing redirect can be shown).
    pub redirects: BTreeMap<String, Setting<String>>,
    /// `[build] create-missing` (mdBook's default: on): chapters that
    /// SUMMARY.md lists but that do not exist are created.
    pub create_missing: bool,
    /// Whether the build may write into the book's sources (`create-missing`).
    pub write_sources: bool,
    /// `[output.html.print] enable`: a book's `print.html`.
    pub print: bool,
    /// `[preprocessor.NAME]` tables with a program to run, in run order.
    pub preprocessors: Vec<Preprocessor>,
    /// The whole `book.toml` as JSON, for mdBook's preprocessor protocol.
    pub json: serde_json::Value,
    /// mdBook settings that were accepted but are not implemented.
    pub warnings: Vec<Diagnostic>,
}

/// A preprocessor of `book.toml`, run through mdBook's protocol.
#[derive(Debug, Clone)]
pub struct Preprocessor {
    /// The table's name: `guide-helper` for `[preprocessor.guide-helper]`.
    pub name: String,
    /// The shell command; `mdbook-NAME` when `command` is not given.
    pub command: String,
    /// Where the table is written, for errors.
    pub span: std::ops::Range<usize>,
    /// `optional = true`: a missing program is a warning, not an error.
    pub optional: bool,
    /// False when `--skip-preprocessor` names it.
    pub run: bool,
}

/// Which precompressed siblings to write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Precompress {
    pub gzip: bool,
    pub brotli: bool,
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
            // mdBook builds a `src/SUMMARY.md` without book.toml, with
            // every setting at its default.
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && root.join("src/SUMMARY.md").is_file() =>
            {
                String::new()
            }
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
        let mut errors = keys::check(&source);
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                errors.push(diagnostics::from_toml_error(&source, 0, &e));
                return Err(errors);
            }
        };
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

        // An mdBook book keeps its chapters in `src/` beside a SUMMARY.md.
        let content_dir = match &raw.book.src {
            Some(src) => root.join(src.get_ref()),
            None if !root.join("content").is_dir() && root.join("src/SUMMARY.md").is_file() => {
                root.join("src")
            }
            None => root.join("content"),
        };
        let summary = Some(content_dir.join("SUMMARY.md")).filter(|p| p.is_file());
        let book = summary.is_some();
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
        // mdBook reads `theme/` (or `theme`) as Handlebars templates; remedy
        // cannot, and the author should know their customisation is lost.
        let mdbook_theme = if theme_explicit {
            theme_dir.clone()
        } else {
            root.join("theme")
        };
        if book && mdbook_theme.join("index.hbs").is_file() {
            let d = Diagnostic::warning(format!(
                "`{}` is an mdBook theme (Handlebars); remedy uses its own theme and ignores it",
                config_relative(&root, &mdbook_theme)
            ))
            .with_help("port what you changed to a remedy theme folder (tera templates), or keep building with mdBook");
            errors.push(if theme_explicit {
                d.at(&source, raw.output.html.theme.span())
            } else {
                d.in_file(config_relative(&root, &mdbook_theme.join("index.hbs")))
            });
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

        let mut precompress = Precompress::default();
        for encoding in raw.output.html.precompress.get_ref() {
            match encoding.get_ref().as_str() {
                "gzip" => precompress.gzip = true,
                "brotli" => precompress.brotli = true,
                other => errors.push(
                    Diagnostic::error(format!("unknown precompression `{other}`"))
                        .at(&source, encoding.span())
                        .with_help("use \"gzip\", \"brotli\" or both, e.g. precompress = [\"gzip\", \"brotli\"]"),
                ),
            }
        }

        // Where each folder was set, so a clash between them points at a key.
        let src_span = raw.book.src.as_ref().map_or(0..0, |s| s.span());
        let theme_span = raw.output.html.theme.span();
        let build_dir_span = raw.build.build_dir.as_ref().map_or(0..0, |b| b.span());
        let output_dir = match &overrides.output {
            Some(dir) => absolute(dir),
            None => {
                let default = if book { "book" } else { "public" };
                let build_dir = raw
                    .build
                    .build_dir
                    .unwrap_or_else(|| Spanned::new(0..0, default.into()));
                let rel = build_dir.get_ref();
                let mut out = normalize(&root.join(rel));
                // With more than one renderer (`[output.html]` and
                // `[output.linkcheck]`), mdBook writes each into a folder
                // of its own.
                let renderers = toml::from_str::<toml::Table>(text)
                    .ok()
                    .and_then(|t| t.get("output").and_then(|o| o.as_table()).map(|o| o.len()))
                    .unwrap_or(0);
                if book && renderers > 1 {
                    out = out.join("html");
                }
                if !out.starts_with(&root) || out == root {
                    errors.push(
                        Diagnostic::error(format!(
                            "build-dir `{}` is not a folder inside the project",
                            rel.display()
                        ))
                        .at(&source, build_dir.span())
                        .with_help("use a subfolder such as `public`, or pass --output to build elsewhere on purpose"),
                    );
                }
                out
            }
        };
        let output_dir = normalize(&output_dir);
        for (what, dir, span) in [
            ("content", &content_dir, src_span),
            ("theme", &theme_dir, theme_span),
        ] {
            let dir = normalize(dir);
            if dir.starts_with(&output_dir) {
                let d = Diagnostic::error(format!(
                    "the output folder {} contains the {what} folder",
                    output_dir.display()
                ))
                .with_help("the output folder is replaced on every build: choose another one");
                // The key that put one inside the other: `build-dir` when
                // set, else the folder's own key; with --output, the file
                // whose folders it would swallow.
                let at = if overrides.output.is_none() && !build_dir_span.is_empty() {
                    build_dir_span.clone()
                } else {
                    span
                };
                errors.push(if at.is_empty() {
                    d.in_file(&source.path)
                } else {
                    d.at(&source, at)
                });
            }
        }

        let preprocessors = preprocessors(&raw.preprocessor, overrides, &source, &mut errors);
        let html = &raw.output.html;
        if let Some(t) = &html.edit_url_template {
            if !t.get_ref().contains("{path}") {
                errors.push(
                    Diagnostic::warning("edit-url-template has no `{path}`")
                        .at(&source, t.span())
                        .with_help("every page's edit link would be the same; add `{path}` where the file's path goes"),
                );
            }
        }
        for file in html.additional_css.iter().chain(&html.additional_js) {
            if !root.join(file.get_ref()).is_file() {
                errors.push(
                    Diagnostic::error(format!("`{}` does not exist", file.get_ref()))
                        .at(&source, file.span())
                        .with_help("paths are relative to the folder of book.toml"),
                );
            }
        }
        let json = toml::from_str::<serde_json::Value>(text).unwrap_or_default();
        let markdown = Flavor {
            mdbook: book,
            smart_punctuation: html.smart_punctuation,
            definition_lists: html.definition_lists.unwrap_or(book),
            admonitions: html.admonitions,
            hidelines: html.code.hidelines.clone(),
            strict_links: raw.output.linkcheck.is_some(),
        };

        if errors.has_errors() {
            return Err(errors);
        }
        let (warnings, _) = errors.into_iter().partition::<Vec<_>, _>(|d| !d.is_error());
        let html = raw.output.html;
        Ok(Config {
            summary,
            markdown,
            additional_css: html.additional_css.into_iter().map(setting).collect(),
            additional_js: html.additional_js.into_iter().map(setting).collect(),
            git_repository_url: html.git_repository_url,
            edit_url_template: html.edit_url_template.map(Spanned::into_inner),
            cname: html.cname,
            redirects: html
                .redirect
                .into_iter()
                .map(|(k, v)| (k, setting(v)))
                .collect(),
            create_missing: raw.build.create_missing.unwrap_or(true),
            write_sources: overrides.write_sources,
            print: html.print.enable,
            preprocessors,
            json,
            warnings,
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
            highlight_light: setting(html.highlight.light),
            highlight_dark: setting(html.highlight.dark),
            drafts: overrides.drafts,
            search: html.search.enable,
            precompress,
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

/// The preprocessors to run, ordered as mdBook orders them: `before` and
/// `after` first, then by name. `links` and `index` are mdBook's built-ins,
/// done by remedy itself (includes; README -> index.html).
fn preprocessors(
    raw: &BTreeMap<String, Spanned<RawPreprocessor>>,
    overrides: &Overrides,
    source: &Source,
    errors: &mut Diagnostics,
) -> Vec<Preprocessor> {
    let custom: Vec<(&String, &Spanned<RawPreprocessor>)> = raw
        .iter()
        .filter(|(name, p)| {
            !matches!(name.as_str(), "links" | "index")
                && p.get_ref()
                    .renderers
                    .as_ref()
                    .is_none_or(|r| r.iter().any(|r| r == "html"))
        })
        .collect();
    // Kahn's algorithm over the names; BTreeMap order breaks ties.
    let mut after: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, p) in &custom {
        let entry = after.entry(name.as_str()).or_default();
        entry.extend(p.get_ref().after.iter().map(String::as_str));
        for b in &p.get_ref().before {
            after.entry(b.as_str()).or_default().push(name.as_str());
        }
    }
    let known = |n: &str| custom.iter().any(|(c, _)| c.as_str() == n);
    let mut done: Vec<&str> = Vec::new();
    while done.len() < custom.len() {
        let next = custom.iter().map(|(n, _)| n.as_str()).find(|n| {
            !done.contains(n)
                && after
                    .get(n)
                    .is_none_or(|deps| deps.iter().all(|d| !known(d) || done.contains(d)))
        });
        match next {
            Some(n) => done.push(n),
            None => {
                let (name, p) = custom
                    .iter()
                    .find(|(n, _)| !done.contains(&n.as_str()))
                    .map(|(n, p)| (n.as_str(), *p))
                    .unwrap_or(("?", custom[0].1));
                errors.push(
                    Diagnostic::error(format!(
                        "preprocessor `{name}`: `before` and `after` form a cycle"
                    ))
                    .at(source, p.span())
                    .with_help("remove one of the `before`/`after` entries"),
                );
                return Vec::new();
            }
        }
    }
    done.into_iter()
        .filter_map(|name| {
            let (_, p) = custom.iter().find(|(n, _)| n.as_str() == name)?;
            let span = p.span();
            let p = p.get_ref();
            Some(Preprocessor {
                name: name.to_string(),
                command: p
                    .command
                    .as_ref()
                    .map(|c| c.get_ref().clone())
                    .unwrap_or_else(|| format!("mdbook-{name}")),
                span: p.command.as_ref().map_or(span, Spanned::span),
                optional: p.optional,
                run: !overrides.skip_preprocessors.iter().any(|s| s == name),
            })
        })
        .collect()
}

/// `dir` as written relative to the project, for messages.
fn config_relative(root: &Path, dir: &Path) -> String {
    dir.strip_prefix(root)
        .unwrap_or(dir)
        .to_string_lossy()
        .replace('\\', "/")
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
