//! The dialect of a site's Markdown, as `book.toml` sets it.
//!
//! Plain data: config fills it in, `markdown` reads it. It lives in config so
//! that reading settings never depends on the Markdown stage (config is the
//! bottom of the pipeline, markdown and highlight read config).

/// The dialect of a site's Markdown: remedy's own, or mdBook's for a book
/// (its `[output.html]` switches, its heading ids, Rust's hidden lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flavor {
    /// Heading ids and hidden `# ` lines in Rust code as mdBook makes them.
    pub mdbook: bool,
    /// `smart-punctuation`: curly quotes, dashes and ellipses.
    pub smart_punctuation: bool,
    /// `definition-lists`.
    pub definition_lists: bool,
    /// `admonitions`: `> [!NOTE]` blocks.
    pub admonitions: bool,
    /// `[output.html.code.hidelines]`: language -> the prefix of its hidden
    /// lines (Rust's `#` needs no entry).
    pub hidelines: std::collections::BTreeMap<String, String>,
    /// A book that asks for strict link checking (`[output.linkcheck]`):
    /// its broken links are errors. Otherwise a book's broken links are
    /// warnings, since mdBook builds such books; a native site's are always
    /// errors.
    pub strict_links: bool,
}

impl Default for Flavor {
    /// remedy's own Markdown, as it has always been read.
    fn default() -> Self {
        Flavor {
            mdbook: false,
            smart_punctuation: false,
            definition_lists: false,
            admonitions: true,
            hidelines: std::collections::BTreeMap::new(),
            strict_links: false,
        }
    }
}
