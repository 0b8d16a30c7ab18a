//! The parts of a build that join decision trees and guides: guide link
//! titles (known only once every guide is rendered) and the "reached from"
//! back-links a guide shows for each remedy that points at it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::content::{Library, PageId};
use crate::markdown::Rendered;
use crate::render::ReachedFrom;
use crate::tree::render::TreeView;

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
