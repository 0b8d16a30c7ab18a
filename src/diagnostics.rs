//! Errors and warnings about a user's input, with the place they point at.
//!
//! Every stage of the build reports problems as [`Diagnostic`]s instead of
//! returning on the first one, so an author sees all broken links or bad front
//! matter of one build at once. A diagnostic names a file and, where it can, a
//! byte range in that file's text; the printer turns that into `file:line:col`
//! and a source excerpt with a caret, the way rustc does.
//!
//! Only the binary (`main` and `src/cmd/`) decides what to print and which
//! exit code to use: library code hands diagnostics back and never prints
//! them itself. Every diagnostic prints one way, [`Diagnostic::emit`]: a
//! build's terminal, `remedy serve`'s terminal and its browser overlay
//! ([`Diagnostic::render`]) show the same text.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;

/// How bad a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build cannot produce a correct site.
    Error,
    /// The site is built, but something is probably not what the author meant.
    Warning,
}

/// A source text shared by all diagnostics that point into it.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path shown to the user (relative to the project root when possible).
    pub path: PathBuf,
    /// The whole text of the file.
    pub text: Arc<str>,
}

impl Source {
    /// Wraps a file's text for diagnostics.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }
}

impl Source {
    /// The byte offset of a 1-based line and column (in characters),
    /// clamped to the line's end and the text's end.
    pub fn offset(&self, line: usize, col: usize) -> usize {
        let text = &*self.text;
        let start = match line.checked_sub(2) {
            None => 0,
            Some(n) => text
                .match_indices('\n')
                .nth(n)
                .map_or(text.len(), |(i, _)| i + 1),
        };
        let rest = &text[start..];
        let line_len = rest.find('\n').unwrap_or(rest.len());
        let within = rest[..line_len]
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line_len, |(i, _)| i);
        start + within
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Where a diagnostic points: a file, and optionally a span inside it.
#[derive(Debug, Clone)]
pub enum Location {
    /// A whole file, with no better position known (e.g. it is not UTF-8).
    File(PathBuf),
    /// A byte range inside a file whose text we have.
    Span(Source, Range<usize>),
    /// A line and column known without the text (e.g. from a template engine).
    LineCol(PathBuf, usize, usize),
}

/// One problem found in the user's input.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where it is, if it is anywhere in particular.
    pub location: Option<Box<Location>>,
    /// A short label printed under the caret.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error with no location yet.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            label: None,
            help: None,
        }
    }

    /// A new warning with no location yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Points the diagnostic at a span of a source text.
    pub fn at(mut self, source: &Source, span: Range<usize>) -> Self {
        self.location = Some(Box::new(Location::Span(source.clone(), span)));
        self
    }

    /// Points the diagnostic at a whole file.
    pub fn in_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.location = Some(Box::new(Location::File(path.into())));
        self
    }

    /// Points the diagnostic at a known line and column (both 1-based).
    pub fn at_line_col(mut self, path: impl Into<PathBuf>, line: usize, col: usize) -> Self {
        self.location = Some(Box::new(Location::LineCol(path.into(), line, col)));
        self
    }

    /// Adds the text shown under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a hint on how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The file this diagnostic points at, if any.
    pub fn path(&self) -> Option<&Path> {
        match self.location.as_deref() {
            Some(Location::File(p)) | Some(Location::LineCol(p, _, _)) => Some(p),
            Some(Location::Span(s, _)) => Some(&s.path),
            None => None,
        }
    }

    /// 1-based line and column, when the location has them.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        match self.location.as_deref() {
            Some(Location::Span(s, r)) => Some(s.line_col(r.start)),
            Some(Location::LineCol(_, l, c)) => Some((*l, *c)),
            _ => None,
        }
    }

    /// Sort key that orders diagnostics by file and position.
    fn sort_key(&self) -> (Option<PathBuf>, usize, usize, Severity, String) {
        let (l, c) = self.line_col().unwrap_or((0, 0));
        (
            self.path().map(Path::to_path_buf),
            l,
            c,
            self.severity,
            self.message.clone(),
        )
    }

    /// Prints the diagnostic with a source excerpt, coloured when `color` allows it.
    pub fn emit(&self, out: &mut dyn termcolor::WriteColor) -> std::io::Result<()> {
        let config = term::Config::default();
        let mut d = match self.severity {
            Severity::Error => cs::Diagnostic::error(),
            Severity::Warning => cs::Diagnostic::warning(),
        }
        .with_message(&self.message);
        if let Some(help) = &self.help {
            d = d.with_notes(vec![format!("help: {help}")]);
        }
        match self.location.as_deref() {
            Some(Location::Span(source, span)) => {
                let file = SimpleFile::new(source.path.display().to_string(), source.text.as_ref());
                let start = floor_char_boundary(&source.text, span.start.min(source.text.len()));
                let end = floor_char_boundary(&source.text, span.end.min(source.text.len()));
                let label = cs::Label::primary((), start..end.max(start))
                    .with_message(self.label.clone().unwrap_or_default());
                d = d.with_labels(vec![label]);
                term::emit_to_write_style(out, &config, &file, &d).map_err(std::io::Error::other)
            }
            _ => {
                if let Some(loc) = self.location_text() {
                    d.notes.insert(0, format!("in {loc}"));
                }
                let file = SimpleFile::new(String::new(), "");
                term::emit_to_write_style(out, &config, &file, &d).map_err(std::io::Error::other)
            }
        }
    }

    /// The diagnostic as [`Diagnostic::emit`] prints it, without colour:
    /// what `remedy serve` shows in the browser over the last good build.
    pub fn render(&self) -> String {
        let mut out = termcolor::NoColor::new(Vec::new());
        // Writing into a Vec cannot fail.
        let _ = self.emit(&mut out);
        String::from_utf8_lossy(&out.into_inner()).into_owned()
    }

    fn location_text(&self) -> Option<String> {
        let path = self.path()?.display().to_string();
        Some(match self.line_col() {
            Some((l, c)) => format!("{path}:{l}:{c}"),
            None => path,
        })
    }
}

