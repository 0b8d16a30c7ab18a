//! Navigation derived from the folder structure and `weight`.
//!
//! The sidebar is the section tree; previous/next follow the same tree
//! depth-first, so reading "next" from the home page visits every page once,
//! in the order the sidebar shows them.

use std::cmp::Ordering;

use super::{Library, Page, PageId};

/// One entry of the sidebar: a page, and for sections, their children.
#[derive(Debug, Clone)]
pub struct NavNode {
    /// The page.
    pub page: PageId,
    /// Sub-entries (only sections have them), in display order.
    pub children: Vec<NavNode>,
}

/// The whole navigation of a site.
#[derive(Debug, Clone)]
pub struct Nav {
    /// The home page, whose children are the top-level pages and sections.
    pub root: NavNode,
    /// Pages in reading order (depth-first through `root`).
    pub order: Vec<PageId>,
    /// For each page (by index), its position in `order`.
    position: Vec<Option<usize>>,
    /// For each page (by index), the pages directly inside it, in display order.
    children: Vec<Vec<PageId>>,
}

impl Nav {
    /// Builds the tree; pages whose section is missing hang off the home page.
    pub fn build(lib: &Library) -> Nav {
        let mut children: Vec<Vec<PageId>> = vec![Vec::new(); lib.pages.len()];
        let home = lib.by_path.get("").copied().unwrap_or(PageId::new(0));
        for i in lib.ids() {
            if let Some(parent) = lib.pages[i].parent_path() {
                let parent_idx = lib.section(&parent).unwrap_or(home);
                if parent_idx != i {
                    children[parent_idx.index()].push(i);
                }
            }
        }
        for list in &mut children {
            list.sort_by(|&a, &b| display_order(&lib.pages[a], &lib.pages[b]));
        }
        fn node(i: PageId, children: &[Vec<PageId>], order: &mut Vec<PageId>) -> NavNode {
            order.push(i);
            NavNode {
                page: i,
                children: children[i.index()]
                    .iter()
                    .map(|&c| node(c, children, order))
                    .collect(),
            }
        }
        let mut order = Vec::new();
        let root = if lib.pages.is_empty() {
            NavNode {
                page: PageId::new(0),
                children: Vec::new(),
            }
        } else {
            node(home, &children, &mut order)
        };
        let mut position = vec![None; lib.pages.len()];
        for (pos, &i) in order.iter().enumerate() {
            position[i.index()] = Some(pos);
        }
        Nav {
            root,
            order,
            position,
            children,
        }
    }

    /// A book's navigation: its reading order comes from `SUMMARY.md`
    /// (`crate::book::order`), and its sidebar is drawn from the summary.
    pub fn from_order(lib: &Library, order: Vec<PageId>) -> Nav {
        let mut position = vec![None; lib.pages.len()];
        for (pos, &i) in order.iter().enumerate() {
            position[i.index()] = Some(pos);
        }
        Nav {
            root: NavNode {
                page: order.first().copied().unwrap_or(PageId::new(0)),
                children: Vec::new(),
            },
            order,
            position,
            children: vec![Vec::new(); lib.pages.len()],
        }
    }

    /// Pages directly inside the section `page`, in display order.
    pub fn children(&self, page: PageId) -> &[PageId] {
        self.children.get(page.index()).map_or(&[], Vec::as_slice)
    }

    /// The page before `page` in reading order.
    pub fn prev(&self, page: PageId) -> Option<PageId> {
        let pos = self.position.get(page.index()).copied().flatten()?;
        pos.checked_sub(1).map(|p| self.order[p])
    }

    /// The page after `page` in reading order.
    pub fn next(&self, page: PageId) -> Option<PageId> {
        let pos = self.position.get(page.index()).copied().flatten()?;
        self.order.get(pos + 1).copied()
    }
}

/// Ancestors of a page from the home page down to its parent section.
pub fn breadcrumbs(lib: &Library, page: PageId) -> Vec<PageId> {
    let mut chain = Vec::new();
    let mut current = lib.pages[page].parent_path();
    while let Some(path) = current {
        match lib.section(&path) {
            Some(i) => {
                chain.push(i);
                current = lib.pages[i].parent_path();
            }
            None => break,
        }
    }
    chain.reverse();
    chain
}

/// Weight first (pages without one after those with one), then title, then path.
fn display_order(a: &Page, b: &Page) -> Ordering {
    let key = |p: &Page| (p.meta.weight.is_none(), p.meta.weight.unwrap_or(0));
    key(a)
        .cmp(&key(b))
        .then_with(|| {
            a.meta
                .title
                .to_lowercase()
                .cmp(&b.meta.title.to_lowercase())
        })
        .then_with(|| a.rel_path.cmp(&b.rel_path))
}
