//! `[output.html.redirect]`: pages that send readers from an old URL to a
//! new one, checked as mdBook checks them and a little more.
//!
//! mdBook refuses a redirect from a chapter's own URL (the chapter would
//! be lost) and a source that has only `#fragment` entries (nothing says
//! where the page itself goes): both are errors here too, at their line of
//! book.toml. A target that is not in the book is a warning: mdBook writes
//! such a redirect without looking, but a reader following it gets a 404.
//! A book's target that climbs out of the book (`../../std/index.html`, a
//! sibling book on the same host) cannot be checked; it joins the links
//! that leave the book, which the build counts in one line.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::content::Library;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::escape::escape_attr;
use crate::markdown::resolve_relative;

/// The redirect pages, by output path; targets that leave a book are
/// added to `unchecked` (`book.toml:LINE:COL: target`).
pub fn pages(
    config: &Config,
    library: &Library,
    diags: &mut Diagnostics,
    unchecked: &mut Vec<String>,
) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for (from, to) in &config.redirects {
        let file = source_file(from);
        let file = file.as_str();
        let at = |d: Diagnostic| d.at(&config.source, to.span.clone());
        if let Some((page, _)) = file.split_once('#') {
            if !library.redirects.contains(page) && !library.by_path.contains_key(page) {
                diags.push(at(Diagnostic::error(format!(
                    "redirect `{from}`: `/{page}` has only `#fragment` redirects, so nothing says where the page itself goes"
                ))
                .with_help(format!("add `\"/{page}\" = \"new-page.html\"`"))));
            } else {
                diags.push(at(Diagnostic::warning(format!(
                    "redirect `{from}`: fragment redirects are not supported; skipped"
                ))
                .with_help("the page's own redirect (or the chapter) still answers")));
            }
            continue;
        }
        if file.is_empty() {
            diags.push(at(Diagnostic::error(format!(
                "redirect `{from}` has no page to redirect from"
            ))
            .with_help(
                "write the old page's path, e.g. \"/old.html\" = \"new.html\"",
            )));
            continue;
        }
        if let Some(&page) = library.by_path.get(file) {
            diags.push(at(Diagnostic::error(format!(
                "redirect `{from}` is the URL of the chapter {}",
                library.pages[page].source.path.display()
            ))
            .with_label("clashes with a chapter")
            .with_help(
                "delete the redirect or remove the chapter (mdBook refuses this too)",
            )));
            continue;
        }
        match missing_target(library, file, &to.value) {
            Some(Missing::Outside) if config.markdown.mdbook => {
                let (line, col) = config.source.line_col(to.span.start);
                unchecked.push(format!(
                    "{}:{line}:{col}: {}",
                    config.source.path.display(),
                    to.value
                ));
            }
            Some(missing) => diags.push(at(Diagnostic::warning(format!(
                "redirect `{from}` points to `{}`, {}",
                to.value,
                missing.why()
            ))
            .with_label("redirect to nowhere")
            .with_help("point it at a chapter's .html URL, relative to the redirect's own folder or starting with `/`"))),
            None => {}
        }
        out.insert(file.to_string(), html(config, &to.value).into_bytes());
    }
    out
}

/// The file a redirect's source names: `/a/b.html` and `./a/b.html` are
/// both `a/b.html`, as mdBook writes them.
pub fn source_file(from: &str) -> String {
    from.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Why a redirect target is not in the book.
enum Missing {
    /// It climbs above the book's root.
    Outside,
    /// Inside the book, where no page or file is.
    Absent(String),
}

impl Missing {
    fn why(&self) -> String {
        match self {
            Missing::Outside => "which is outside the book".into(),
            Missing::Absent(target) => {
                format!("which the book does not have (no page or file at /{target})")
            }
        }
    }
}

/// Why a redirect target is not in the book, if it is not.
fn missing_target(library: &Library, from: &str, to: &str) -> Option<Missing> {
    let external = to.starts_with("//")
        || to
            .split_once(':')
            .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/'));
    if external {
        return None;
    }
    let path = to.split(['#', '?']).next().unwrap_or_default();
    let target = match path.strip_prefix('/') {
        Some(site) => Some(site.to_string()),
        None => resolve_relative(from, path),
    };
    let Some(target) = target else {
        return Some(Missing::Outside);
    };
    let target = match target.is_empty() || target.ends_with('/') {
        true => format!("{target}index.html"),
        false => target,
    };
    let found = library.by_path.contains_key(&target)
        || library.redirects.contains(&target)
        || library.assets.iter().any(|a| a.rel_path == target);
    (!found).then_some(Missing::Absent(target))
}

fn html(config: &Config, to: &str) -> String {
    let target = escape_attr(to);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Redirecting…</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{target}\">\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{target}\">{target}</a>.</p>\n</body>\n</html>\n",
        escape_attr(&config.language)
    )
}
