//! Which `book.toml` keys exist, in remedy, in mdBook 0.5, or in neither.
//!
//! serde stops at the first unknown key, so an mdBook author would fix
//! their file one key per build. This walks the whole document first and
//! reports every key at once: keys remedy honours pass silently, keys mdBook
//! documents but remedy does not implement get one warning each (the book
//! still builds), and keys neither tool knows are errors with a "did you
//! mean". The typed parse in `config` then reads only the honoured keys.
//!
//! The registry lives here, not in `book`, because reading `book.toml` is
//! config's job and `book` (mdBook's chapters and preprocessors) reads the
//! finished `Config`: the dependency points one way only.

use toml::de::{DeTable, DeValue};

use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics, Source};

/// What remedy does with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Honoured.
    Yes,
    /// A table whose sub-keys are checked against the schema.
    Table(&'static [(&'static str, Kind)]),
    /// Documented by mdBook, not implemented here: a warning with the reason.
    Warn(&'static str),
    /// A table of free-form keys (redirects, a preprocessor's own settings).
    Free,
}

use Kind::{Free, Table, Warn, Yes};

const NO_PLAYGROUND: &str =
    "remedy has no Rust playground; code blocks are highlighted and copyable";
const SEARCH_TUNING: &str = "remedy's search ranks with BM25 and has no such setting";

const BOOK: &[(&str, Kind)] = &[
    ("title", Yes),
    ("authors", Yes),
    ("description", Yes),
    ("src", Yes),
    ("language", Yes),
    (
        "text-direction",
        Warn("pages are always laid out left to right"),
    ),
    ("multilingual", Warn("mdBook ignores it too")),
];

const RUST: &[(&str, Kind)] = &[("edition", Warn(NO_PLAYGROUND))];

const BUILD: &[(&str, Kind)] = &[
    ("build-dir", Yes),
    ("create-missing", Yes),
    (
        "use-default-preprocessors",
        Warn("includes and README -> index.html are always done"),
    ),
    // `remedy serve` already watches the whole project folder.
    ("extra-watch-dirs", Yes),
];

const PRINT: &[(&str, Kind)] = &[
    ("enable", Yes),
    (
        "page-break",
        Warn("every chapter starts on a new printed page"),
    ),
];

const FOLD: &[(&str, Kind)] = &[
    (
        "enable",
        Warn("the sidebar opens the current chapter's branch only"),
    ),
    (
        "level",
        Warn("the sidebar opens the current chapter's branch only"),
    ),
];

const PLAYGROUND: &[(&str, Kind)] = &[
    ("editable", Warn(NO_PLAYGROUND)),
    ("copyable", Warn("code blocks always have a Copy button")),
    ("copy-js", Warn(NO_PLAYGROUND)),
    ("line-numbers", Warn(NO_PLAYGROUND)),
    ("runnable", Warn(NO_PLAYGROUND)),
];

const CODE: &[(&str, Kind)] = &[("hidelines", Free)];

const SEARCH: &[(&str, Kind)] = &[
    ("enable", Yes),
    ("limit-results", Warn(SEARCH_TUNING)),
    ("teaser-word-count", Warn(SEARCH_TUNING)),
    ("use-boolean-and", Warn(SEARCH_TUNING)),
    ("boost-title", Warn(SEARCH_TUNING)),
    ("boost-hierarchy", Warn(SEARCH_TUNING)),
    ("boost-paragraph", Warn(SEARCH_TUNING)),
    ("expand", Warn(SEARCH_TUNING)),
    (
        "heading-split-level",
        Warn("results always link to the nearest `##` or `###` heading"),
    ),
    ("copy-js", Warn("the search files are always written")),
    ("chapter", Warn("every chapter is indexed")),
];

const HIGHLIGHT: &[(&str, Kind)] = &[("light", Yes), ("dark", Yes)];

const HTML: &[(&str, Kind)] = &[
    ("theme", Yes),
    ("site-url", Yes),
    ("smart-punctuation", Yes),
    ("definition-lists", Yes),
    ("admonitions", Yes),
    ("additional-css", Yes),
    ("additional-js", Yes),
    ("git-repository-url", Yes),
    ("edit-url-template", Yes),
    ("cname", Yes),
    // Asset URLs always carry a content fingerprint.
    ("hash-files", Yes),
    ("precompress", Yes),
    ("redirect", Free),
    ("search", Table(SEARCH)),
    ("highlight", Table(HIGHLIGHT)),
    (
        "default-theme",
        Warn("the theme follows the reader's light or dark setting"),
    ),
    (
        "preferred-dark-theme",
        Warn("the theme follows the reader's light or dark setting"),
    ),
    ("mathjax-support", Warn("remedy does not load MathJax")),
    ("no-section-label", Warn("remedy does not number chapters")),
    ("git-repository-icon", Warn("the repository link is text")),
    ("input-404", Warn("remedy writes its own 404 page")),
    (
        "sidebar-header-nav",
        Warn("pages always show their headings in an \"On this page\" list"),
    ),
    (
        "live-reload-endpoint",
        Warn("`remedy serve` has its own live reload"),
    ),
    ("print", Table(PRINT)),
    ("fold", Table(FOLD)),
    ("playground", Table(PLAYGROUND)),
    // mdBook 0.5 still reads the table under its old name.
    ("playpen", Table(PLAYGROUND)),
    ("code", Table(CODE)),
];

