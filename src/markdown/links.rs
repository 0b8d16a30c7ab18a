//! Where a link in Markdown points, and what URL it becomes.
//!
//! Authors link to other pages by their `.md` file, relative to the linking
//! file (`../providers/stripe.md#card-declined`), as GitHub and editors
//! understand it. The build turns that into the target's URL relative to the
//! linking page, so the site works under any sub-path, and reports links to
//! files that do not exist.

use crate::diagnostics::{did_you_mean, Diagnostic};

use super::Context;

/// What the caller knows about the site's pages and files.
pub trait Links: Sync {
    /// Site path (`codes/429/`) of the page written in the content file `rel_path`.
    fn page_by_file(&self, rel_path: &str) -> Option<&str>;
    /// True when a page has the site path `path` (`codes/429/`).
    fn page_by_path(&self, path: &str) -> bool;
    /// True when `rel_path` is a non-Markdown file of the content folder.
    fn asset(&self, rel_path: &str) -> bool;
    /// All content files with pages, for "did you mean" hints.
    fn page_files(&self) -> Vec<&str>;
    /// True when `rel_path` is a draft left out of this build.
    fn is_draft(&self, rel_path: &str) -> bool;
}

/// The outcome of resolving a link destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// Another site, `mailto:` and the like: left as written.
    External,
    /// A page of this site.
    Page {
        /// The rewritten href, relative to the linking page.
        url: String,
        /// The target's site path.
        page_path: String,
        /// The anchor, if any, to check later.
        anchor: Option<String>,
    },
    /// A file of the content folder, copied to the output.
    Asset {
        /// The rewritten href.
        url: String,
        /// Its path in the content folder (and the output).
        rel_path: String,
    },
}

/// Resolves `dest` as written in the page of `ctx`.
pub fn rewrite(ctx: &Context<'_>, dest: &str) -> Result<LinkTarget, Diagnostic> {
    if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
        return Ok(LinkTarget::External);
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or_default();
    let own_path = ctx
        .links
        .page_by_file(ctx.rel_path)
        .unwrap_or_default()
        .to_string();
    if path.is_empty() {
        // `#anchor` on the same page.
        return Ok(LinkTarget::Page {
            url: dest.to_string(),
            page_path: own_path,
            anchor,
        });
    }
    let with_anchor = |url: String| match &anchor {
        Some(a) => format!("{url}#{a}"),
        None => url,
    };
    if let Some(site) = path.strip_prefix('/') {
        let site = if site.is_empty() || site.ends_with('/') || site.contains('.') {
            site.to_string()
        } else {
            format!("{site}/")
        };
        if ctx.links.page_by_path(&site) {
            return Ok(LinkTarget::Page {
                url: with_anchor(format!("{}{site}", ctx.root)),
                page_path: site,
                anchor,
            });
        }
        if ctx.links.asset(&site) {
            return Ok(LinkTarget::Asset {
                url: with_anchor(format!("{}{site}", ctx.root)),
                rel_path: site,
            });
        }
        return Err(Diagnostic::error(format!("no page or file at `{path}`"))
            .with_label("broken link")
            .with_help(
                "link to the page's .md file with a relative path, e.g. `../codes/429.md`",
            ));
    }
    let Some(target) = resolve_relative(ctx.rel_path, path) else {
        return Err(Diagnostic::error(format!(
            "the link `{dest}` points outside the content folder"
        ))
        .with_label("broken link")
        .with_help("remove some `../` from the path"));
    };
    if target.ends_with(".md") || target.ends_with(".toml") {
        return match ctx.links.page_by_file(&target) {
            Some(page_path) => Ok(LinkTarget::Page {
                url: with_anchor(format!("{}{page_path}", ctx.root)),
                page_path: page_path.to_string(),
                anchor,
            }),
            // An mdBook redirect (`[output.html.redirect]`) or a copied
            // `.html` file answers where the chapter would be.
            None if ctx.links.asset(&md_to_html(&target)) => Ok(LinkTarget::Asset {
                url: with_anchor(format!("{}{}", ctx.root, md_to_html(&target))),
                rel_path: md_to_html(&target),
            }),
            None if ctx.links.is_draft(&target) => Err(Diagnostic::error(format!(
                "link to a draft: `{path}` is not built without --drafts"
            ))
            .with_label("link to a draft")
            .with_help(
                "publish the page (remove `draft = true`), remove the link, or build with --drafts",
            )),
            None => {
                let files = ctx.links.page_files();
                let help = match did_you_mean(&target, files.iter().copied()) {
                    Some(s) => format!("did you mean `{}`?", relative_from(ctx.rel_path, s)),
                    None => "check the file name; links are relative to the linking file".into(),
                };
                Err(Diagnostic::error(format!(
                    "link to a page that does not exist: `{path}` (no {}{target})",
                    content_folder(ctx)
                ))
                .with_label("broken link")
                .with_help(help))
            }
        };
    }
    // A book's chapters may link to each other by their URL (`a/b.html`).
    if target.ends_with(".html") && ctx.links.page_by_path(&target) {
        return Ok(LinkTarget::Page {
            url: with_anchor(format!("{}{target}", ctx.root)),
            page_path: target,
            anchor,
        });
    }
    if ctx.links.asset(&target) {
        return Ok(LinkTarget::Asset {
            url: with_anchor(format!("{}{target}", ctx.root)),
            rel_path: target,
        });
    }
    Err(Diagnostic::error(format!(
        "link to a file that does not exist: `{path}` (no {}{target})",
        content_folder(ctx)
    ))
    .with_label("broken link")
    .with_help("link pages by their .md file; put other files in the content folder"))
}

