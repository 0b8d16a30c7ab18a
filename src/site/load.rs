//! Stage 1, load: `book.toml`, the theme, its templates and syntaxes, and
//! every content file, read once. Later stages never touch the disk again
//! (except to copy assets as they are).

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::cache::FileCache;
use crate::content::Library;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::highlight::{self, Highlighter};
use crate::output;
use crate::render::Templates;
use crate::theme::Theme;

use super::{BuildOptions, Timings};

/// Everything read from disk, handed to every later stage.
pub struct Loaded {
    /// `book.toml` with the command line's overrides.
    pub config: Config,
    /// The theme's files (static files are copied by the plan stage).
    pub theme: Theme,
    /// The theme's parsed templates.
    pub templates: Templates,
    /// Syntax highlighting, the theme's own syntaxes included.
    pub highlighter: Highlighter,
    /// `static/highlight.css`, generated for the configured themes.
    pub css: String,
    /// Every page and asset of the content folder.
    pub library: Library,
}

/// Reads the project; `None` when something could not be loaded (the
/// reasons are in `diags`). Templates, syntaxes and content load in
/// parallel: they are independent and each takes a while. Content files
/// that `files` holds unchanged are not read again.
pub fn load(
    opts: &BuildOptions,
    files: &mut FileCache,
    diags: &mut Diagnostics,
    timings: &mut Timings,
) -> Option<Loaded> {
    let config = take(Config::load(&opts.root, &opts.overrides), diags)?;
    if opts.write {
        let shown_output = config.display_path(&config.output_dir);
        if let Err(d) = output::check_target(&config.output_dir, &shown_output) {
            diags.push(d);
            return None;
        }
    }
    diags.extend(config.warnings.iter().cloned());
    let theme = take(Theme::load(&config), diags)?;
    timings.stage("config and theme");
    let (((templates, t_tpl), (highlighter, t_syn)), (css, library)) = rayon::join(
        || {
            rayon::join(
                || timed(|| Templates::load(&theme)),
                || timed(|| Highlighter::new(&theme)),
            )
        },
        || {
            let mut d = Diagnostics::new();
            let lib = super::load_library_cached(&config, &mut d, files);
            (highlight::stylesheet(&config), (lib, d))
        },
    );
    timings.push("  templates (parallel)", t_tpl);
    timings.push("  syntaxes (parallel)", t_syn);
    timings.stage("load templates, syntaxes, content");
    let (library, lib_diags) = library;
    diags.extend(lib_diags);
    let templates = take(templates, diags);
    let highlighter = take(highlighter, diags);
    let css = take(css, diags);
    let (Some(templates), Some(highlighter), Some(css)) = (templates, highlighter, css) else {
        return None;
    };
    if !has_pages(&config, &library, diags) {
        return None;
    }
    Some(Loaded {
        config,
        theme,
        templates,
        highlighter,
        css,
        library,
    })
}

/// A site needs at least one page of its own (a failed one counts: its
/// error says what to fix); a book may be empty.
pub(crate) fn has_pages(config: &Config, library: &Library, diags: &mut Diagnostics) -> bool {
    // An empty book builds, as in mdBook (its SUMMARY.md got a warning).
    if config.summary.is_some() {
        return true;
    }
    if library.pages.iter().all(|p| p.is_generated()) && library.failed.is_empty() {
        diags.push(
            Diagnostic::error(format!(
                "no Markdown pages in {}",
                config.display_path(&config.content_dir).display()
            ))
            .with_help("add a content/_index.md for the home page"),
        );
        return false;
    }
    true
}

pub(super) fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    (f(), t.elapsed())
}

/// The value of `r`, or `None` with its diagnostics moved to `diags`.
fn take<T>(r: Result<T, Diagnostics>, diags: &mut Diagnostics) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(d) => {
            diags.extend(d);
            None
        }
    }
}
