//! Edits to the files that are not pages: the decision tree, the theme,
//! `book.toml` and the assets.

use super::{Edit, Op};
use crate::render::{svg, url_of};
use crate::rng::Rng;
use crate::site::{Site, TREE};

/// The decision tree.
pub fn tree(site: &mut Site, rng: &mut Rng, n: usize) -> Option<Edit> {
    let what = match rng.below(4) {
        0 => {
            site.tree.question = format!("Question revision {n}?");
            "the question".to_string()
        }
        1 => {
            let i = rng.below(2);
            site.tree.answers[i] = format!("Answer revision {n}");
            format!("answer {i}")
        }
        2 => {
            let i = rng.below(2);
            site.tree.remedies[i].0 = format!("Remedy revision {n}");
            format!("the title of remedy {i}")
        }
        _ => {
            let i = rng.below(2);
            let mut g = site.random_target(rng, "");
            if g.to == TREE || g.to.ends_with("_index.md") {
                return None;
            }
            if rng.chance(30) {
                g.anchor = None;
            }
            let what = format!("the guide of remedy {i} -> {g:?}");
            site.tree.remedies[i].1 = g;
            what
        }
    };
    let mut e = Edit::new(format!("edit the tree: {what}"));
    e.urls.push(url_of(TREE));
    Some(e)
}

/// A template (or the theme's stylesheet, or the book title).
pub fn template_or_book(site: &mut Site, rng: &mut Rng, n: usize, may_break: bool) -> Option<Edit> {
    let mut e = if may_break && rng.chance(25) {
        let mut e = Edit::new("break templates/page.html".to_string());
        let broken = site.files()["themes/default/templates/page.html"].replacen(
            "<div class=\"prose\">",
            "{% if %}<div class=\"prose\">",
            1,
        );
        e.ops.push(Op::Write(
            "themes/default/templates/page.html".into(),
            broken,
        ));
        e.sync = false;
        e.valid = false;
        e
    } else if rng.chance(20) {
        site.css_note = match site.css_note {
            Some(_) if rng.chance(50) => None,
            _ => Some(format!("style revision {n}")),
        };
        Edit::new(format!(
            "override static/style.css of the theme: {:?}",
            site.css_note
        ))
    } else if rng.chance(25) {
        site.section_note = match site.section_note {
            Some(_) if rng.chance(50) => None,
            _ => Some(format!("<p>Section template {n}</p>")),
        };
        Edit::new(format!(
            "override templates/section.html: {:?}",
            site.section_note
        ))
    } else if rng.chance(30) {
        match rng.below(3) {
            0 => site.book_title = format!("Incremental {n}"),
            1 => site.search = !site.search,
            _ => site.precompress = !site.precompress,
        }
        Edit::new(format!(
            "edit book.toml: title {:?}, search {}, precompress {}",
            site.book_title, site.search, site.precompress
        ))
    } else {
        site.template_note = if rng.chance(50) {
            format!("<!-- template note {n} -->")
        } else {
            format!("<p class=\"note\">Template text {n}</p>")
        };
        Edit::new(format!("edit templates/page.html: {}", site.template_note))
    };
    e.urls.push("/guides/".into());
    Some(e)
}

/// An asset.
pub fn asset(site: &mut Site, rng: &mut Rng, n: usize) -> Option<Edit> {
    let path = rng
        .pick(&site.assets.keys().cloned().collect::<Vec<_>>())
        .clone();
    let text = if path.ends_with(".svg") {
        svg(&format!("rev {n:04}"))
    } else {
        format!("Notes, version {n:04}.\n")
    };
    site.assets.insert(path.clone(), text);
    let mut e = Edit::new(format!("edit the asset {path}"));
    e.urls.push(format!("/{path}"));
    Some(e)
}
