//! The parts of a build that join decision trees and guides: guide link
//! titles (known only once every guide is rendered) and the "reached from"
//! back-links a guide shows for each remedy that points at it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::content::{Library, PageId};
use crate::fingerprint::Fnv64;
use crate::markdown::Rendered;
use crate::render::ReachedFrom;
use crate::tree::evidence::{Model, PageText};
use crate::tree::render::TreeView;
use crate::tree::triage::Data;

/// Names each guide link "Guide title › Heading" from the rendered guides.
pub fn fill_guide_titles(
    library: &Library,
    rendered: &[Arc<Rendered>],
    views: &mut [Option<TreeView>],
) {
    for view in views.iter_mut().flatten() {
        for node in &mut view.nodes {
            for g in &mut node.guides {
                let Some(&target) = library.by_path.get(&g.page_path) else {
                    continue;
                };
                let title = &library.pages[target].meta.title;
                let heading = g.anchor.as_ref().and_then(|a| {
                    rendered[target.index()]
                        .sections
                        .iter()
                        .find(|s| s.id.as_deref() == Some(a.as_str()))
                        .and_then(|s| s.heading.clone())
                });
                g.title = match heading {
                    Some(h) => format!("{title} › {h}"),
                    None => title.clone(),
                };
            }
        }
    }
}

/// For each page, the remedies (and the answers leading to them) that link to it.
pub fn reached_from(library: &Library) -> BTreeMap<PageId, Vec<ReachedFrom>> {
    let mut map: BTreeMap<PageId, Vec<ReachedFrom>> = BTreeMap::new();
    for tree_page in library.ids() {
        let Some(tree) = library.pages[tree_page].tree() else {
            continue;
        };
        let incoming = tree.incoming();
        for (r, node) in tree.nodes.iter().enumerate() {
            let crate::tree::NodeKind::Remedy { guides, .. } = &node.kind else {
                continue;
            };
            for g in guides {
                let Some(&target) = library.by_rel_path.get(&g.file) else {
                    continue;
                };
                for &(q, a) in &incoming[r] {
                    let question = &tree.nodes[q];
                    map.entry(target).or_default().push(ReachedFrom {
                        tree_page,
                        question: question.heading().to_string(),
                        answer: question.answers()[a].label.clone(),
                        node: node.id.clone(),
                    });
                }
            }
        }
    }
    for list in map.values_mut() {
        list.sort();
        list.dedup();
    }
    map
}

/// A tree's triage data as published beside its page.
pub struct TriageFile {
    /// What the engines read (also what the example check walks).
    pub data: Data,
    /// Output path (`troubleshoot/402/triage-data.js`).
    pub file: String,
    /// Its URL from the site root, with a content hash
    /// (`troubleshoot/402/triage-data.js?v=...`), for the search box.
    pub url: String,
    /// The script: `__remedyTriage(DATA);`.
    pub bytes: Vec<u8>,
}

/// The data file's name, beside the tree page.
pub const TRIAGE_FILE: &str = "triage-data.js";

/// The triage data of the tree page `tree_page`, with its evidence read
/// from every page's rendered text.
pub fn triage_data(
    library: &Library,
    rendered: &[Arc<Rendered>],
    tree_page: PageId,
) -> Option<Data> {
    let page = &library.pages[tree_page];
    let tree = page.tree()?;
    let texts: Vec<PageText<'_>> = library
        .ids()
        .filter(|&i| library.pages[i].tree().is_none())
        .map(|i| {
            let p = &library.pages[i];
            PageText {
                file: &p.rel_path,
                path: &p.path,
                title: &p.meta.title,
                description: p.meta.description.as_deref(),
                hosts: p.meta.hosts.iter().map(|h| h.get_ref().clone()).collect(),
                sections: &rendered[i.index()].sections,
            }
        })
        .collect();
    let model = Model::build(tree, &texts);
    Some(Data::new(tree, &page.path, Some(model)))
}

/// Every tree's data file; each tree view learns its file's URL (with a
/// content hash, so a browser never runs a stale copy).
pub fn publish_triage(
    library: &Library,
    rendered: &[Arc<Rendered>],
    views: &mut [Option<TreeView>],
) -> BTreeMap<PageId, TriageFile> {
    let mut out = BTreeMap::new();
    for id in library.ids() {
        let Some(data) = triage_data(library, rendered, id) else {
            continue;
        };
        let bytes = format!("__remedyTriage({});\n", data.to_script_json()).into_bytes();
        let versioned = format!(
            "{TRIAGE_FILE}?v={}",
            Fnv64::default().update(&bytes).short()
        );
        if let Some(view) = views[id.index()].as_mut() {
            view.triage = Some(versioned.clone());
        }
        let path = &library.pages[id].path;
        out.insert(
            id,
            TriageFile {
                file: format!("{path}{TRIAGE_FILE}"),
                url: format!("{path}{versioned}"),
                data,
                bytes,
            },
        );
    }
    out
}
