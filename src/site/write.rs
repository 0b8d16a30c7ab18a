//! Stage 4, write: pages rendered with their templates and the search
//! index built at the same time, every file written into a staging folder
//! beside the output, then swapped in at once. Nothing reaches the output
//! folder unless every file was written.

use std::time::Duration;

use rayon::prelude::*;

use crate::content::PageId;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Staging;

use super::content::Content;
use super::load::{timed, Loaded};
use super::plan::Plan;
use super::{search, Timings};

/// Renders and writes every page (into a staging folder when `write`, or
/// nowhere for `remedy check`). Returns the number of files written, or
/// `None` when something failed (the reasons are in `diags`).
pub fn write(
    write: bool,
    search: Option<search::Pending>,
    loaded: &Loaded,
    content: &Content,
    plan: &Plan,
    diags: &mut Diagnostics,
    timings: &mut Timings,
) -> Option<usize> {
    let Loaded {
        config, library, ..
    } = loaded;
    let shown_output = config.display_path(&config.output_dir);
    let staging = if write {
        match Staging::new(&config.output_dir, config.precompress) {
            Ok(s) => Some(s),
            Err(e) => {
                diags.push(Diagnostic::error(format!(
                    "cannot create a temporary folder beside {}: {e}",
                    shown_output.display()
                )));
                return None;
            }
        }
    } else {
        None
    };
    let ctx = plan.context(loaded, content);
    let page_results: Vec<Result<(), Diagnostic>> = library
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, page)| {
            let html = ctx.render_page(PageId::new(i))?;
            if let Some(staging) = &staging {
                staging
                    .write(&page.output_file(), html.as_bytes())
                    .map_err(|e| write_error(&page.path, e))?;
            }
            Ok(())
        })
        .collect();
    // The search index has been running on a thread of its own since the
    // Markdown stage (`search::start`). It is waited for here, on the
    // calling thread, never on a rayon worker: the index uses the pool too
    // (the text pass, the export), and a worker blocked on it left the pool
    // with no thread to run them (a build hung under load).
    let search_files = staging.as_ref().zip(search).map(|(staging, pending)| {
        timed(|| -> Result<(usize, [Duration; 2]), Diagnostic> {
            let (files, times) = pending
                .recv()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("the indexing thread stopped")))
                .map_err(|e| Diagnostic::error(format!("cannot build the search index: {e:#}")))?;
            files
                .par_iter()
                .try_for_each(|(path, bytes)| staging.write(path, bytes).map_err(|e| (path, e)))
                .map_err(|(path, e)| write_error(path, e))?;
            Ok((files.len(), times))
        })
    });
    let mut search_count = 0;
    match search_files {
        Some((Ok((n, [index, export])), t)) => {
            timings.push("  search: tantivy index (parallel)", index);
            timings.push("  search: browser index", export);
            timings.push("  search: waited for, written", t);
            search_count = n;
        }
        Some((Err(d), _)) => diags.push(d),
        None => {}
    }
    diags.extend(page_results.into_iter().filter_map(Result::err));
    timings.stage("render templates, write pages");
    if diags.has_errors() {
        return None;
    }

    let mut files = plan.page_files.len() + search_count;
    if let Some(staging) = staging {
        // Theme files, the 404 page, aliases: written in parallel, as pages are.
        if let Err((path, e)) = plan
            .extra
            .par_iter()
            .try_for_each(|(path, bytes)| staging.write(path, bytes).map_err(|e| (path, e)))
        {
            diags.push(write_error(path, e));
            return None;
        }
        files += plan.extra.len();
        for asset in &library.assets {
            // Assets are copied whether linked or not: authors may reference
            // them from raw HTML, which the link checker cannot see.
            let written = std::fs::read(&asset.file)
                .map_err(|e| {
                    Diagnostic::error(format!("cannot read: {e}"))
                        .in_file(config.display_path(&asset.file))
                })
                .and_then(|bytes| {
                    staging
                        .write(&asset.rel_path, &bytes)
                        .map_err(|e| write_error(&asset.rel_path, e))
                });
            if let Err(d) = written {
                diags.push(d);
                return None;
            }
            files += 1;
        }
        files += staging.siblings();
        if let Err(e) = staging.commit() {
            diags.push(Diagnostic::error(format!(
                "cannot move the new site into {}: {e}",
                shown_output.display()
            )));
            return None;
        }
    }
    timings.stage("extra files, swap");
    Some(files)
}

fn write_error(path: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write /{path}: {e}"))
}
