//! A key per page that changes whenever the page's HTML could: a rebuild
//! renders a page through its template again only when its key changed.
//!
//! The key hashes exactly what [`PageContext::render_page`] reads, grouped
//! so that computing every key costs a pass over the pages rather than a
//! view per page: what a link to a page shows (title, path, description,
//! codes, short title), what a section lists (its link and its children's
//! links, in order), and for the page itself its body, its sidebar (the
//! sections open on the way to it), breadcrumbs, neighbours in reading
//! order, tree and back-links. Templates and configuration are not in the
//! key: when they change, every page is rendered again.
//!
//! Keys are 64-bit SipHash values: two different inputs share a key with
//! a chance of one in 2^64, which leaves a stale page once in that many edits.

use rayon::prelude::*;

use crate::content::nav::breadcrumbs;
use crate::content::{PageId, PageKind};
use crate::fingerprint::hash64 as hash;

use super::views::PageContext;

fn json_hash(value: &impl serde::Serialize) -> u64 {
    hash(serde_json::to_string(value).unwrap_or_default())
}

impl PageContext<'_> {
    /// The key of every page, by `PageId` index. `bodies` holds a hash of
    /// each page's rendered HTML and table of contents.
    pub fn page_keys(&self, bodies: &[u64]) -> Vec<u64> {
        let lib = self.library;
        let links: Vec<u64> = lib
            .pages
            .par_iter()
            .map(|p| {
                let codes: Vec<i64> = p.meta.codes.iter().map(|c| *c.get_ref()).collect();
                hash((
                    p.is_home(),
                    p.is_section(),
                    &p.meta.title,
                    &p.meta.short,
                    &p.path,
                    &p.meta.description,
                    codes,
                ))
            })
            .collect();
        let sections: Vec<u64> = lib
            .ids()
            .map(|i| {
                let children: Vec<u64> = self
                    .nav
                    .children(i)
                    .iter()
                    .map(|c| links[c.index()])
                    .collect();
                hash((links[i.index()], children))
            })
            .collect();
        let site = hash((
            json_hash(self.site),
            self.assets,
            self.nav.root.page,
            sections[self.nav.root.page.index()],
            self.book_nav_key(),
        ));
        lib.ids()
            .collect::<Vec<_>>()
            .par_iter()
            .map(|&i| {
                let p = &lib.pages[i];
                let kind = match &p.kind {
                    PageKind::Guide => 0u8,
                    PageKind::Section => 1,
                    PageKind::GeneratedSection => 2,
                    PageKind::Tree(_) => 3,
                };
                let ancestors: Vec<u64> = breadcrumbs(lib, i)
                    .into_iter()
                    .map(|a| sections[a.index()])
                    .collect();
                let tree = self.tree_views[i.index()].as_ref().map(json_hash);
                let reached: Vec<_> = self.reached_from.get(&i).map_or(Vec::new(), |list| {
                    list.iter()
                        .map(|r| {
                            let t = &lib.pages[r.tree_page];
                            (&t.meta.title, &t.path, &r.question, &r.answer, &r.node)
                        })
                        .collect()
                });
                let neighbour = |j: Option<PageId>| j.map(|j| links[j.index()]);
                let trees = p.is_home().then(|| json_hash(&self.trees));
                hash((
                    site,
                    kind,
                    &p.rel_path,
                    &p.meta.tags,
                    links[i.index()],
                    bodies[i.index()],
                    sections[i.index()],
                    ancestors,
                    neighbour(self.nav.prev(i)),
                    neighbour(self.nav.next(i)),
                    (tree, reached, trees),
                ))
            })
            .collect()
    }

    /// A book's sidebar is its whole `SUMMARY.md`, with each chapter's path.
    fn book_nav_key(&self) -> u64 {
        let Some(summary) = &self.library.summary else {
            return 0;
        };
        let paths: Vec<(&String, &String)> = self
            .library
            .by_rel_path
            .iter()
            .map(|(rel, &i)| (rel, &self.library.pages[i].path))
            .collect();
        hash((format!("{summary:?}"), paths))
    }
}
