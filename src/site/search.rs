//! What the search stage receives: one document per section of every page
//! and per decision-tree node, from text the Markdown stage already
//! produced (search never re-reads or re-parses a file).

use std::sync::Arc;

use crate::content::Page;
use crate::markdown::Rendered;
use std::time::Duration;

use crate::search::{Files, Kind, SearchDoc};

/// Documents in page order, sections in document order: doc ids are stable.
///
/// Results are grouped by `page`: a guide's sections share one number (the
/// guide is shown once, at its best section), while each step of a decision
/// tree gets its own (steps are answers of their own, and a tree of 67
/// steps must not be one result).
pub fn documents(pages: &[Page], rendered: &[Arc<Rendered>]) -> Vec<SearchDoc> {
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
            let mut body = section.text.trim().to_string();
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
                    body = format!("{body}\n{}", hosts.join(" "));
                }
                if let Some(d) = &page.meta.description {
                    body = format!("{d}\n{body}").trim().to_string();
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
                title: page.meta.title.clone(),
                heading: section.heading.clone(),
                body,
                code: section.code.clone(),
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

/// The search files of a build, being made on a thread of their own.
pub type Pending = std::sync::mpsc::Receiver<anyhow::Result<(Files, [Duration; 2])>>;

/// Indexes the documents `make` returns on a new thread of `scope`. The
/// index is the longest single piece of a build and runs on one thread, so
/// it starts as early as its input exists rather than beside the page
/// templates only: on a book of a few dozen chapters that is most of what
/// keeps a build from being as quick as mdBook's.
pub fn start<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    make: impl FnOnce() -> Vec<SearchDoc> + Send + 'scope,
    triage: Vec<String>,
) -> Pending {
    let (tx, rx) = std::sync::mpsc::channel();
    scope.spawn(move || {
        let docs = make();
        let files = match docs.is_empty() {
            // An empty book has nothing to search (and tantivy no segment).
            true => Ok((Files::new(), [Duration::ZERO; 2])),
            false => crate::search::files(&docs, &triage),
        };
        // The build may have stopped on an error and no longer listen.
        let _ = tx.send(files);
    });
    rx
}
