//! Tera's errors as diagnostics that name the theme file and line.
//!
//! Tera names templates (`page.html`), but a theme author edits files, and
//! a template of their theme may be linked with one of the built-in theme;
//! so every error is pointed at the file the template came from, and the
//! errors found while linking templates together (reported by tera as one
//! block of text) become one diagnostic each, explained where tera's words
//! alone would leave a newcomer guessing which file to change.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use regex::Regex;
use tera::ErrorKind;

use crate::diagnostics::{Diagnostic, Diagnostics, Source};

/// Template name -> the file it came from, with its text.
pub(super) type Origins = BTreeMap<String, Source>;

const HELP: &str = "fix the template; the variables templates get are listed in the README";

fn origin(origins: &Origins, name: &str) -> PathBuf {
    origins
        .get(name)
        .map(|s| s.path.clone())
        .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")))
}

/// Points `d` at `line:col` (1-based) of the template `name`, or at the
/// bytes `range` of its text when tera gave them: with the excerpt every
/// other error of a text file has.
fn at(
    d: Diagnostic,
    origins: &Origins,
    name: &str,
    (line, col): (usize, usize),
    range: Option<std::ops::Range<usize>>,
) -> Diagnostic {
    match origins.get(name) {
        Some(source) => {
            let range = range
                .filter(|r| r.end <= source.text.len() && r.start <= r.end)
                .unwrap_or_else(|| {
                    let at = source.offset(line, col);
                    at..at
                });
            d.at(source, range)
        }
        None => d.at_line_col(origin(origins, name), line, col),
    }
}

/// Converts a tera error into a diagnostic naming the template file and line.
pub(super) fn tera_diagnostic(origins: &Origins, e: &tera::Error) -> Diagnostic {
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let what = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            let span = r.span();
            at(
                Diagnostic::error(format!("{what}: {}", r.message())),
                origins,
                r.filename(),
                (span.start_line, span.start_col + 1),
                Some(span.range.clone()),
            )
            .with_help(HELP)
        }
        ErrorKind::MissingParent { current, parent } => Diagnostic::error(format!(
            "template `{current}` extends `{parent}`, which does not exist"
        ))
        .in_file(origin(origins, current))
        .with_help(format!(
            "add templates/{parent} to the theme, or extend `base.html`"
        )),
        ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => Diagnostic::error(format!(
            "templates extend each other in a loop: {} -> {tpl}",
            inheritance_chain.join(" -> ")
        ))
        .in_file(origin(origins, tpl))
        .with_help("one template of the loop must extend none of the others"),
        ErrorKind::TemplateNotFound(name) => {
            Diagnostic::error(format!("template `{name}` not found"))
                .with_help(format!("add templates/{name} to the theme"))
        }
        other => {
            let text = other.to_string();
            let first = reports(&text).next().unwrap_or(&text);
            from_report(origins, first)
        }
    }
}

/// The errors of linking the theme's templates together, one diagnostic
/// each. `raw` holds every template's name and text.
pub(super) fn load_diagnostics(
    origins: &Origins,
    raw: &[(String, String)],
    e: &tera::Error,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    match e.kind() {
        ErrorKind::Msg(text) => {
            for report in reports(text) {
                let mut d = from_report(origins, report);
                if let Some(help) = missing_block_help(origins, raw, report) {
                    d = d.with_help(help);
                }
                diags.push(d);
            }
        }
        _ => diags.push(tera_diagnostic(origins, e)),
    }
    diags
}

/// Tera joins the reports of one load with blank lines; each opens with
/// `error: `.
fn reports(text: &str) -> impl Iterator<Item = &str> {
    let mut starts: Vec<usize> = text
        .match_indices("error: ")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')
        .collect();
    if starts.first() != Some(&0) {
        starts.insert(0, 0);
    }
    let ends: Vec<usize> = starts.iter().skip(1).copied().chain([text.len()]).collect();
    starts
        .into_iter()
        .zip(ends)
        .map(move |(a, b)| text[a..b].trim())
        .filter(|r| !r.is_empty())
}

