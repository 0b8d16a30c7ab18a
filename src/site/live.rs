//! Stage 4 for a rebuild of a served site: render only the pages whose key
//! changed, then write only the files whose bytes changed and remove the
//! files the site no longer has, in place (`output::Live`). Pages are all
//! rendered before the first write, so a template error changes nothing.
//! Search files are not written here: `remedy serve` indexes the site
//! after the reader's page has reloaded (see `session`).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::content::cache::Stamp;
use crate::content::{Library, PageId};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::fingerprint::hash64;
use crate::output::Live;

use super::content::Content;
use super::load::Loaded;
use super::plan::Plan;

/// What the output folder holds (search files apart), as of the last
/// build that wrote it.
#[derive(Default)]
pub struct Written {
    /// Output file of each page -> the key the page had.
    pages: HashMap<String, u64>,
    /// Theme files, 404, aliases, robots.txt, sitemap.xml -> hash of bytes.
    extra: HashMap<String, u64>,
    /// Content assets -> their source file and its size and time.
    assets: HashMap<String, (PathBuf, Option<Stamp>)>,
}

impl Written {
    /// What a full build of `library` and `plan` wrote, with page `keys`.
    pub fn after_full_build(library: &Library, plan: &Plan, keys: &[u64]) -> Written {
        Written {
            pages: library
                .ids()
                .map(|i| (library.pages[i].output_file(), keys[i.index()]))
                .collect(),
            extra: plan
                .extra
                .iter()
                .map(|(path, bytes)| (path.clone(), hash64(bytes)))
                .collect(),
            assets: library
                .assets
                .iter()
                .map(|a| (a.rel_path.clone(), (a.file.clone(), Stamp::of(&a.file))))
                .collect(),
        }
    }

    /// Forgets what is known of assets copied from `files`: they are
    /// copied again even if their size and time look the same. The entry
    /// stays, so an asset deleted since is still known to be on disk.
    pub fn forget<'a>(&mut self, files: impl IntoIterator<Item = &'a Path>) {
        let files: HashSet<&Path> = files.into_iter().collect();
        for (file, stamp) in self.assets.values_mut() {
            if files.contains(file.as_path()) {
                *stamp = None;
            }
        }
    }
}

/// Brings the folder `live` from `previous` to this build. Returns what it
/// now holds, how many pages went through their template and how many
/// files were written or removed, or `None` when something failed (the
/// reasons are in `diags`).
pub fn write(
    live: &Live,
    loaded: &Loaded,
    content: &Content,
    plan: &Plan,
    keys: &[u64],
    previous: &Written,
    diags: &mut Diagnostics,
) -> Option<(Written, usize, usize)> {
    let Loaded {
        config, library, ..
    } = loaded;
    let ctx = plan.context(loaded, content);
    let stale: Vec<PageId> = library
        .ids()
        .filter(|&i| previous.pages.get(&library.pages[i].output_file()) != Some(&keys[i.index()]))
        .collect();
    let rendered: Vec<Result<(PageId, String), Diagnostic>> = stale
        .par_iter()
        .map(|&i| ctx.render_page(i).map(|html| (i, html)))
        .collect();
    let mut pages = Vec::with_capacity(rendered.len());
    for r in rendered {
        match r {
            Ok(p) => pages.push(p),
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() {
        return None;
    }

    let mut now = Written::after_full_build(library, plan, keys);
    let mut changes = 0;
    let fail =
        |path: &str, e: std::io::Error| Diagnostic::error(format!("cannot write /{path}: {e}"));
    for (i, html) in &pages {
        let file = library.pages[*i].output_file();
        match live.write(&file, html.as_bytes()) {
            Ok(written) => changes += usize::from(written),
            Err(e) => {
                diags.push(fail(&file, e));
                return None;
            }
        }
    }
    for (path, bytes) in &plan.extra {
        if previous.extra.get(path) == now.extra.get(path) {
            continue;
        }
        match live.write(path, bytes) {
            Ok(written) => changes += usize::from(written),
            Err(e) => {
                diags.push(fail(path, e));
                return None;
            }
        }
    }
    for (rel, (file, stamp)) in &mut now.assets {
        let same = previous
            .assets
            .get(rel)
            .is_some_and(|(f, s)| f == file && s.is_some() && s == stamp);
        if same {
            continue;
        }
        let copied = std::fs::read(&*file).and_then(|bytes| live.write(rel, &bytes));
        match copied {
            Ok(written) => changes += usize::from(written),
            Err(e) => {
                // Not stamped: tried again by the next build.
                *stamp = None;
                diags.push(
                    Diagnostic::error(format!("cannot copy to /{rel}: {e}"))
                        .in_file(config.display_path(file)),
                );
                return None;
            }
        }
    }
    let gone = previous
        .pages
        .keys()
        .chain(previous.extra.keys())
        .chain(previous.assets.keys())
        .filter(|p| {
            !now.pages.contains_key(*p)
                && !now.extra.contains_key(*p)
                && !now.assets.contains_key(*p)
        });
    for path in gone {
        if let Err(e) = live.remove(path) {
            diags.push(fail(path, e));
            return None;
        }
        changes += 1;
    }
    Some((now, pages.len(), changes))
}