/// Every diagnostic as [`Diagnostic::render`] shows it, one after another.
pub fn render_all(diags: &[Diagnostic]) -> String {
    diags.iter().map(Diagnostic::render).collect()
}

/// `file:line:col: error: message` on one line, for tests and assertions
/// (what a person reads is [`Diagnostic::emit`]).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = self.location_text() {
            write!(f, "{loc}: ")?;
        }
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// The diagnostics one build collected, kept in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds all diagnostics of another collection.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// True when at least one error is present.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// All diagnostics sorted by file and position, so output does not
    /// depend on the order parallel work finished in.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by_cached_key(Diagnostic::sort_key);
        self.items
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Why a command failed. Every public entry point of the library (build,
/// check, serve, init, diagnose, triage, search) returns this one type, so
/// `main` has one place that prints a failure and picks the exit code.
#[derive(Debug)]
pub enum Failure {
    /// The user's input has errors: every diagnostic (warnings included),
    /// sorted by file and line.
    Diagnostics(Vec<Diagnostic>),
    /// Reading the command's input or writing its output failed, on the
    /// stream named; a closed pipe (`remedy search x | head -1`) is one and
    /// is not an error to report.
    Io(Stream, std::io::Error),
}

/// A standard stream of the process, named in its I/O errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard input.
    Stdin,
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

impl fmt::Display for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stream::Stdin => "standard input",
            Stream::Stdout => "standard output",
            Stream::Stderr => "standard error",
        })
    }
}

impl Failure {
    /// The diagnostics of a failure (none for an output error).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Failure::Diagnostics(d) => d,
            Failure::Io(..) => &[],
        }
    }

    /// The failure as diagnostics, an I/O error named by its stream, so
    /// every failure prints the same way.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            Failure::Diagnostics(d) => d,
            Failure::Io(stream, e) => {
                let verb = match stream {
                    Stream::Stdin => "read",
                    Stream::Stdout | Stream::Stderr => "write to",
                };
                vec![Diagnostic::error(format!("cannot {verb} {stream}: {e}"))]
            }
        }
    }

    /// True when the reader of the output went away: the command ends
    /// quietly and successfully, as `cat` or ripgrep do.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Failure::Io(_, e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl From<Diagnostics> for Failure {
    fn from(d: Diagnostics) -> Self {
        Failure::Diagnostics(d.sorted())
    }
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Failure::Diagnostics(vec![d])
    }
}