/// One rustc-style report (`error: ...` then ` --> name:line:col`), pointed
/// at the file the template came from.
fn from_report(origins: &Origins, text: &str) -> Diagnostic {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string();
    let mut d = Diagnostic::error(format!("template error: {first}"));
    if let Some((name, line, col)) = pointer(text) {
        d = at(d, origins, name, (line, col), None);
    }
    d.with_help(HELP)
}

/// The template name, line and column of a report's ` --> ` line.
fn pointer(text: &str) -> Option<(&str, usize, usize)> {
    let p = text
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))?;
    let mut parts = p.rsplitn(3, ':');
    let col = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    Some((parts.next()?, line, col))
}

/// For "Block `x` is not defined in any parent template": which parents
/// were looked in, by file, so the author knows whether to add the block to
/// their `base.html` or drop it from the child (the child is often a
/// built-in template they never opened).
fn missing_block_help(origins: &Origins, raw: &[(String, String)], report: &str) -> Option<String> {
    let block = report
        .split_once("Block `")?
        .1
        .split_once("` is not defined in any parent template")?
        .0;
    let (child, _, _) = pointer(report)?;
    let mut chain = Vec::new();
    let mut at = child;
    while let Some(parent) = extends(raw, at) {
        if chain.contains(&parent) || chain.len() > raw.len() {
            break;
        }
        chain.push(parent);
        at = parent;
    }
    let parents: Vec<String> = chain
        .iter()
        .map(|p| format!("`{p}` ({})", origin(origins, p).display()))
        .collect();
    let last = chain.last()?;
    Some(format!(
        "`{child}` fills the block `{block}`, but it extends {}, which defines no such block: add `{{% block {block} %}}{{% endblock {block} %}}` to {}, or remove the block from {}",
        parents.join(", which extends "),
        origin(origins, last).display(),
        origin(origins, child).display(),
    ))
}

/// The template `name` extends, read from its `{% extends "..." %}`.
fn extends<'a>(raw: &'a [(String, String)], name: &str) -> Option<&'a str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"\{%-?\s*extends\s+["'`]([^"'`]+)["'`]\s*-?%\}"#).expect("a valid pattern")
    });
    let (_, text) = raw.iter().find(|(n, _)| n == name)?;
    let caps = re.captures(text)?;
    let parent = caps.get(1)?.as_str();
    raw.iter()
        .find(|(n, _)| n == parent)
        .map(|(n, _)| n.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_of_a_load_is_a_diagnostic_naming_the_parent_file() {
        let raw: Vec<(String, String)> = vec![
            ("base.html".into(), "<p>{% block content %}{% endblock content %}</p>".into()),
            (
                "404.html".into(),
                "{% extends \"base.html\" %}\n{% block title %}T{% endblock title %}".into(),
            ),
            (
                "page.html".into(),
                "{% extends \"base.html\" %}\n{% block after_content %}{% endblock after_content %}"
                    .into(),
            ),
        ];
        let paths = [
            ("base.html", "theme/base.html"),
            ("404.html", "<built-in>/404.html"),
            ("page.html", "theme/page.html"),
        ];
        let origins: Origins = raw
            .iter()
            .zip(paths)
            .map(|((name, text), (_, path))| (name.clone(), Source::new(path, text.as_str())))
            .collect();
        let mut tera = tera::Tera::new();
        let e = tera
            .add_raw_templates(raw.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .expect_err("blocks missing from the parent");
        let diags = load_diagnostics(&origins, &raw, &e).sorted();
        assert_eq!(diags.len(), 2, "{diags:?}");
        let text: Vec<String> = diags.iter().map(|d| format!("{d} {d:?}")).collect();
        let page = text
            .iter()
            .find(|t| t.contains("after_content"))
            .expect("the after_content error");
        assert!(page.contains("theme/page.html"), "{page}");
        assert!(page.contains("`base.html` (theme/base.html)"), "{page}");
        let missing = text
            .iter()
            .find(|t| t.contains("`title`"))
            .expect("the title error");
        assert!(missing.contains("<built-in>/404.html"), "{missing}");
    }
}
