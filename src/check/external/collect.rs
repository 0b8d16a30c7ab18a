//! Finding the external links of a site, each with every place it is
//! written, so the report can point at the line an author has to edit.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, Tag};

use crate::config::Config;
use crate::content::{Library, PageKind};

/// Where a link is written: the file as shown in diagnostics, 1-based line
/// and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    /// The file, relative to the project when possible.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Every `http:`/`https:` link and image of the site's Markdown pages, by
/// URL (fragment included), each with its places in source order.
pub fn external_links(config: &Config, library: &Library) -> BTreeMap<String, Vec<Place>> {
    let mut out: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    let options = crate::markdown::options(&config.markdown);
    for page in &library.pages {
        if !matches!(page.kind, PageKind::Guide | PageKind::Section) {
            continue;
        }
        let text = &page.source.text;
        let Some(body) = text.get(page.body_offset..) else {
            continue;
        };
        for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
            let dest = match event {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
                _ => continue,
            };
            if !is_external(&dest) {
                continue;
            }
            let (line, col) = page.source.line_col(page.body_offset + range.start);
            out.entry(dest.trim().to_string()).or_default().push(Place {
                file: page.source.path.to_string_lossy().replace('\\', "/"),
                line,
                col,
            });
        }
    }
    for places in out.values_mut() {
        places.sort();
        places.dedup();
    }
    out
}

/// `http://` and `https://` only: `mailto:`, `tel:` and the like name no
/// page a client could fetch.
pub fn is_external(dest: &str) -> bool {
    let lower = dest
        .trim_start()
        .get(..8)
        .unwrap_or(dest)
        .to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::is_external;

    #[test]
    fn only_web_links_are_external() {
        assert!(is_external("https://example.org/"));
        assert!(is_external("HTTP://example.org/"));
        assert!(!is_external("mailto:a@b.c"));
        assert!(!is_external("../codes/429.md"));
        assert!(!is_external("/codes/429/"));
        assert!(!is_external("http"));
    }
}
