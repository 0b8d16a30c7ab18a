//! mdBook's text directives: `{{#include}}`, `{{#rustdoc_include}}`,
//! `{{#playground}}` and `{{#title}}`.
//!
//! They are expanded on the chapter's text before Markdown is parsed, as
//! mdBook's `links` preprocessor does, so an include inside a code fence
//! works. Included files are expanded in turn; a file that includes itself,
//! directly or not, is cut off ten levels deep with a warning naming the
//! chain, as mdBook does; and a chapter expands at most 1,000 includes,
//! nested ones counted, since a file that includes itself many times grows
//! exponentially before it is ten levels deep. An include that leaves the book folder works, with a
//! warning (the book then builds only beside that file). A missing file inside the
//! project is an error at the directive; a missing file outside it (books
//! that include their repository's code, built from a partial checkout) is
//! a warning and the directive stays as text, which is what mdBook does.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::config::{normalize, Config};
use crate::diagnostics::{Diagnostic, Source};

/// `\{{#...}}` (escaped, kept as text) or `{{#name args}}`.
static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\\\{\{#[^}]*\}\}|\{\{\s*#(include|rustdoc_include|playground|title)\s+([^}]+?)\s*\}\}",
    )
    .unwrap_or_else(|e| panic!("the directive pattern is valid: {e}"))
});

/// mdBook gives up after this many nested includes; so do we.
const MAX_DEPTH: usize = 10;

/// Most includes one chapter may expand, nested ones counted. Depth alone
/// does not bound the work: a file that includes itself twice is cut off
/// ten levels down after 2^10 expansions, one that does so fifty times
/// would take 50^10, and mdBook would never finish. A chapter of real
/// books has tens.
const MAX_INCLUDES: usize = 1000;

/// What expanding one chapter carries down its includes.
struct Walk {
    /// The files being expanded, outermost first.
    chain: Vec<PathBuf>,
    /// The last `{{#title ...}}`.
    title: Option<String>,
    diagnostics: Vec<Diagnostic>,
    /// Includes expanded so far.
    includes: usize,
}

/// The text of a chapter with its directives expanded.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The new text.
    pub text: String,
    /// The last `{{#title ...}}`, if any.
    pub title: Option<String>,
    /// Errors and warnings, located at the directives.
    pub diagnostics: Vec<Diagnostic>,
}

/// Expands the directives of `source`, the text of the file `file`.
pub fn expand(config: &Config, file: &Path, source: &Source) -> Expanded {
    let mut walk = Walk {
        chain: vec![normalize(file)],
        title: None,
        diagnostics: Vec::new(),
        includes: 0,
    };
    let text = expand_in(config, source, &mut walk);
    Expanded {
        text,
        title: walk.title,
        diagnostics: walk.diagnostics,
    }
}

fn expand_in(config: &Config, source: &Source, walk: &mut Walk) -> String {
    let text: &str = &source.text;
    let Some(file) = walk.chain.last().cloned() else {
        return text.to_string();
    };
    let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in DIRECTIVE.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        out.push_str(&text[last..whole.start()]);
        last = whole.end();
        let (Some(kind), Some(args)) = (caps.get(1), caps.get(2)) else {
            // Escaped: the author wants the directive shown as it is.
            out.push_str(&whole.as_str()[1..]);
            continue;
        };
        let span = whole.range();
        if kind.as_str() == "title" {
            walk.title = Some(args.as_str().trim().to_string());
            continue;
        }
        walk.includes += 1;
        if walk.includes > MAX_INCLUDES {
            if walk.includes == MAX_INCLUDES + 1 {
                walk.diagnostics.push(
                    Diagnostic::error(format!(
                        "more than {MAX_INCLUDES} includes expand into this chapter; the rest are dropped"
                    ))
                    .at(source, span)
                    .with_label("the include past the limit")
                    .with_help("an included file that includes itself (or a file that does) more than once grows the chapter exponentially: remove the include that leads back"),
                );
            }
            continue;
        }
        match include(
            config,
            source,
            &dir,
            kind.as_str(),
            args.as_str(),
            span.clone(),
            walk,
        ) {
            Ok(text) => out.push_str(&text),
            Err(Cut::Dropped(d)) => walk.diagnostics.push(d),
            Err(Cut::Kept(d)) => {
                // A missing file outside the book stays as text, as in mdBook.
                walk.diagnostics.push(d);
                out.push_str(whole.as_str());
            }
        }
    }
    out.push_str(&text[last..]);
    out
}

/// Why a directive was not expanded, and whether it stays in the text.
enum Cut {
    /// The directive is removed (an error, or a cycle cut off).
    Dropped(Diagnostic),
    /// The directive stays as text, as mdBook leaves it.
    Kept(Diagnostic),
}

