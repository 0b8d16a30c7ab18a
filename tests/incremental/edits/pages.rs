//! Pages added, deleted, renamed, moved (alone or with their folder) and
//! swapped.

use super::{Edit, Op};
use crate::render::{folder_of, url_of};
use crate::rng::Rng;
use crate::site::{Heading, Link, Page, Site};

/// Add a page, maybe in a new folder, maybe linked from another.
pub fn add_page(site: &mut Site, rng: &mut Rng, n: usize, pages: &[String]) -> Option<Edit> {
    let folder = if rng.chance(30) {
        format!("new{n}")
    } else {
        rng.pick(&site.folders()).clone()
    };
    let path = if rng.chance(15) && !site.pages.contains_key(&format!("{folder}/_index.md")) {
        format!("{folder}/_index.md")
    } else {
        format!("{folder}/page{n}.md")
    };
    let mut p = Page::new(&format!("New page {n}"));
    p.weight = rng.chance(50).then(|| rng.below(100) as i64);
    p.headings.push(Heading {
        text: format!("Part {n}"),
        explicit: rng.chance(50).then(|| format!("h-part-{n}")),
    });
    p.links.push(site.random_target(rng, ""));
    p.code = rng.chance(50);
    site.pages.insert(path.clone(), p);
    let mut what = format!("add {path}");
    if rng.chance(50) {
        let from = rng.pick(pages).clone();
        site.pages.get_mut(&from).unwrap().links.push(Link {
            to: path.clone(),
            anchor: None,
        });
        what += &format!(", linked from {from}");
    }
    let mut e = Edit::new(what);
    e.urls.push(url_of(&path));
    Some(e)
}

/// Delete a page.
pub fn delete_page(site: &mut Site, rng: &mut Rng, may_break: bool) -> Option<Edit> {
    let path = rng.pick(&site.movable()).clone();
    let others: Vec<String> = site
        .regular()
        .into_iter()
        .filter(|p| *p != path && !site.pages[p].draft)
        .collect();
    if others.is_empty() {
        return None;
    }
    let fallback = Link {
        to: others[0].clone(),
        anchor: None,
    };
    let refs = site.referrers(&path, None);
    let stale = may_break && refs > 0 && rng.chance(40);
    site.pages.remove(&path);
    site.relink(|l| (l.to != path).then(|| l.clone()), &fallback);
    let mut e = Edit::new(format!(
        "delete {path} ({refs} links to it{})",
        if stale { ", left broken" } else { ", removed" }
    ));
    e.urls.push(url_of(&path));
    if stale {
        e.ops.push(Op::Remove(format!("content/{path}")));
        e.sync = false;
        e.valid = false;
    }
    Some(e)
}

/// Rename or move a page (fs::rename).
pub fn rename_page(site: &mut Site, rng: &mut Rng, n: usize, may_break: bool) -> Option<Edit> {
    let regular = site.regular();
    if regular.len() < 2 {
        return None;
    }
    let path = rng.pick(&regular).clone();
    let folder = match rng.below(3) {
        0 => folder_of(&path).to_string(),
        1 => rng.pick(&site.folders()).clone(),
        _ => format!("moved{n}"),
    };
    let to = format!("{folder}/renamed{n}.md");
    let refs = site.referrers(&path, None);
    let stale = may_break && rng.chance(40);
    site.move_page(&path, &to);
    let mut e = Edit::new(format!(
        "rename {path} -> {to} ({refs} links to it{})",
        if stale { ", left stale" } else { ", updated" }
    ));
    e.ops.push(Op::Rename(
        format!("content/{path}"),
        format!("content/{to}"),
    ));
    e.urls.push(url_of(&path));
    e.urls.push(url_of(&to));
    if stale {
        e.sync = false;
        e.valid = false;
    }
    Some(e)
}

/// Rename a whole folder.
pub fn rename_folder(site: &mut Site, rng: &mut Rng, n: usize, may_break: bool) -> Option<Edit> {
    let folders: Vec<String> = site
        .folders()
        .into_iter()
        .filter(|f| !f.contains('/') && f != "misc")
        .collect();
    if folders.is_empty() || !rng.chance(50) {
        return None;
    }
    let from = rng.pick(&folders).clone();
    let to = format!("folder{n}");
    let moved: Vec<String> = site
        .pages
        .keys()
        .filter(|p| p.starts_with(&format!("{from}/")))
        .cloned()
        .collect();
    for p in &moved {
        site.move_page(p, &format!("{to}{}", &p[from.len()..]));
    }
    let stale = may_break && rng.chance(40);
    let mut e = Edit::new(format!(
        "rename the folder {from}/ -> {to}/ ({} pages{})",
        moved.len(),
        if stale { ", links left stale" } else { "" }
    ));
    e.ops.push(Op::Rename(
        format!("content/{from}"),
        format!("content/{to}"),
    ));
    e.urls.push(format!("/{from}/"));
    e.urls.push(format!("/{to}/"));
    if stale {
        e.sync = false;
        e.valid = false;
    }
    Some(e)
}

/// Swap two pages of a folder through renames (one out of the
/// project and back), links following their pages.
pub fn swap_pages(site: &mut Site, rng: &mut Rng) -> Option<Edit> {
    let regular = site.regular();
    let a = rng.pick(&regular).clone();
    let same: Vec<&String> = regular
        .iter()
        .filter(|p| **p != a && folder_of(p) == folder_of(&a))
        .collect();
    if same.is_empty() {
        return None;
    }
    let b = (*rng.pick(&same)).clone();
    let (pa, pb) = (
        site.pages.remove(&a).unwrap(),
        site.pages.remove(&b).unwrap(),
    );
    site.pages.insert(a.clone(), pb);
    site.pages.insert(b.clone(), pa);
    let swap = |l: &Link| {
        let mut l = l.clone();
        if l.to == a {
            l.to = b.clone();
        } else if l.to == b {
            l.to = a.clone();
        }
        Some(l)
    };
    site.relink(
        swap,
        &Link {
            to: a.clone(),
            anchor: None,
        },
    );
    let mut e = Edit::new(format!("swap {a} and {b} (mv through a folder outside)"));
    e.ops
        .push(Op::Swap(format!("content/{a}"), format!("content/{b}")));
    e.urls.push(url_of(&a));
    e.urls.push(url_of(&b));
    Some(e)
}
