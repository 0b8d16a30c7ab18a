//! `remedy diagnose`: walk a site's decision tree in a terminal.
//!
//! Loads only what the walk needs (config, content, trees); the trees are
//! validated exactly as in a build, so a tree that would break the build
//! cannot be walked either.

use std::io::{BufRead, Write};

use crate::config::Config;
use crate::content::{Library, PageId};
use crate::diagnostics::{Diagnostic, Diagnostics, Failure};
use crate::site::BuildOptions;
use crate::tree::walk::{self, GuideLink, Outcome};
use crate::tree::{NodeKind, Tree};

/// What to walk and how.
pub struct DiagnoseOptions<'a> {
    /// Where the project is, and command-line overrides.
    pub build: BuildOptions,
    /// The tree's name (file stem such as `402`, or its path in the content
    /// folder such as `troubleshoot/402`); optional when the site has one tree.
    pub tree: Option<&'a str>,
    /// `--answers 1,3,2`: walk without prompting.
    pub answers: Option<Vec<String>>,
}

/// A site's tree, loaded and validated as a build would.
pub(crate) struct Opened {
    config: Config,
    library: Library,
    page: PageId,
}

impl Opened {
    /// Loads the site at `build.root` and picks the tree named `name`
    /// (the only tree when `None`).
    pub(crate) fn open(build: &BuildOptions, name: Option<&str>) -> Result<Opened, Failure> {
        let config = Config::load(&build.root, &build.overrides)?;
        let mut diags = Diagnostics::new();
        let library = crate::site::load_library(&config, &mut diags);
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
        Ok(Opened {
            config,
            library,
            page,
        })
    }

    /// The tree.
    pub(crate) fn tree(&self) -> &Tree {
        match self.library.pages[self.page].tree() {
            Some(t) => t,
            None => unreachable!("Opened::open picks a page with a tree"),
        }
    }

    fn url(&self, path: &str) -> String {
        self.config.site_url.public_url(path)
    }

    /// The URL of a node's step on the site.
    pub(crate) fn step_url(&self, node: usize) -> String {
        let page = &self.library.pages[self.page];
        self.url(&format!("{}#{}", page.path, self.tree().nodes[node].id))
    }

    /// The tree as the triage engines read it, evidence included.
    pub(crate) fn triage_data(&self) -> crate::tree::triage::Data {
        match crate::site::triage_data(&self.config, &self.library, self.page) {
            Some(d) => d,
            None => unreachable!("Opened::open picks a page with a tree"),
        }
    }

    /// The guides a remedy links to, with their URLs.
    pub(crate) fn guides(&self, node: usize) -> Vec<GuideLink> {
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

/// Runs the walk, reading answers from `input` (or `--answers`) and printing to `out`.
pub fn run(
    opts: &DiagnoseOptions<'_>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let opened = Opened::open(&opts.build, opts.tree)?;
    let tree = opened.tree();
    let guides = |node: usize| opened.guides(node);
    let result = match &opts.answers {
        Some(list) => {
            let script = list.join("\n");
            let mut reader = std::io::Cursor::new(script.into_bytes());
            walk::walk(tree, &guides, &mut reader, out, true)
        }
        None => walk::walk(tree, &guides, input, out, false),
    };
    match result {
        Ok(Ok(outcome)) => {
            if let Outcome::Remedy(node) = outcome {
                let url = opened.step_url(node);
                writeln!(out, "\nThis step on the site: {url}")?;
            }
            Ok(outcome)
        }
        Ok(Err(e)) => Err(Diagnostic::error(e.to_string()).into()),
        Err(e) => Err(e.into()),
    }
}
