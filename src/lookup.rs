//! `remedy search`: finding a built site's index, opening it and shaping
//! results for scripts. The query engine itself is `search`; this module
//! only knows where a project keeps its site and how URLs are shown.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::config::{Config, Overrides};
use crate::diagnostics::{Diagnostic, Failure};
use crate::search::{Options, PageHit, SearchIndex, INDEX_DIR};

/// A built site to search, and how its URLs are shown.
pub struct Site {
    /// The site's folder.
    pub dir: PathBuf,
    /// Prefix of every result URL: the site URL when it has a host, else
    /// the base path (`/` for `--site`).
    pub base: String,
}

/// One result as `remedy search --json` prints it (keys in alphabetical
/// order, as earlier versions printed them).
#[derive(Debug, Serialize)]
pub struct JsonHit<'a> {
    /// The page's status codes.
    pub codes: &'a [u16],
    /// `guide` or `step`.
    pub kind: &'static str,
    /// BM25 score.
    pub score: f64,
    /// The section's heading, if the hit is not the page's top.
    pub section: Option<&'a str>,
    /// Text around the matched words.
    pub snippet: &'a str,
    /// The page's title.
    pub title: &'a str,
    /// Absolute URL (or path under the base path) with the section's anchor.
    pub url: String,
}

impl Site {
    /// A site folder given with `--site`; its URLs are shown from `/`.
    pub fn built(dir: &Path) -> Site {
        Site {
            dir: dir.to_path_buf(),
            base: "/".into(),
        }
    }

    /// The site a project builds into (`[build] build-dir`).
    pub fn of_project(root: &Path) -> Result<Site, Failure> {
        let config = Config::load(root, &Overrides::default())?;
        Ok(Site {
            base: config.site_url.public_url(""),
            dir: config.output_dir,
        })
    }

    /// Runs `query`; a missing or unreadable index is a located error.
    pub fn search(&self, query: &str, opts: &Options) -> Result<Vec<PageHit>, Failure> {
        let dir = self.dir.join(INDEX_DIR);
        if !dir.join("meta.json").is_file() {
            return Err(
                Diagnostic::error(format!("no search index in {}", dir.display()))
                    .with_help("run `remedy build` first (or pass --site with a built site)")
                    .into(),
            );
        }
        let index = SearchIndex::open(&dir).map_err(|e| {
            Diagnostic::error(format!("{e:#}"))
                .with_help("rebuild the site with this version of remedy")
        })?;
        index
            .search(query, opts)
            .map_err(|e| Failure::from(Diagnostic::error(format!("the search failed: {e:#}"))))
    }

    /// Results as `--json` prints them: URLs made absolute with `base`.
    pub fn json<'a>(&self, hits: &'a [PageHit]) -> Vec<JsonHit<'a>> {
        hits.iter()
            .map(|h| JsonHit {
                title: &h.title,
                section: h.heading.as_deref(),
                url: format!("{}{}", self.base, h.url),
                score: f64::from(h.score),
                codes: &h.codes,
                kind: h.kind,
                snippet: &h.snippet,
            })
            .collect()
    }
}
