//! What the search stage receives: one document per section of every page
//! and per decision-tree node, from text the Markdown stage already
//! produced (search never re-reads or re-parses a file).

use crate::content::Library;
use crate::markdown::Rendered;
use crate::search::{Kind, SearchDoc};

/// Documents in page order, sections in document order: doc ids are stable.
pub fn documents(library: &Library, rendered: &[Rendered]) -> Vec<SearchDoc> {
    let mut docs = Vec::new();
    for (number, (page, r)) in (0u32..).zip(library.pages.iter().zip(rendered)) {
        if page.is_virtual {
            continue;
        }
        let kind = if page.tree.is_some() {
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
                // The description is what a reader sees first in lists.
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
            docs.push(SearchDoc {
                title: page.meta.title.clone(),
                heading: section.heading.clone(),
                body,
                url,
                page: number,
                codes: codes.clone(),
                kind,
            });
        }
    }
    docs
}
