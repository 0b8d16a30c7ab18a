//! Edits to one page's body and front matter: title, short label, weight,
//! description, codes, draft, aliases.

use super::Edit;
use crate::render::url_of;
use crate::rng::Rng;
use crate::site::Site;

/// A new body for a page.
pub fn body(site: &mut Site, rng: &mut Rng, n: usize, pages: &[String]) -> Option<Edit> {
    let path = rng.pick(pages).clone();
    site.pages.get_mut(&path).unwrap().intro = format!("Body revision {n} of this page.");
    let mut e = Edit::new(format!("edit the body of {path}"));
    e.urls.push(url_of(&path));
    Some(e)
}

/// A new title, or a short label set or cleared.
pub fn title(site: &mut Site, rng: &mut Rng, n: usize, pages: &[String]) -> Option<Edit> {
    let path = rng.pick(pages).clone();
    let p = site.pages.get_mut(&path).unwrap();
    let mut e = if rng.chance(25) {
        p.short = (p.short.is_none() || rng.chance(50)).then(|| format!("Short {n}"));
        Edit::new(format!("set the short label of {path} to {:?}", p.short))
    } else {
        p.title = format!("Title {n}");
        Edit::new(format!("retitle {path} as {:?}", p.title))
    };
    e.urls.push(url_of(&path));
    Some(e)
}

/// A new weight (or none) for a page other than the home page.
pub fn weight(site: &mut Site, rng: &mut Rng) -> Option<Edit> {
    let path = rng.pick(&site.movable()).clone();
    let w = (!rng.chance(20)).then(|| rng.below(120) as i64);
    site.pages.get_mut(&path).unwrap().weight = w;
    let mut e = Edit::new(format!("set the weight of {path} to {w:?}"));
    e.urls.push(url_of(&path));
    Some(e)
}

/// A new description or status codes (either may be cleared).
pub fn description_or_codes(
    site: &mut Site,
    rng: &mut Rng,
    n: usize,
    pages: &[String],
) -> Option<Edit> {
    let path = rng.pick(pages).clone();
    let p = site.pages.get_mut(&path).unwrap();
    if rng.chance(50) {
        p.description = (!rng.chance(25)).then(|| format!("Description {n}."));
    } else {
        p.codes = if rng.chance(25) {
            Vec::new()
        } else {
            vec![400 + rng.below(100) as u16]
        };
    }
    let mut e = Edit::new(format!(
        "change description/codes of {path}: {:?} {:?}",
        p.description, p.codes
    ));
    e.urls.push(url_of(&path));
    Some(e)
}

/// A draft, or a draft published (only pages nothing links to).
pub fn draft(site: &mut Site, rng: &mut Rng) -> Option<Edit> {
    let candidates: Vec<String> = site
        .regular()
        .into_iter()
        .filter(|p| site.pages[p].draft || site.referrers(p, None) == 0)
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let path = rng.pick(&candidates).clone();
    let p = site.pages.get_mut(&path).unwrap();
    p.draft = !p.draft;
    let mut e = Edit::new(format!("set draft = {} in {path}", p.draft));
    e.urls.push(url_of(&path));
    Some(e)
}

/// An alias.
pub fn alias(site: &mut Site, rng: &mut Rng, n: usize) -> Option<Edit> {
    let path = rng.pick(&site.movable()).clone();
    let alias = format!("/old/alias{n}/");
    site.pages
        .get_mut(&path)
        .unwrap()
        .aliases
        .push(alias.clone());
    let mut e = Edit::new(format!("add the alias {alias} to {path}"));
    e.urls.push(alias);
    e.urls.push(url_of(&path));
    Some(e)
}
