//! Links added and broken, headings added and renamed.

use super::{Edit, Op};
use crate::render::{render_page, url_of};
use crate::rng::Rng;
use crate::site::{Heading, Link, Site};

/// Add a link.
pub fn add_link(site: &mut Site, rng: &mut Rng, pages: &[String]) -> Option<Edit> {
    let from = rng.pick(pages).clone();
    let link = site.random_target(rng, &from);
    site.pages.get_mut(&from).unwrap().links.push(link.clone());
    let mut e = Edit::new(format!("add a link {from} -> {link:?}"));
    e.urls.push(url_of(&from));
    Some(e)
}

/// Break a link: a missing page or a missing anchor (on disk only).
pub fn break_link(site: &mut Site, rng: &mut Rng, n: usize, pages: &[String]) -> Option<Edit> {
    let from = rng.pick(pages).clone();
    let mut page = site.pages[&from].clone();
    let bad = if rng.chance(50) {
        Link {
            to: format!("guides/missing{n}.md"),
            anchor: None,
        }
    } else {
        let target = rng.pick(&site.movable()).clone();
        Link {
            to: target,
            anchor: Some(format!("no-such-anchor-{n}")),
        }
    };
    page.links.push(bad.clone());
    let mut e = Edit::new(format!("break a link in {from}: {bad:?}"));
    e.ops.push(Op::Write(
        format!("content/{from}"),
        render_page(&from, &page),
    ));
    e.sync = false;
    e.valid = false;
    e.urls.push(url_of(&from));
    Some(e)
}

/// Add a heading, or rename one that others link to.
pub fn add_or_rename_heading(
    site: &mut Site,
    rng: &mut Rng,
    n: usize,
    pages: &[String],
    may_break: bool,
) -> Option<Edit> {
    let path = rng.pick(pages).clone();
    let p = site.pages.get_mut(&path).unwrap();
    if p.headings.is_empty() || rng.chance(30) {
        p.headings.push(Heading {
            text: format!("Added part {n}"),
            explicit: rng.chance(50).then(|| format!("h-added-{n}")),
        });
        let mut e = Edit::new(format!("add a heading to {path}"));
        e.urls.push(url_of(&path));
        return Some(e);
    }
    let i = rng.below(p.headings.len());
    let old = p.headings[i].id();
    let h = &mut p.headings[i];
    if h.explicit.is_some() {
        h.explicit = Some(format!("h-renamed-{n}"));
    } else {
        h.text = format!("Renamed part {n}");
    }
    let new = h.id();
    let refs = site.referrers(&path, Some(&old));
    let stale = may_break && refs > 0 && rng.chance(40);
    let text = render_page(&path, &site.pages[&path]);
    site.relink(
        |l| {
            let mut l = l.clone();
            if l.to == path && l.anchor.as_deref() == Some(&old) {
                l.anchor = Some(new.clone());
            }
            Some(l)
        },
        &Link {
            to: path.clone(),
            anchor: None,
        },
    );
    let mut e = Edit::new(format!(
        "rename the heading #{old} of {path} to #{new} ({refs} links to it{})",
        if stale { ", left stale" } else { "" }
    ));
    e.urls.push(url_of(&path));
    if stale {
        e.ops.push(Op::Write(format!("content/{path}"), text));
        e.sync = false;
        e.valid = false;
    }
    Some(e)
}