/// Checks every key of `book.toml`; returns errors and warnings together.
pub fn check(source: &Source) -> Diagnostics {
    let mut diags = Diagnostics::new();
    // Syntax errors are reported by the typed parse that follows.
    let Ok(doc) = DeTable::parse(&source.text) else {
        return diags;
    };
    for (key, value) in doc.get_ref() {
        let name: &str = key.get_ref();
        let span = key.span();
        match name {
            "book" => walk(source, "book", value, BOOK, &mut diags),
            "rust" => walk(source, "rust", value, RUST, &mut diags),
            "build" => walk(source, "build", value, BUILD, &mut diags),
            "output" => output(source, value, &mut diags),
            // A preprocessor's table also holds its own settings, which
            // mdBook passes on to it; the keys mdBook defines are
            // type-checked in `config`.
            "preprocessor" => {}
            _ => unknown(
                source,
                "",
                name,
                span,
                &["book", "rust", "build", "output", "preprocessor"],
                &mut diags,
            ),
        }
    }
    diags
}

fn walk(
    source: &Source,
    path: &str,
    value: &toml::Spanned<DeValue<'_>>,
    schema: &[(&str, Kind)],
    diags: &mut Diagnostics,
) {
    // A wrong type (e.g. `book = 3`) is reported by the typed parse.
    let DeValue::Table(table) = value.get_ref() else {
        return;
    };
    for (key, value) in table {
        let name: &str = key.get_ref();
        let full = format!("{path}.{name}");
        match schema
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, kind)| *kind)
        {
            Some(Yes | Free) => {}
            Some(Table(sub)) => walk(source, &full, value, sub, diags),
            Some(Warn(why)) => diags.push(
                Diagnostic::warning(format!("`{full}` is an mdBook setting remedy ignores"))
                    .at(source, key.span())
                    .with_label("ignored")
                    .with_help(why),
            ),
            None => {
                let names: Vec<&str> = schema.iter().map(|(k, _)| *k).collect();
                unknown(source, path, name, key.span(), &names, diags);
            }
        }
    }
}

/// `[output.html]` is read, `[output.linkcheck]` makes broken links errors;
/// other renderers (`[output.markdown]`, ...) are mdBook back ends remedy
/// does not run.
fn output(source: &Source, value: &toml::Spanned<DeValue<'_>>, diags: &mut Diagnostics) {
    let DeValue::Table(table) = value.get_ref() else {
        return;
    };
    for (key, value) in table {
        let name: &str = key.get_ref();
        if name == "html" {
            walk(source, "output.html", value, HTML, diags);
        } else if name == "linkcheck" {
            // Read as the book asking for strict link checks: remedy checks
            // every link inside the book itself, and follows none outside.
        } else {
            diags.push(
                Diagnostic::warning(format!(
                    "`output.{name}`: remedy writes HTML only and does not run other renderers"
                ))
                .at(source, key.span())
                .with_label("ignored")
                .with_help("remove the table, or build that output with mdBook"),
            );
        }
    }
}

fn unknown(
    source: &Source,
    path: &str,
    name: &str,
    span: std::ops::Range<usize>,
    known: &[&str],
    diags: &mut Diagnostics,
) {
    let place = if path.is_empty() {
        String::new()
    } else {
        format!(" in `[{path}]`")
    };
    let help = match did_you_mean(name, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("known keys here: {}", known.join(", ")),
    };
    let help = format!("{help} (neither remedy nor mdBook 0.5 has this key)");
    diags.push(
        Diagnostic::error(format!("unknown key `{name}`{place}"))
            .at(source, span)
            .with_label("not a known key")
            .with_help(help),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<String> {
        check(&Source::new("book.toml", text))
            .sorted()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn every_unknown_key_is_reported_with_a_place() {
        let d = run("[book]\ntitel = 1\n[output.html]\nsmart-punctuaton = true\n[bild]\n");
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d[0].starts_with("book.toml:2:1: error: unknown key `titel` in `[book]`"));
        assert!(d[0].contains("did you mean `title`?"));
        assert!(d[1].contains("did you mean `smart-punctuation`?"), "{d:?}");
        assert!(d[2].contains("did you mean `build`?"), "{d:?}");
    }

    #[test]
    fn mdbook_keys_warn_once_each() {
        let d = run("[output.html]\nmathjax-support = true\n[output.html.playground]\neditable = true\nline-numbers = true\n[rust]\nedition = \"2021\"\n[preprocessor.x]\ncommand = \"x\"\nanything = 1\n[output.html.redirect]\n\"/a.html\" = \"b.html\"\n");
        assert_eq!(d.len(), 4, "{d:?}");
        assert!(d.iter().all(|l| l.contains("warning")), "{d:?}");
        assert!(d[0].contains("`output.html.mathjax-support`"), "{d:?}");
    }
}
