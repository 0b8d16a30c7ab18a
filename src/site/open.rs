//! Opening one decision tree of a project, for the commands that walk it
//! in a terminal (`remedy diagnose`, `remedy triage`).

use crate::config::Config;
use crate::content::{Library, PageId};
use crate::diagnostics::{Diagnostic, Diagnostics, Failure};
use crate::tree::walk::GuideLink;
use crate::tree::{NodeKind, Tree};

use super::BuildOptions;

/// A site's tree, loaded and validated as a build would.
pub struct OpenTree {
    config: Config,
    library: Library,
    page: PageId,
}

/// Loads the site at `build.root` and picks the tree named `name` (its
/// file stem such as `402`, or its path in the content folder such as
/// `troubleshoot/402`; the only tree when `None`). Pages are read and
/// checked as a build reads them, but nothing is rendered: a guide's text
/// is made only when the tree's triage data asks for it.
pub fn open_tree(build: &BuildOptions, name: Option<&str>) -> Result<OpenTree, Failure> {
    let config = Config::load(&build.root, &build.overrides)?;
    let mut diags = Diagnostics::new();
    let library = super::load_library(&config, &mut diags);
    if diags.has_errors() {
        return Err(diags.into());
    }
    let trees: Vec<PageId> = library
        .ids()
        .filter(|&i| library.pages[i].tree().is_some())
        .collect();
    let names = |i: PageId| {
        let rel = library.pages[i]
            .rel_path
            .trim_end_matches(".toml")
            .to_string();
        let stem = rel.rsplit('/').next().unwrap_or_default().to_string();
        (rel, stem)
    };
    let chosen = match name {
        Some(name) => trees.iter().copied().find(|&i| {
            let (rel, stem) = names(i);
            name == rel || name == stem || name.trim_end_matches(".toml") == rel
        }),
        None if trees.len() == 1 => Some(trees[0]),
        None => None,
    };
    let Some(page) = chosen else {
        let list: Vec<String> = trees.iter().map(|&i| names(i).0).collect();
        let msg = match name {
            Some(name) => format!("no decision tree named `{name}`"),
            None if trees.is_empty() => "this site has no decision tree".to_string(),
            None => "this site has several decision trees: name one".to_string(),
        };
        let help = if list.is_empty() {
            "add a tree as a .toml file in the content folder (see the README)".to_string()
        } else {
            format!("trees: {}", list.join(", "))
        };
        return Err(Diagnostic::error(msg).with_help(help).into());
    };
    Ok(OpenTree {
        config,
        library,
        page,
    })
}

impl OpenTree {
    /// The tree.
    pub fn tree(&self) -> &Tree {
        match self.library.pages[self.page].tree() {
            Some(t) => t,
            None => unreachable!("open_tree picks a page with a tree"),
        }
    }

    fn url(&self, path: &str) -> String {
        self.config.site_url.public_url(path)
    }

    /// The URL of a node's step on the site.
    pub fn step_url(&self, node: usize) -> String {
        let page = &self.library.pages[self.page];
        self.url(&format!("{}#{}", page.path, self.tree().nodes[node].id))
    }

    /// The tree as the triage engines read it, evidence included.
    pub fn triage_data(&self) -> crate::tree::triage::Data {
        match super::triage_data(&self.config, &self.library, self.page) {
            Some(d) => d,
            None => unreachable!("open_tree picks a page with a tree"),
        }
    }

    /// The guides a remedy links to, with their URLs.
    pub fn guides(&self, node: usize) -> Vec<GuideLink> {
        let NodeKind::Remedy { guides, .. } = &self.tree().nodes[node].kind else {
            return Vec::new();
        };
        guides
            .iter()
            .filter_map(|g| {
                let target = &self.library.pages[*self.library.by_rel_path.get(&g.file)?];
                let path = match &g.anchor {
                    Some(a) => format!("{}#{a}", target.path),
                    None => target.path.clone(),
                };
                Some(GuideLink {
                    title: target.meta.title.clone(),
                    url: self.url(&path),
                })
            })
            .collect()
    }
}