fn include(
    config: &Config,
    source: &Source,
    dir: &Path,
    kind: &str,
    args: &str,
    span: Range<usize>,
    walk: &mut Walk,
) -> Result<String, Cut> {
    let chain = &walk.chain;
    let mut words = args.split_whitespace();
    let target = words.next().unwrap_or_default();
    let (path, selector) = match target.split_once(':') {
        Some((p, s)) => (p, Some(s)),
        None => (target, None),
    };
    let file = normalize(&dir.join(path));
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            let inside = file.starts_with(&config.root);
            let d = if inside {
                Diagnostic::error(format!("cannot include `{path}`: {e}"))
                    .with_label("broken include")
                    .with_help("the path is relative to this file's folder")
            } else {
                Diagnostic::warning(format!(
                    "cannot include `{path}` (outside the book folder): {e}; the directive is left as text"
                ))
                .with_label("not included")
                .with_help("build from a checkout that has this file, or copy it into the book")
            };
            let d = d.at(source, span);
            return Err(if inside {
                Cut::Dropped(d)
            } else {
                Cut::Kept(d)
            });
        }
    };
    if chain.len() > MAX_DEPTH {
        // mdBook expands an include that recurses ten levels deep and drops
        // the directive there, with an error in its log but a built book.
        let names: Vec<String> = match chain.iter().rposition(|f| *f == file) {
            Some(i) => chain[i..]
                .iter()
                .chain(std::iter::once(&file))
                .map(|f| config.display_path(f).display().to_string())
                .collect(),
            None => vec![config.display_path(&file).display().to_string()],
        };
        return Err(Cut::Dropped(
            Diagnostic::warning(format!(
                "include cycle: {}; cut off after {MAX_DEPTH} levels, as mdBook does",
                names.join(" -> ")
            ))
            .at(source, span)
            .with_label("dropped here")
            .with_help("remove the include that leads back to a file that includes it"),
        ));
    }
    if !file.starts_with(&config.root) && !chain.iter().any(|f| !f.starts_with(&config.root)) {
        walk.diagnostics.push(
            Diagnostic::warning(format!(
                "`{path}` is outside the book folder; the book builds only where that file exists"
            ))
            .at(source, span.clone())
            .with_label("outside the book")
            .with_help(
                "copy the file into the book, or keep the book in the repository that has it",
            ),
        );
    }
    let selected = match select(&text, selector, kind == "rustdoc_include") {
        Ok(s) => s,
        Err(why) => {
            return Err(Cut::Dropped(Diagnostic::error(format!("cannot include `{target}`: {why}"))
                .at(source, span)
                .with_label("broken include")
                .with_help("use `file:LINE`, `file:FROM:TO` or `file:ANCHOR` with `// ANCHOR: name` and `// ANCHOR_END: name` lines in the file")));
        }
    };
    let selected = if kind == "playground" {
        let attrs: Vec<&str> = words.collect();
        let info = if attrs.is_empty() {
            "rust".to_string()
        } else {
            format!("rust,{}", attrs.join(","))
        };
        format!("```{info}\n{}\n```", selected.trim_end_matches('\n'))
    } else {
        selected
    };
    walk.chain.push(file.clone());
    let inner = Source::new(config.display_path(&file), selected);
    let expanded = expand_in(config, &inner, walk);
    walk.chain.pop();
    Ok(expanded)
}

/// The part of `text` a selector names: `N`, `N:`, `:M`, `N:M` (1-based,
/// inclusive) or an anchor name. For `rustdoc_include` the rest of the file
/// is kept with lines hidden by a leading `# `, so the code still compiles.
fn select(text: &str, selector: Option<&str>, hide_rest: bool) -> Result<String, String> {
    let lines: Vec<&str> = text.lines().collect();
    let keep: Vec<bool> = match selector.map(str::trim) {
        None | Some("") => vec![true; lines.len()],
        Some(sel)
            if sel
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c == ':') =>
        {
            let (from, to) = match sel.split_once(':') {
                Some((a, b)) => (a, Some(b)),
                None => (sel, None),
            };
            let num = |s: &str| -> Result<Option<usize>, String> {
                if s.is_empty() {
                    Ok(None)
                } else {
                    s.parse::<usize>()
                        .map(Some)
                        .map_err(|_| format!("`{s}` is not a line number"))
                }
            };
            let from = num(from)?.unwrap_or(1).max(1);
            let to = match to {
                None => Some(from),
                Some(t) => num(t)?,
            }
            .unwrap_or(usize::MAX);
            (1..=lines.len()).map(|n| n >= from && n <= to).collect()
        }
        Some(anchor) => {
            let mut inside = false;
            let mut found = false;
            let keep = lines
                .iter()
                .map(|l| {
                    if anchor_name(l, "ANCHOR_END:") == Some(anchor) {
                        inside = false;
                    } else if anchor_name(l, "ANCHOR:") == Some(anchor) {
                        inside = true;
                        found = true;
                        return false;
                    }
                    inside
                })
                .collect();
            if !found {
                return Err(format!("no `ANCHOR: {anchor}` line in the file"));
            }
            keep
        }
    };
    let mut out = Vec::new();
    for (line, keep) in lines.iter().zip(keep) {
        // Anchor lines are markers for includes, never content.
        if anchor_name(line, "ANCHOR:").is_some() || anchor_name(line, "ANCHOR_END:").is_some() {
            continue;
        }
        if keep {
            out.push(line.to_string());
        } else if hide_rest {
            out.push(format!("# {line}"));
        }
    }
    Ok(out.join("\n"))
}

fn anchor_name<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let at = line.find(marker)?;
    let name = line[at + marker.len()..].trim();
    let name = name.split_whitespace().next().unwrap_or_default();
    Some(name.trim_end_matches("*/").trim_end_matches("-->").trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "a\n// ANCHOR: x\nb\nc\n// ANCHOR_END: x\nd\n";

    #[test]
    fn ranges_and_anchors() {
        assert_eq!(select(FILE, Some("1"), false).unwrap(), "a");
        assert_eq!(select(FILE, Some("3:4"), false).unwrap(), "b\nc");
        assert_eq!(select(FILE, Some(":3"), false).unwrap(), "a\nb");
        assert_eq!(select(FILE, Some("6:"), false).unwrap(), "d");
        assert_eq!(select(FILE, Some("x"), false).unwrap(), "b\nc");
        assert_eq!(select(FILE, Some("x"), true).unwrap(), "# a\nb\nc\n# d");
        assert!(select(FILE, Some("y"), false).is_err());
    }
}
