//! Edits: one random change to the model, with the file operations that
//! must happen on disk before the files are synced with it.

use crate::rng::Rng;
use crate::site::Site;

mod links;
mod other_files;
mod page_fields;
mod pages;

/// A file operation done before the files are synced with the model.
#[derive(Debug)]
pub enum Op {
    /// `fs::rename` of a file or folder (project-relative paths).
    Rename(String, String),
    /// Writes text that is not the model's (a deliberate break).
    Write(String, String),
    Remove(String),
    /// Swaps two files: one moved out of the project, the other into its
    /// place, the first back into the other's.
    Swap(String, String),
}

pub struct Edit {
    pub what: String,
    pub ops: Vec<Op>,
    /// Write the model's files afterwards (false leaves the site broken).
    pub sync: bool,
    /// The URLs to fetch afterwards.
    pub urls: Vec<String>,
    /// The model stays valid: the clean build must succeed.
    pub valid: bool,
}

impl Edit {
    pub fn new(what: String) -> Edit {
        Edit {
            what,
            ops: Vec::new(),
            sync: true,
            urls: Vec::new(),
            valid: true,
        }
    }
}

/// One random edit; `may_break` allows edits that leave the site broken.
pub fn random_edit(site: &mut Site, rng: &mut Rng, may_break: bool) -> Edit {
    loop {
        let kind = rng.below(22);
        if let Some(e) = try_edit(site, rng, kind, may_break) {
            return e;
        }
    }
}

/// The edit of `kind` (one of 22), or `None` when it does not apply to the
/// site as it is. Without `may_break`, 13 and 14 (break a link) fall through
/// to the last kind (an alias). Each edit gets `n`, a fresh number for the
/// names it makes up, and some `pages`, the page paths before it.
fn try_edit(site: &mut Site, rng: &mut Rng, kind: usize, may_break: bool) -> Option<Edit> {
    let n = site.fresh();
    let pages: Vec<String> = site.pages.keys().cloned().collect();
    match kind {
        0 | 1 => page_fields::body(site, rng, n, &pages),
        2 => page_fields::title(site, rng, n, &pages),
        3 => page_fields::weight(site, rng),
        4 => page_fields::description_or_codes(site, rng, n, &pages),
        5 | 6 => pages::add_page(site, rng, n, &pages),
        7 => pages::delete_page(site, rng, may_break),
        8 | 9 => pages::rename_page(site, rng, n, may_break),
        10 => pages::rename_folder(site, rng, n, may_break),
        11 | 12 => links::add_link(site, rng, &pages),
        13 | 14 if may_break => links::break_link(site, rng, n, &pages),
        15 => links::add_or_rename_heading(site, rng, n, &pages, may_break),
        16 => other_files::tree(site, rng, n),
        17 => other_files::template_or_book(site, rng, n, may_break),
        18 => other_files::asset(site, rng, n),
        19 => page_fields::draft(site, rng),
        20 => pages::swap_pages(site, rng),
        _ => page_fields::alias(site, rng, n),
    }
}
