//! mdBook books, built as they are: `SUMMARY.md`, mdBook's URLs, its
//! directives and its preprocessors.
//!
//! A project is a book when its source folder holds `SUMMARY.md`. Then the
//! chapters listed there are the pages (nothing else is), in that order and
//! nesting; a chapter `a/b.md` is written to `a/b.html` and a `README.md` to
//! the `index.html` of its folder, so every URL of a deployed mdBook book
//! keeps working. The chapters need no front matter: titles come from
//! `SUMMARY.md` (or `{{#title}}`, or the first heading). This module turns the
//! book into the same [`Library`] a native site has; everything after that
//! (Markdown, link checks, search, templates) is shared.

pub mod include;
pub mod preprocess;
mod redirects;
pub mod summary;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};
use walkdir::WalkDir;

use crate::config::Config;
use crate::content::summary::{Chapter, Item};
use crate::content::{Asset, FrontMatter, Library, Page, PageId, PageKind};
use crate::diagnostics::{did_you_mean, from_walk_error, Diagnostic, Diagnostics, Source};

/// Reads the book whose `SUMMARY.md` is `summary_file`.
pub fn load(config: &Config, summary_file: &Path, diags: &mut Diagnostics) -> Library {
    let mut lib = Library::default();
    let Some(summary_source) = read(config, summary_file, diags) else {
        return lib;
    };
    let (items, summary_diags) = summary::parse(&summary_source);
    let summary_failed = summary_diags.iter().any(Diagnostic::is_error);
    diags.extend(summary_diags);
    // So the build does not add "no pages" to the errors already given.
    lib.failed.insert("SUMMARY.md".into(), String::new());
    if summary_failed {
        return lib;
    }
    lib.redirects = config
        .redirects
        .keys()
        .map(|from| redirects::source_file(from))
        .filter(|from| !from.contains('#'))
        .collect();
    if chapters(&items).iter().all(|c| c.path.is_none()) {
        // mdBook builds an empty book (no chapters, no index.html), and
        // still runs its preprocessors.
        diags.push(
            Diagnostic::warning("SUMMARY.md lists no chapter; the book is empty")
                .at(&summary_source, 0..0)
                .with_help("add chapters as `- [Title](file.md)`"),
        );
    }
    if !listed_once(&items, &summary_source, diags) {
        return lib;
    }
    let files = walk(config, diags);
    let md_files: Vec<&str> = files
        .iter()
        .filter(|(rel, _)| rel.ends_with(".md"))
        .map(|(rel, _)| rel.as_str())
        .collect();

    // Chapter text, directives expanded, keyed by file.
    let mut texts: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
    let mut missing = false;
    for chapter in chapters(&items) {
        let Some(rel) = &chapter.path else { continue };
        if texts.contains_key(rel) {
            continue;
        }
        let file = config.content_dir.join(rel);
        if !file.is_file() && config.create_missing {
            create_missing(config, &file, chapter, &summary_source, diags);
        }
        if !file.is_file() && (!config.create_missing || config.write_sources) {
            missing = true;
            let help = match did_you_mean(rel, md_files.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "create the file, fix the path (relative to SUMMARY.md), make the chapter a draft (`[Title]()`), or leave `create-missing` on in book.toml".into(),
            };
            diags.push(
                Diagnostic::error(format!("SUMMARY.md lists `{rel}`, which does not exist"))
                    .at(&summary_source, chapter.span.clone())
                    .with_label("missing chapter")
                    .with_help(help),
            );
            continue;
        }
        if !file.is_file() {
            // `remedy check` writes nothing: the chapter is read as
            // `create-missing` would write it.
            let text = missing_chapter(&chapter.name);
            texts.insert(rel.clone(), (text, None));
            continue;
        }
        let Some(source) = read(config, &file, diags) else {
            missing = true;
            continue;
        };
        let expanded = include::expand(config, &file, &source);
        diags.extend(expanded.diagnostics);
        texts.insert(rel.clone(), (expanded.text, expanded.title));
    }
    if missing || diags.has_errors() {
        lib.failed
            .extend(texts.keys().map(|k| (k.clone(), page_path(k))));
        return lib;
    }

    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut book = json!({ "items": to_json(&items, &texts, &[]) });
    for pre in config.preprocessors.iter() {
        if !pre.run {
            diags.push(
                Diagnostic::warning(format!(
                    "preprocessor `{}` not run (--skip-preprocessor)",
                    pre.name
                ))
                .at(&config.source, pre.span.clone())
                .with_help("its changes to the chapters are missing from this build"),
            );
            continue;
        }
        match preprocess::run(config, pre, &book) {
            Ok(Some(new)) => book = new,
            Ok(None) => {}
            Err(d) => {
                let stop = d.is_error();
                diags.push(d);
                if stop {
                    // The chapters exist; they are just not built this time.
                    lib.failed
                        .extend(texts.keys().map(|k| (k.clone(), page_path(k))));
                    return lib;
                }
            }
        }
    }
    if let Some(items) = book.get("items").and_then(Value::as_array) {
        from_json(items, &mut texts, &mut names);
    }

    for chapter in chapters(&items) {
        let Some(rel) = &chapter.path else { continue };
        let Some((text, title)) = texts.get(rel) else {
            continue;
        };
        if lib.pages.iter().any(|p| &p.rel_path == rel) {
            continue;
        }
        let name = names
            .get(rel)
            .cloned()
            .unwrap_or_else(|| chapter.name.clone());
        let title = title
            .clone()
            .filter(|t| !t.is_empty())
            .or(Some(name).filter(|n| !n.is_empty()))
            .unwrap_or_else(|| first_heading(text).unwrap_or_else(|| rel.clone()));
        lib.pages.push(Page {
            source: Source::new(
                config.display_path(&config.content_dir.join(rel)),
                text.clone(),
            ),
            rel_path: rel.clone(),
            path: page_path(rel),
            kind: PageKind::Guide,
            meta: FrontMatter::titled(title),
            front_matter_offset: 0,
            body_offset: 0,
        });
    }
    // mdBook always writes an index.html; without a top-level README.md it
    // is the first chapter, so here it redirects there.
    if !lib.pages.iter().any(|p| p.path == "index.html") {
        let first = chapters(&items).into_iter().find_map(|c| c.path.clone());
        if let Some(page) = lib
            .pages
            .iter_mut()
            .find(|p| Some(&p.rel_path) == first.as_ref())
        {
            page.meta
                .aliases
                .push(toml::Spanned::new(0..0, "/index.html".to_string()));
        }
    }
    for (rel, file) in files {
        if !rel.ends_with(".md") {
            lib.assets.push(Asset {
                file,
                rel_path: rel,
            });
        }
    }
    lib.failed.remove("SUMMARY.md");
    lib.summary = Some(items);
    lib.finish(diags);
    lib
}