/// An error writing the command's output: most I/O of a command is that
/// (reading input names [`Stream::Stdin`] itself).
impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Io(Stream::Stdout, e)
    }
}

/// The closest candidate to a misspelt name, for "did you mean" hints.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(name, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min()
        .map(|(_, c)| c)
}

/// Turns a TOML parse or schema error into a diagnostic pointing at the
/// offending key or value.
///
/// `offset` is where the TOML text starts inside `source` (front matter sits
/// after a `+++` line). Unknown keys get a "did you mean" from serde's list of
/// expected fields; a missing key is explained with the line to add.
pub fn from_toml_error(source: &Source, offset: usize, err: &toml::de::Error) -> Diagnostic {
    let msg = err.message().trim();
    let span = err
        .span()
        .map(|r| r.start + offset..r.end + offset)
        .unwrap_or(offset..offset);
    let mut d = Diagnostic::error(msg.to_string()).at(source, span);
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let expected: Vec<&str> = rest
            .split_once("expected")
            .map(|(_, e)| e.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        d.message = format!("unknown key `{name}`");
        d.label = Some("not a known key".into());
        d.help = Some(match did_you_mean(name, expected.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if expected.is_empty() => "remove this key".to_string(),
            None => format!("known keys here: {}", expected.join(", ")),
        });
    } else if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        d.message = format!("missing required key `{name}`");
        d.help = Some(format!("add a line such as `{name} = \"...\"`"));
    }
    d
}

/// A folder walk's error, named by its path as `shown` displays it: a
/// symbolic link loop says which link leads back to which folder (a walk
/// that follows links would otherwise report an opaque I/O error, or none).
pub fn from_walk_error(e: &walkdir::Error, shown: impl Fn(&Path) -> PathBuf) -> Diagnostic {
    let path = e.path().map(&shown).unwrap_or_default();
    if let Some(ancestor) = e.loop_ancestor() {
        return Diagnostic::error(format!(
            "symbolic link loop: {} links back to {}, a folder that holds it",
            path.display(),
            shown(ancestor).display()
        ))
        .in_file(path)
        .with_help("remove the link, or point it outside this folder");
    }
    let why = e
        .io_error()
        .map_or_else(|| e.to_string(), ToString::to_string);
    Diagnostic::error(format!("cannot read {}: {why}", path.display()))
        .in_file(path)
        .with_help("check that the file exists and that its permissions let you read it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let s = Source::new("a.md", "ab\ncdé f\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(3), (2, 1));
        // 'f' is after a two-byte character: column counts characters.
        assert_eq!(s.line_col(s.text.find('f').unwrap()), (2, 5));
    }

    #[test]
    fn offset_is_the_inverse_of_line_col() {
        let s = Source::new("a.md", "ab\ncdé f\n");
        for offset in [0, 1, 3, 4, s.text.find('f').unwrap()] {
            let (l, c) = s.line_col(offset);
            assert_eq!(s.offset(l, c), offset, "{l}:{c}");
        }
        // Past the end of a line or of the text: clamped.
        assert_eq!(s.offset(1, 99), 2);
        assert_eq!(s.offset(9, 1), s.text.len());
    }

    #[test]
    fn did_you_mean_finds_close_names() {
        assert_eq!(did_you_mean("titel", ["title", "tags"]), Some("title"));
        assert_eq!(did_you_mean("zzzzzz", ["title", "tags"]), None);
    }

    #[test]
    fn display_has_place_and_help() {
        let s = Source::new("content/a.md", "x\nyy");
        let d = Diagnostic::error("bad").at(&s, 2..3).with_help("fix it");
        assert_eq!(d.to_string(), "content/a.md:2:1: error: bad (help: fix it)");
    }
}
