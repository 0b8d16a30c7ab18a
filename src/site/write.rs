//! Stage 4, write: pages rendered with their templates and the search
//! index built at the same time, every file put into a [`Sink`]. For
//! `remedy build` the sink is a [`Writer`]: a staging folder swapped in
//! (first build) or the changed files staged and moved in (rebuild), so
//! nothing reaches the output folder unless every file was written. For
//! `remedy check` it is [`Nowhere`]. `remedy serve`'s rebuild in place
//! calls the same loops with the served folder as the sink.

use std::io;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Asset, Library, PageId};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Nowhere, Sink, Writer};
use crate::render::PageContext;

use super::content::Content;
use super::load::{timed, Loaded};
use super::plan::Plan;
use super::{search, Timings};

/// What a build writes through when `write` (`None` for `remedy check`):
/// a staging folder swapped in, or the changed files of a rebuild staged
/// and moved in. It is made before the Markdown stage: the search thread
/// writes its files into it as soon as they exist.
pub fn staging(write: bool, config: &Config) -> Result<Option<Writer>, Diagnostic> {
    if !write {
        return Ok(None);
    }
    Writer::new(&config.output_dir, config.precompress)
        .map(Some)
        .map_err(|e| {
            Diagnostic::error(format!(
                "cannot create a temporary folder beside {}: {e}",
                config.display_path(&config.output_dir).display()
            ))
        })
}

/// Writes the whole site through `staging` and commits it at the end, or
/// nowhere for `remedy check` (`None`). Returns the number of files
/// written, or `None` when something failed (the reasons are in `diags`;
/// the output folder is as it was).
pub fn site(
    staging: Option<Arc<Writer>>,
    loaded: &Loaded,
    content: &Content,
    plan: &Plan,
    search: Option<search::Pending>,
    diags: &mut Diagnostics,
    timings: &mut Timings,
) -> Option<usize> {
    let Loaded {
        config, library, ..
    } = loaded;
    let shown_output = config.display_path(&config.output_dir);
    let sink: &dyn Sink = match &staging {
        Some(s) => &**s,
        None => &Nowhere,
    };
    let ctx = plan.context(loaded, content);
    let ids: Vec<PageId> = library.ids().collect();
    let pages_written = pages(sink, &ctx, library, &ids, diags);
    // Each Markdown copy is made, put and dropped in turn.
    let copies = plan.copies.par_iter().try_for_each(|(path, id)| {
        sink.put(path, &plan.copy(loaded, *id))
            .map(drop)
            .map_err(|e| write_error(path, e))
    });
    if let Err(d) = copies {
        diags.push(d);
    }
    // The search index has been running on a thread of its own since the
    // Markdown stage (`search::start`). It is waited for here, on the
    // calling thread, never on a rayon worker: the index uses the pool too
    // (the text pass, the export), and a worker blocked on it left the pool
    // with no thread to run them (a build hung under load).
    let mut search_count = 0;
    if let Some(pending) = search {
        let (report, t) = timed(|| {
            pending.recv().unwrap_or_else(|_| {
                Err(Diagnostic::error(
                    "cannot build the search index: the indexing thread stopped",
                ))
            })
        });
        match report {
            Ok((n, [index, export])) => {
                timings.push("  search: tantivy index (parallel)", index);
                timings.push("  search: export, write (parallel)", export);
                timings.push("  search: waited for", t);
                search_count = n;
            }
            Err(d) => diags.push(d),
        }
    }
    timings.stage("render templates, write pages");
    pages_written?;
    if diags.has_errors() {
        return None;
    }

    // Theme files, the 404 page, aliases: written in parallel, as pages are.
    let extra = plan.extra.iter().map(|(p, b)| (p.as_str(), b.as_slice()));
    if let Err(d) = put_all(sink, extra) {
        diags.push(d);
        return None;
    }
    // Assets are copied whether linked or not: authors may reference
    // them from raw HTML, which the link checker cannot see.
    assets(sink, config, library.assets.iter(), diags)?;
    let mut files = plan.page_files.len() + search_count;
    if let Some(staging) = staging {
        // The search thread let go of its handle before it reported.
        let Ok(staging) = Arc::try_unwrap(staging) else {
            diags.push(Diagnostic::error(
                "cannot move the new site into place: the search thread still holds it",
            ));
            return None;
        };
        files += plan.extra.len() + plan.copies.len() + library.assets.len() + staging.siblings();
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

/// Renders the pages `ids` and puts each into `sink`. Returns how many
/// files changed, or `None` when a page failed (the reasons are in `diags`).
pub fn pages(
    sink: &dyn Sink,
    ctx: &PageContext<'_>,
    library: &Library,
    ids: &[PageId],
    diags: &mut Diagnostics,
) -> Option<usize> {
    let put = |i: PageId, html: String| {
        let file = library.pages[i].output_file();
        sink.put(&file, html.as_bytes())
            .map_err(|e| write_error(&file, e))
    };
    let results: Vec<Result<bool, Diagnostic>> = if sink.is_atomic() {
        ids.par_iter()
            .map(|&i| ctx.render_page(i).and_then(|html| put(i, html)))
            .collect()
    } else {
        let rendered: Vec<Result<(PageId, String), Diagnostic>> = ids
            .par_iter()
            .map(|&i| ctx.render_page(i).map(|html| (i, html)))
            .collect();
        let mut html = Vec::with_capacity(rendered.len());
        for r in rendered {
            match r {
                Ok(page) => html.push(page),
                Err(d) => diags.push(d),
            }
        }
        if diags.has_errors() {
            return None;
        }
        html.into_par_iter().map(|(i, h)| put(i, h)).collect()
    };
    let mut changed = 0;
    for r in results {
        match r {
            Ok(c) => changed += usize::from(c),
            Err(d) => diags.push(d),
        }
    }
    (!diags.has_errors()).then_some(changed)
}

/// Puts every file into `sink`, in parallel. Returns how many changed, or
/// the first that could not be written.
pub fn put_all<'a>(
    sink: &dyn Sink,
    files: impl Iterator<Item = (&'a str, &'a [u8])> + Send,
) -> Result<usize, Diagnostic> {
    files
        .par_bridge()
        .map(|(path, bytes)| {
            sink.put(path, bytes)
                .map(usize::from)
                .map_err(|e| write_error(path, e))
        })
        .try_reduce(|| 0, |a, b| Ok(a + b))
}

/// Copies content assets into `sink`. Returns how many changed, or `None`
/// when one could not be copied (its error, at the asset, is in `diags`).
pub fn assets<'a>(
    sink: &dyn Sink,
    config: &Config,
    assets: impl Iterator<Item = &'a Asset>,
    diags: &mut Diagnostics,
) -> Option<usize> {
    let mut changed = 0;
    for asset in assets {
        match sink.copy(&asset.rel_path, &asset.file) {
            Ok(c) => changed += usize::from(c),
            Err(e) => {
                diags.push(
                    Diagnostic::error(format!("cannot copy to /{}: {e}", asset.rel_path))
                        .in_file(config.display_path(&asset.file)),
                );
                return None;
            }
        }
    }
    Some(changed)
}

/// A file of the site that could not be written (or removed), by its path
/// in the site.
pub fn write_error(rel: &str, e: io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write /{rel}: {e}"))
}