/// What `create-missing` writes: the chapter's title as its heading.
fn missing_chapter(name: &str) -> String {
    format!("# {}\n", crate::escape::escape_attr(name))
}

/// Creates a chapter SUMMARY.md lists but that does not exist, as mdBook
/// 0.5 does by default, and says so: the author should know the file is new.
fn create_missing(
    config: &Config,
    file: &Path,
    chapter: &Chapter,
    summary: &Source,
    diags: &mut Diagnostics,
) {
    let shown = config.display_path(file);
    if !config.write_sources {
        diags.push(
            Diagnostic::warning(format!(
                "`{}` does not exist; a build creates it (create-missing)",
                shown.display()
            ))
            .at(summary, chapter.span.clone())
            .with_help("create the file, or set `create-missing = false` under `[build]` to make this an error"),
        );
        return;
    }
    let made = file
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(file, missing_chapter(&chapter.name)));
    match made {
        Ok(()) => diags.push(
            Diagnostic::warning(format!(
                "created `{}`: SUMMARY.md lists it (create-missing)",
                shown.display()
            ))
            .at(summary, chapter.span.clone())
            .with_label("created")
            .with_help("fill it in, or set `create-missing = false` under `[build]` to make a missing chapter an error"),
        ),
        Err(e) => diags.push(
            Diagnostic::error(format!("cannot create `{}`: {e}", shown.display()))
                .at(summary, chapter.span.clone())
                .with_help("create the file yourself, or fix the path"),
        ),
    }
}

