//! The write stage for a rebuild of a served site: render only the pages
//! whose key changed, then write only the files whose bytes changed and
//! remove the files the site no longer has, in place (`output::Live`).
//! Pages are all rendered before the first write (`Live` is not atomic),
//! so a template error changes nothing. Search files are not written
//! here: `remedy serve` indexes the site after the reader's page has
//! reloaded (see `session`).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::content::cache::Stamp;
use crate::content::{Library, PageId};
use crate::diagnostics::Diagnostics;
use crate::fingerprint::hash64;
use crate::output::Live;
use crate::site::content::Content;
use crate::site::load::Loaded;
use crate::site::plan::Plan;
use crate::site::write;

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
    /// What a full build of `library` and `plan` wrote, with page `keys`
    /// and the Markdown `copies` ([`Plan::all_copies`]).
    pub fn after_full_build(
        library: &Library,
        plan: &Plan,
        keys: &[u64],
        copies: &[(String, Vec<u8>)],
    ) -> Written {
        Written {
            pages: library
                .ids()
                .map(|i| (library.pages[i].output_file(), keys[i.index()]))
                .collect(),
            extra: plan
                .extra
                .iter()
                .chain(copies.iter().map(|(path, bytes)| (path, bytes)))
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

/// Brings the folder `live` from `previous` to this build with the write
/// stage's own loops. Returns what it now holds, how many pages went
/// through their template and how many files were written or removed, or
/// `None` when something failed (the reasons are in `diags`).
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
    let mut changes = write::pages(live, &ctx, library, &stale, diags)?;

    let copies = plan.all_copies(loaded);
    let now = Written::after_full_build(library, plan, keys, &copies);
    let extra = plan
        .extra
        .iter()
        .chain(copies.iter().map(|(path, bytes)| (path, bytes)))
        .filter(|(path, _)| previous.extra.get(*path) != now.extra.get(*path))
        .map(|(path, bytes)| (path.as_str(), bytes.as_slice()));
    match write::put_all(live, extra) {
        Ok(n) => changes += n,
        Err(d) => {
            diags.push(d);
            return None;
        }
    }
    let assets = library.assets.iter().filter(|a| {
        let same = previous
            .assets
            .get(&a.rel_path)
            .zip(now.assets.get(&a.rel_path));
        !same.is_some_and(|((f0, s0), (f1, s1))| f0 == f1 && s0.is_some() && s0 == s1)
    });
    changes += write::assets(live, config, assets, diags)?;
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
            diags.push(write::write_error(path, e));
            return None;
        }
        changes += 1;
    }
    Some((now, stale.len(), changes))
}
