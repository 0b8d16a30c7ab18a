//! The checks that need the whole site at once: anchors of links between
//! pages, aliases, and files that would overwrite each other in the
//! output. Each pushes every problem it finds, with its place and a hint;
//! the build stops after the stage that ran them.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use crate::content::{Library, PageId};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::markdown::Rendered;
use crate::tree::paste;

use super::content::Content;
use super::load::Loaded;
use super::plan::{alias_path, Plan};
use super::trees::TriageFile;

/// The checks that need every page's rendered body: anchors, aliases and
/// the trees' examples.
pub fn content(loaded: &Loaded, content: &Content, diags: &mut Diagnostics) {
    let Loaded {
        config, library, ..
    } = loaded;
    anchors(library, &content.rendered, &config.markdown, diags);
    aliases(library, diags);
    examples(library, &content.rendered, &content.triage, diags);
}

/// Every `page.md#anchor` link must name an id that the target page defines.
/// In a book they are warnings unless it asks for strict checks, as links are.
fn anchors(
    library: &Library,
    rendered: &[Arc<Rendered>],
    flavor: &crate::config::Flavor,
    diags: &mut Diagnostics,
) {
    for r in rendered {
        for link in &r.anchor_refs {
            let Some(&target) = library.by_path.get(&link.page_path) else {
                continue;
            };
            let anchors = &rendered[target.index()].anchors;
            if anchors.contains(&link.anchor) {
                continue;
            }
            let mut known: Vec<&str> = anchors.iter().map(String::as_str).collect();
            known.sort_unstable();
            let help = match did_you_mean(&link.anchor, known.iter().copied()) {
                Some(s) => format!("did you mean `#{s}`?"),
                None if known.is_empty() => "that page has no headings".to_string(),
                None => format!(
                    "headings there: {}",
                    known
                        .iter()
                        .map(|k| format!("#{k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            diags.push(crate::markdown::book_severity(
                Diagnostic::error(format!(
                    "`#{}` is not a heading of {}",
                    link.anchor,
                    library.pages[target].source.path.display()
                ))
                .at(&link.source, link.span.clone())
                .with_label("broken anchor")
                .with_help(help),
                flavor,
            ));
        }
    }
}

/// Aliases must not land on a real page or on each other.
fn aliases(library: &Library, diags: &mut Diagnostics) {
    let mut seen: BTreeMap<String, PageId> = BTreeMap::new();
    for i in library.ids() {
        let page = &library.pages[i];
        for alias in &page.meta.aliases {
            let path = alias_path(alias.get_ref());
            let span = alias.span();
            let span = span.start + page.front_matter_offset..span.end + page.front_matter_offset;
            if library.by_path.contains_key(&path) {
                diags.push(
                    Diagnostic::error(format!(
                        "the alias `{}` is the path of an existing page",
                        alias.get_ref()
                    ))
                    .at(&page.source, span)
                    .with_help("remove the alias or move the other page"),
                );
            } else if let Some(&other) = seen.get(&path) {
                diags.push(
                    Diagnostic::error(format!(
                        "the alias `{}` is also an alias of {}",
                        alias.get_ref(),
                        library.pages[other].source.path.display()
                    ))
                    .at(&page.source, span),
                );
            } else {
                seen.insert(path, i);
            }
        }
    }
}

/// Nothing may be written twice: content files against generated files,
/// and nothing into `search/` when the search index owns it.
pub fn outputs(loaded: &Loaded, plan: &Plan, diags: &mut Diagnostics) {
    let Loaded {
        config, library, ..
    } = loaded;
    let Plan {
        extra,
        page_files,
        copies,
        ..
    } = plan;
    let copies: HashSet<&str> = copies.iter().map(|(path, _)| path.as_str()).collect();
    for asset in &library.assets {
        if page_files.contains(&asset.rel_path)
            || extra.contains_key(&asset.rel_path)
            || copies.contains(asset.rel_path.as_str())
        {
            diags.push(
                Diagnostic::error(format!(
                    "the file would overwrite a generated file at /{}",
                    asset.rel_path
                ))
                .in_file(config.display_path(&asset.file))
                .with_help("rename or move the file"),
            );
        }
    }
    // The search index owns `search/`; a page or file there would mix
    // with it (or be overwritten by it).
    let reserved = |path: &str| config.search && path.starts_with("search/");
    for page in library.pages.iter().filter(|p| reserved(&p.path)) {
        diags.push(
            Diagnostic::error(
                "pages cannot live under /search/: that folder holds the search index",
            )
            .in_file(page.source.path.clone())
            .with_help("move or rename the file (or its folder)"),
        );
    }
    for asset in library.assets.iter().filter(|a| reserved(&a.rel_path)) {
        diags.push(
            Diagnostic::error(
                "files cannot live under /search/: that folder holds the search index",
            )
            .in_file(config.display_path(&asset.file))
            .with_help("move or rename the file (or its folder)"),
        );
    }
    for path in extra.keys() {
        if page_files.contains(path) || copies.contains(path.as_str()) {
            diags.push(
                Diagnostic::error(format!("two outputs would be written to /{path}")).with_help(
                    "an alias or theme file has the same path as a page; rename one of them",
                ),
            );
        }
    }
}

/// Every example response a tree's guide shows is a paste a reader could
/// make, so it must lead to a remedy that links that guide: a fenced
/// `http` block with a status line, or a `json` block holding an object.
/// A block whose info string says `no-triage` is left out. Warnings, at
/// the fence: the site still builds.
fn examples(
    library: &Library,
    rendered: &[Arc<Rendered>],
    triage: &BTreeMap<PageId, TriageFile>,
    diags: &mut Diagnostics,
) {
    // For each guide page, the trees that link it.
    let mut trees_of: BTreeMap<PageId, Vec<&TriageFile>> = BTreeMap::new();
    for file in triage.values() {
        let Some(model) = &file.data.evidence else {
            continue;
        };
        for p in &model.pages {
            if let Some(&id) = library.by_path.get(&p.path) {
                trees_of.entry(id).or_default().push(file);
            }
        }
    }
    for (&id, files) in &trees_of {
        let page = &library.pages[id];
        for sample in &rendered[id.index()].samples {
            if sample.info.split([',', ' ']).any(|a| a == "no-triage") || !is_response(sample) {
                continue;
            }
            let mut outcomes = Vec::new();
            let linked = files.iter().any(|f| {
                let t = crate::tree::triage::walk_text(&f.data, &sample.text);
                let ok = f.data.evidence.as_ref().is_some_and(|m| {
                    m.remedies.iter().any(|r| {
                        r.id == t.node
                            && r.pages
                                .iter()
                                .any(|&p| m.pages[p as usize].path == page.path)
                    })
                });
                let heading = f.data.headings.get(&t.node).cloned().unwrap_or_default();
                let kind = if f.data.questions.contains_key(&t.node) {
                    "stops at the question"
                } else {
                    "leads to"
                };
                outcomes.push(format!("{kind} \"{heading}\" in {}", f.data.title));
                ok
            });
            if linked {
                continue;
            }
            diags.push(
                Diagnostic::warning(format!(
                    "this example response {}, not to a remedy that links this page",
                    outcomes.join("; ")
                ))
                .at(&page.source, sample.span.clone())
                .with_label("pasted into the tree")
                .with_help(
                    "readers paste responses like this one: give the tree an answer whose `when` matches it, or name its distinctive values on this page; if readers would not paste it, write `no-triage` after the language (```http no-triage)",
                ),
            );
        }
    }
}

/// Whether a code sample shows a response: an `http` block with a status
/// line, or a `json` block holding an object.
fn is_response(sample: &crate::markdown::CodeSample) -> bool {
    match sample.lang.as_str() {
        "http" => sample
            .text
            .lines()
            .any(|l| l.trim_start().starts_with("HTTP/") && paste::parse(l).status.is_some()),
        _ => matches!(
            paste::parse_json(sample.text.trim_start()),
            Some(paste::Json::Obj(_))
        ),
    }
}
