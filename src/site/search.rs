//! What the search stage receives: one document per section of every page
//! and per decision-tree node, from text the Markdown stage already
//! produced (search never re-reads or re-parses a file).

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::content::Page;
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::output::Sink;
use crate::search::{Kind, SearchDoc};

/// Documents in page order, sections in document order: doc ids are stable.
///
/// Results are grouped by `page`: a guide's sections share one number (the
/// guide is shown once, at its best section), while each step of a decision
/// tree gets its own (steps are answers of their own, and a tree of 67
/// steps must not be one result).
pub fn documents<'a>(pages: &'a [Page], rendered: &'a [Arc<Rendered>]) -> Vec<SearchDoc<'a>> {
    let mut docs = Vec::new();
    let mut number = 0u32;
    for (page, r) in pages.iter().zip(rendered) {
        if page.is_generated() {
            continue;
        }
        let kind = if page.tree().is_some() {
            Kind::Step
        } else {
            Kind::Guide
        };
        let codes: Vec<u16> = page
            .meta
            .codes
            .iter()
            .filter_map(|c| u16::try_from(*c.get_ref()).ok())
            .collect();
        for (i, section) in r.sections.iter().enumerate() {
            let mut body = Cow::Borrowed(section.text.trim());
            if i == 0 && section.id.is_none() {
                // The description is what a reader sees first in lists; the
                // hosts let a pasted URL or `Host:` line find the page.
                let hosts: Vec<&str> = page
                    .meta
                    .hosts
                    .iter()
                    .map(|h| h.get_ref().as_str())
                    .collect();
                if !hosts.is_empty() {
                    body = format!("{body}\n{}", hosts.join(" ")).into();
                }
                if let Some(d) = &page.meta.description {
                    body = format!("{d}\n{body}").trim().to_string().into();
                }
            }
            if body.is_empty() && section.heading.is_none() {
                continue;
            }
            let url = match &section.id {
                Some(id) => format!("{}#{id}", page.path),
                None => page.path.clone(),
            };
            if kind == Kind::Step && docs.last().is_some_and(|d: &SearchDoc| d.page == number) {
                number += 1;
            }
            docs.push(SearchDoc {
                title: Cow::Borrowed(&page.meta.title),
                heading: section.heading.as_deref().map(Cow::Borrowed),
                body,
                code: Cow::Borrowed(&section.code),
                url,
                page: number,
                codes: codes.clone(),
                kind,
                reference: kind == Kind::Guide
                    && crate::search::is_reference(section.heading.as_deref()),
            });
        }
        number += 1;
    }
    docs
}

/// What the search thread reports: how many files it wrote and how long
/// indexing and exporting took, or why it failed.
pub type Report = Result<(usize, [Duration; 2]), Diagnostic>;

/// The search files of a build, being made and written on a thread of
/// their own.
pub type Pending = std::sync::mpsc::Receiver<Report>;

/// Indexes the sections of `pages` as `rendered` returns them on a new
/// thread of `scope` and puts each search file into `sink` as soon as it
/// is made. The index is the longest single piece of a build and runs on
/// one thread, so it starts as early as its input exists rather than
/// beside the page templates only: on a book of a few dozen chapters that
/// is most of what keeps a build from being as quick as mdBook's. Writing
/// as it goes keeps tens of megabytes of files from waiting in memory for
/// the page loop to end.
pub fn start<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    pages: &'scope [Page],
    rendered: impl FnOnce() -> Vec<Arc<Rendered>> + Send + 'scope,
    triage: Vec<String>,
    sink: Arc<dyn Sink + Send>,
) -> Pending {
    let (tx, rx) = std::sync::mpsc::channel();
    scope.spawn(move || {
        let rendered = rendered();
        let docs = documents(pages, &rendered);
        let written = AtomicUsize::new(0);
        let report = match docs.is_empty() {
            // An empty book has nothing to search (and tantivy no segment).
            true => Ok([Duration::ZERO; 2]),
            false => crate::search::write_until(&docs, &triage, &|| false, &|path, bytes| {
                sink.put(&path, &bytes)
                    .map_err(|e| anyhow::anyhow!("cannot write /{path}: {e}"))?;
                written.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }),
        };
        let report = report
            .map(|times| (written.into_inner(), times))
            .map_err(|e| Diagnostic::error(format!("cannot build the search index: {e:#}")));
        // Let go of the sink before reporting: the build commits it as
        // soon as the report arrives, and a commit needs it unshared.
        drop(sink);
        // The build may have stopped on an error and no longer listen.
        let _ = tx.send(report);
    });
    rx
}
