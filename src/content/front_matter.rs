//! TOML front matter between `+++` lines at the top of a Markdown file.
//!
//! The split is done by hand (not by a regex) so the errors can say exactly
//! what is wrong: no opening line, an opening `---` (YAML, which we do not
//! read), or an opening line that is never closed.

use serde::Deserialize;
use toml::Spanned;

use super::date::Date;
use crate::diagnostics::{self, Diagnostic, Source};

/// The keys a page may set. Unknown keys are errors.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Shown as the page's `<h1>`, `<title>` and in navigation. Plain text.
    pub title: String,
    /// One sentence for search results and `<meta name="description">`.
    #[serde(default)]
    pub description: Option<String>,
    /// HTTP status codes the page is about.
    #[serde(default)]
    pub codes: Vec<Spanned<i64>>,
    /// Free-form tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Order within the section; smaller first, pages without one last.
    #[serde(default)]
    pub weight: Option<i64>,
    /// Drafts are built only with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Old site paths (`/old/path/`) that redirect to this page.
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    /// A short label for the sidebar (the title when absent). Plain text.
    #[serde(default)]
    pub short: Option<String>,
    /// Hosts the service a page is about answers from (`api.cohere.com`,
    /// `*.myshopify.com` for any shop): a pasted URL, `Host:` line or
    /// domain naming one points triage and search at this page.
    #[serde(default)]
    pub hosts: Vec<Spanned<String>>,
    /// The day the page's sources were last read (`checked = 2026-12-01`):
    /// shown on the page, the sitemap's `<lastmod>`, the guide's
    /// `dateModified`, and what `remedy check --stale` ages.
    /// A `Value` rather than a `Datetime`, so a quoted date gets an error
    /// that says to unquote it rather than serde's "expected a datetime".
    #[serde(default)]
    pub checked: Option<Spanned<toml::Value>>,
}

impl FrontMatter {
    /// A page that has only a title (a generated section page, a book
    /// chapter without front matter).
    pub fn titled(title: String) -> FrontMatter {
        FrontMatter {
            title,
            description: None,
            codes: Vec::new(),
            tags: Vec::new(),
            weight: None,
            draft: false,
            aliases: Vec::new(),
            short: None,
            hosts: Vec::new(),
            checked: None,
        }
    }

    /// The `checked` date; `parse` has rejected any that is not a date.
    pub fn checked(&self) -> Option<Date> {
        self.checked
            .as_ref()
            .and_then(|c| date_of(c.get_ref()).ok())
    }
}

/// A file split into its parsed front matter and its Markdown body.
#[derive(Debug, Clone)]
pub struct Split {
    /// The parsed front matter.
    pub front_matter: FrontMatter,
    /// Byte offset of the front matter's TOML text (spans inside
    /// `front_matter` are relative to it).
    pub front_matter_offset: usize,
    /// Byte offset of the body in the file's text.
    pub body_offset: usize,
}