/// mdBook refuses a file listed twice (remedy says so at the second
/// listing) and a chapter `print.md`, whose page would be the print page.
fn listed_once(items: &[Item], summary: &Source, diags: &mut Diagnostics) -> bool {
    let mut first: BTreeMap<&str, &Chapter> = BTreeMap::new();
    let mut ok = true;
    for chapter in chapters(items) {
        let Some(rel) = chapter.path.as_deref() else {
            continue;
        };
        if let Some(earlier) = first.get(rel) {
            let (line, _) = summary.line_col(earlier.span.start);
            diags.push(
                Diagnostic::error(format!("`{rel}` is listed twice in SUMMARY.md"))
                    .at(summary, chapter.span.clone())
                    .with_label("listed again")
                    .with_help(format!(
                        "a chapter has one place in the book; it is first listed on line {line}: remove one of the two"
                    )),
            );
            ok = false;
            continue;
        }
        if rel == "print.md" {
            diags.push(
                Diagnostic::error(
                    "`print.md` is reserved: the build writes the whole book to print.html",
                )
                .at(summary, chapter.span.clone())
                .with_help("rename the file (mdBook reserves this name too)"),
            );
            ok = false;
        }
        first.insert(rel, chapter);
    }
    ok
}

/// Files `book.toml` asks for besides the pages: `additional-css` and
/// `additional-js` (copied to the same path; their fingerprinted URLs are
/// returned for the templates), `[output.html.redirect]` pages and `CNAME`.
pub struct ExtraFiles {
    /// Output path -> bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    /// URLs of the additional stylesheets, relative to the site root.
    pub css: Vec<String>,
    /// URLs of the additional scripts.
    pub js: Vec<String>,
    /// Redirect targets that leave the book, `book.toml:LINE:COL: target`.
    pub unchecked: Vec<String>,
}

/// Collects the [`ExtraFiles`]; unreadable files and unsupported redirects
/// are reported in `diags`.
pub fn extra_files(config: &Config, library: &Library, diags: &mut Diagnostics) -> ExtraFiles {
    let mut out = ExtraFiles {
        files: BTreeMap::new(),
        css: Vec::new(),
        js: Vec::new(),
        unchecked: Vec::new(),
    };
    // The styles of what only books (and sites with edit or repository
    // links) show: a separate file, so other sites' output does not change.
    if config.summary.is_some()
        || config.git_repository_url.is_some()
        || config.edit_url_template.is_some()
    {
        let css = include_str!("book.css");
        let path = "static/remedy-book.css".to_string();
        out.css.push(format!(
            "{path}?v={}",
            crate::fingerprint::Fnv64::default()
                .update(css.as_bytes())
                .short()
        ));
        out.files.insert(path, css.as_bytes().to_vec());
    }
    // The button that shows hidden lines of code.
    if config.summary.is_some() {
        let js = include_str!("book.js");
        let path = "static/remedy-book.js".to_string();
        out.js.push(format!(
            "{path}?v={}",
            crate::fingerprint::Fnv64::default()
                .update(js.as_bytes())
                .short()
        ));
        out.files.insert(path, js.as_bytes().to_vec());
    }
    for (list, urls) in [
        (&config.additional_css, &mut out.css),
        (&config.additional_js, &mut out.js),
    ] {
        for setting in list {
            let rel = setting.value.trim_start_matches("./").to_string();
            match std::fs::read(config.root.join(&rel)) {
                Ok(bytes) => {
                    urls.push(format!(
                        "{rel}?v={}",
                        crate::fingerprint::Fnv64::default().update(&bytes).short()
                    ));
                    out.files.insert(rel, bytes);
                }
                Err(e) => diags.push(
                    Diagnostic::error(format!("cannot read `{rel}`: {e}"))
                        .at(&config.source, setting.span.clone()),
                ),
            }
        }
    }
    out.files
        .extend(redirects::pages(config, library, diags, &mut out.unchecked));
    if let Some(cname) = &config.cname {
        out.files
            .insert("CNAME".into(), format!("{cname}\n").into_bytes());
    }
    out
}

/// A chapter's leading `<h1>...</h1>` and the rest of its HTML, so the
/// template can put the heading above the table of contents.
pub fn split_heading(html: &str) -> (Option<&str>, &str) {
    let trimmed = html.trim_start();
    if !trimmed.starts_with("<h1") {
        return (None, html);
    }
    match trimmed.find("</h1>") {
        Some(end) => {
            let end = end + "</h1>".len();
            (Some(&trimmed[..end]), &trimmed[end..])
        }
        None => (None, html),
    }
}

/// mdBook's URL of a chapter file: `a/b.md` -> `a/b.html`, `a/README.md`
/// -> `a/index.html`, `README.md` -> `index.html`.
pub fn page_path(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    // mdBook matches README in any case (`Readme.md` too).
    let stem = match stem.rsplit_once('/') {
        Some((dir, name)) if name.eq_ignore_ascii_case("readme") => format!("{dir}/index"),
        None if stem.eq_ignore_ascii_case("readme") => "index".to_string(),
        _ => stem.to_string(),
    };
    format!("{stem}.html")
}