/// mdBook's URL of a link to a Markdown file: `a/b.md#x` -> `a/b.html#x`.
pub fn md_to_html(dest: &str) -> String {
    let (path, rest) = match dest.find(['#', '?']) {
        Some(i) => dest.split_at(i),
        None => (dest, ""),
    };
    match path.strip_suffix(".md") {
        Some(stem) => format!("{stem}.html{rest}"),
        None => dest.to_string(),
    }
}

/// The content folder as the user sees it (`content/`, or a book's `src/`),
/// from the linking file's shown path.
fn content_folder(ctx: &Context<'_>) -> String {
    let shown = ctx.source.path.to_string_lossy().replace('\\', "/");
    shown
        .strip_suffix(ctx.rel_path)
        .map_or_else(|| "content/".to_string(), str::to_string)
}

/// True for a relative link that climbs out of the content folder.
pub fn leaves_content(ctx: &Context<'_>, dest: &str) -> bool {
    if dest.is_empty() || has_scheme(dest) || dest.starts_with('/') || dest.starts_with('#') {
        return false;
    }
    let path = dest.split(['#', '?']).next().unwrap_or_default();
    resolve_relative(ctx.rel_path, path).is_none()
}

fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Joins a relative link to the linking file's folder: `codes/429.md` +
/// `../402/_index.md` = `402/_index.md`. `None` when it climbs out of the
/// content folder.
pub fn resolve_relative(from_file: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = from_file.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The relative path from `from_file` to `to_file`, both content-relative.
fn relative_from(from_file: &str, to_file: &str) -> String {
    let from: Vec<&str> = from_file.split('/').collect();
    let from_dir = &from[..from.len() - 1];
    let to: Vec<&str> = to_file.split('/').collect();
    let common = from_dir.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            resolve_relative("codes/429.md", "../402/_index.md").as_deref(),
            Some("402/_index.md")
        );
        assert_eq!(
            resolve_relative("_index.md", "codes/401.md").as_deref(),
            Some("codes/401.md")
        );
        assert_eq!(resolve_relative("a.md", "../x.md"), None);
        assert_eq!(
            relative_from("providers/stripe.md", "codes/429.md"),
            "../codes/429.md"
        );
        assert_eq!(
            relative_from("providers/stripe.md", "providers/x.md"),
            "x.md"
        );
    }

    #[test]
    fn md_links_become_html() {
        assert_eq!(md_to_html("a/b.md#x"), "a/b.html#x");
        assert_eq!(md_to_html("b.md"), "b.html");
        assert_eq!(md_to_html("b.png"), "b.png");
    }

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("../a.md"));
        assert!(!has_scheme("a.md#x:y"));
    }
}