/// Splits and parses the front matter of `source`.
pub fn parse(source: &Source) -> Result<Split, Vec<Diagnostic>> {
    let text: &str = &source.text;
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let first = text[..first_line_end].trim_end();
    if first != "+++" {
        let help = if first == "---" {
            "remedy reads TOML front matter between `+++` lines; replace both `---` lines with `+++` and write the keys as TOML"
        } else {
            "start the file with a `+++` line, then `title = \"...\"`, then a closing `+++` line"
        };
        return Err(vec![Diagnostic::error(
            "the file does not start with front matter",
        )
        .at(source, 0..first_line_end.min(3))
        .with_label("expected `+++` here")
        .with_help(help)]);
    }
    let mut pos = first_line_end;
    let fm_start = pos;
    let mut fm_end = None;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..end].trim_end() == "+++" {
            fm_end = Some((pos, end));
            break;
        }
        pos = end;
    }
    let Some((fm_end, body_offset)) = fm_end else {
        return Err(vec![Diagnostic::error("the front matter is never closed")
            .at(source, 0..3)
            .with_label("front matter opened here")
            .with_help(
                "add a line with only `+++` after the last front matter key",
            )]);
    };
    let fm_text = &text[fm_start..fm_end];
    let front_matter: FrontMatter = toml::from_str(fm_text)
        .map_err(|e| vec![diagnostics::from_toml_error(source, fm_start, &e)])?;

    let mut errors = Vec::new();
    if front_matter.title.trim().is_empty() {
        errors.push(
            Diagnostic::error("the title is empty")
                .at(source, fm_start..fm_end)
                .with_help("give the page a title: `title = \"...\"`"),
        );
    }
    for code in &front_matter.codes {
        if !(100..=599).contains(code.get_ref()) {
            errors.push(
                Diagnostic::error(format!("{} is not an HTTP status code", code.get_ref()))
                    .at(source, offset(code.span(), fm_start))
                    .with_help("status codes are between 100 and 599"),
            );
        }
    }
    for alias in &front_matter.aliases {
        let a = alias.get_ref();
        if !a.starts_with('/') || a.contains("..") || a.contains(['?', '#', '\\']) {
            errors.push(
                Diagnostic::error(format!("alias `{a}` is not a site path"))
                    .at(source, offset(alias.span(), fm_start))
                    .with_help("write aliases as paths from the site root, such as `/old/page/`"),
            );
        }
    }
    for host in &front_matter.hosts {
        if let Err(why) = check_host(host.get_ref()) {
            errors.push(
                Diagnostic::error(format!("`{}` is not a host name: {why}", host.get_ref()))
                    .at(source, offset(host.span(), fm_start))
                    .with_help(
                        "write a lowercase host such as `api.example.com`, or `*.example.com` for any of its subdomains; no scheme, port or path",
                    ),
            );
        }
    }
    if let Some(checked) = &front_matter.checked {
        if let Err(why) = date_of(checked.get_ref()) {
            errors.push(
                Diagnostic::error(format!("`checked` must be a date: {why}"))
                    .at(source, offset(checked.span(), fm_start))
                    .with_help(CHECKED_HELP),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Split {
        front_matter,
        front_matter_offset: fm_start,
        body_offset,
    })
}

/// The date a `checked` value holds, or why it holds none.
fn date_of(value: &toml::Value) -> Result<Date, &'static str> {
    match value {
        toml::Value::Datetime(d) => Date::from_toml(d),
        toml::Value::String(_) => Err("it is quoted, so TOML reads it as text"),
        _ => Err("it is not a date"),
    }
}

/// How to write `checked`, for every error about it.
const CHECKED_HELP: &str =
    "write the day the sources were read as a TOML date, unquoted: `checked = 2026-12-01`";

/// A host as `hosts` takes it: lowercase DNS labels (letters, digits,
/// inner hyphens), at least two of them, optionally after `*.`.
fn check_host(host: &str) -> Result<(), &'static str> {
    let name = host.strip_prefix("*.").unwrap_or(host);
    if name.contains("://") || name.contains(['/', ':', '?', '#', '@']) {
        return Err("it has a scheme, port or path");
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return Err("it needs at least two labels, such as `example.com`");
    }
    for l in labels {
        let ok = !l.is_empty()
            && l.len() <= 63
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-');
        if !ok {
            return Err("each label is lowercase letters, digits and inner hyphens");
        }
    }
    Ok(())
}

fn offset(r: std::ops::Range<usize>, by: usize) -> std::ops::Range<usize> {
    r.start + by..r.end + by
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        let s = Source::new("a.md", text);
        parse(&s).unwrap_err()[0].to_string()
    }

    #[test]
    fn parses_keys_and_body_offset() {
        let s = Source::new("a.md", "+++\ntitle = \"T\"\ncodes = [402]\n+++\nbody");
        let split = parse(&s).unwrap();
        assert_eq!(split.front_matter.title, "T");
        assert_eq!(&s.text[split.body_offset..], "body");
    }

    #[test]
    fn errors_name_the_line() {
        assert!(err("# no fm").starts_with("a.md:1:1: error: the file does not start"));
        assert!(err("---\ntitle: x\n---\n").contains("replace both `---`"));
        assert!(err("+++\ntitle = \"x\"\nbody")
            .starts_with("a.md:1:1: error: the front matter is never closed"));
        assert!(err("+++\ntitle = \"x\"\nweight = \"a\"\n+++\n")
            .starts_with("a.md:3:10: error: invalid type"));
        assert!(err("+++\ndescription = \"x\"\n+++\n").contains("missing required key `title`"));
        assert!(err("+++\ntitle = \"x\"\ncodes = [42]\n+++\n")
            .starts_with("a.md:3:10: error: 42 is not"));
        assert!(err("+++\ntitle = \"x\"\ntag = []\n+++\n").contains("did you mean `tags`?"));
        assert!(
            err("+++\ntitle = \"x\"\nhosts = [\"https://api.x.com/\"]\n+++\n")
                .starts_with("a.md:3:10: error: `https://api.x.com/` is not a host name")
        );
        assert!(err("+++\ntitle = \"x\"\nhosts = [\"API.x.com\"]\n+++\n").contains("lowercase"));
        assert!(err("+++\ntitle = \"x\"\nhosts = [\"localhost\"]\n+++\n").contains("two labels"));
    }
}