/// Every chapter of the summary, depth first.
pub fn chapters(items: &[Item]) -> Vec<&Chapter> {
    let mut out = Vec::new();
    for item in items {
        if let Item::Chapter(c) = item {
            out.push(c);
            out.extend(chapters(&c.sub_items));
        }
    }
    out
}

/// Page indices in reading order, and each chapter's sub-chapters.
pub fn order(library: &Library, items: &[Item]) -> Vec<PageId> {
    chapters(items)
        .into_iter()
        .filter_map(|c| {
            c.path
                .as_ref()
                .and_then(|p| library.by_rel_path.get(p))
                .copied()
        })
        .fold(Vec::new(), |mut v, i| {
            if !v.contains(&i) {
                v.push(i);
            }
            v
        })
}

/// mdBook's `Book` JSON for the preprocessor protocol.
fn to_json(
    items: &[Item],
    texts: &BTreeMap<String, (String, Option<String>)>,
    parents: &[String],
) -> Vec<Value> {
    items
        .iter()
        .map(|item| match item {
            Item::Chapter(c) => {
                let mut names = parents.to_vec();
                names.push(c.name.clone());
                json!({ "Chapter": {
                    "name": c.name,
                    "content": c.path.as_ref().and_then(|p| texts.get(p)).map_or("", |t| t.0.as_str()),
                    "number": c.number,
                    "sub_items": to_json(&c.sub_items, texts, &names),
                    "path": c.path,
                    "source_path": c.path,
                    "parent_names": parents,
                }})
            }
            Item::Separator => json!("Separator"),
            Item::PartTitle(t) => json!({ "PartTitle": t }),
        })
        .collect()
}

/// Takes the chapters' new text and names from a preprocessor's book.
fn from_json(
    items: &[Value],
    texts: &mut BTreeMap<String, (String, Option<String>)>,
    names: &mut BTreeMap<String, String>,
) {
    for item in items {
        let Some(ch) = item.get("Chapter") else {
            continue;
        };
        let path = ch
            .get("source_path")
            .and_then(Value::as_str)
            .or_else(|| ch.get("path").and_then(Value::as_str));
        if let Some(path) = path {
            if let (Some(entry), Some(content)) = (
                texts.get_mut(path),
                ch.get("content").and_then(Value::as_str),
            ) {
                entry.0 = content.to_string();
            }
            if let Some(name) = ch.get("name").and_then(Value::as_str) {
                names.insert(path.to_string(), name.to_string());
            }
        }
        if let Some(sub) = ch.get("sub_items").and_then(Value::as_array) {
            from_json(sub, texts, names);
        }
    }
}

fn first_heading(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_string())
}

/// Every file of the source folder (hidden ones and the build folder excepted).
fn walk(config: &Config, diags: &mut Diagnostics) -> Vec<(String, std::path::PathBuf)> {
    let mut out = Vec::new();
    let walker = WalkDir::new(&config.content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || (!e.file_name().to_string_lossy().starts_with('.')
                    && !e.path().starts_with(&config.output_dir))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(from_walk_error(&e, |p| config.display_path(p)));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&config.content_dir) else {
            continue;
        };
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        let Some(rel_path) = parts.map(|v| v.join("/")) else {
            diags.push(
                Diagnostic::error("the file name is not valid UTF-8")
                    .in_file(config.display_path(entry.path()))
                    .with_help("rename the file"),
            );
            continue;
        };
        out.push((rel_path, entry.path().to_path_buf()));
    }
    out
}

fn read(config: &Config, file: &Path, diags: &mut Diagnostics) -> Option<Source> {
    let shown = config.display_path(file);
    match std::fs::read_to_string(file) {
        Ok(text) => {
            let text = text
                .strip_prefix('\u{feff}')
                .map(str::to_string)
                .unwrap_or(text);
            Some(Source::new(shown, text))
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read the file: {e}"))
                    .in_file(shown)
                    .with_help("the file must exist and be UTF-8"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mdbook_urls() {
        assert_eq!(page_path("README.md"), "index.html");
        assert_eq!(page_path("cli/README.md"), "cli/index.html");
        assert_eq!(page_path("second/Readme.md"), "second/index.html");
        assert_eq!(
            page_path("format/configuration/renderers.md"),
            "format/configuration/renderers.html"
        );
    }
}
