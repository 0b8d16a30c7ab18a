//! mdBook books built as they are (issue #14).
//!
//! `tests/fixtures/book/` is a small book written for these tests: every
//! form `SUMMARY.md` knows, the `{{#...}}` directives, and `book.toml` keys
//! remedy honours or only accepts. The mdBook user guide, as published
//! (`../shared/compat/mdbook-guide`), is the book nobody here wrote. For
//! both, `tests/fixtures/*.ids` record the chapter URLs and heading ids that
//! real `mdbook build` (0.5.4) produced (see `tests/fixtures/mdbook-ids.py`);
//! remedy must produce the same. Bad input (a missing chapter, a broken
//! include, an include cycle, a failing or slow preprocessor) must give a
//! located error and leave the previous output as it was.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
mod support;

use common::snapshot;
use support::site::{build_mdbook_guide, mdbook_guide_dir};
use support::tools::{self, Tool};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

/// A copy of the fixture book in a temporary folder.
struct Book {
    dir: tempfile::TempDir,
}

impl Book {
    fn new() -> Book {
        let dir = tempfile::tempdir().expect("temp dir");
        let src = Path::new(FIXTURE).join("book");
        for (rel, bytes) in snapshot(&src) {
            let to = dir.path().join(&rel);
            fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
            fs::write(to, bytes).expect("write");
        }
        Book { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    }

    fn append(&self, rel: &str, text: &str) {
        let old = fs::read_to_string(self.root().join(rel)).expect("read");
        self.write(rel, &format!("{old}{text}"));
    }

    fn run_args(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_remedy"))
            .args(["build", "--color=never"])
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("run remedy")
    }

    fn run(&self, envs: &[(&str, &str)]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_remedy"))
            .args(["build", "--color=never"])
            .envs(envs.iter().copied())
            .current_dir(self.root())
            .output()
            .expect("run remedy")
    }

    fn build(&self) -> String {
        let out = self.run(&[]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "the book does not build:\n{stderr}");
        stderr
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root().join("book").join(rel))
            .unwrap_or_else(|e| panic!("book/{rel}: {e}"))
    }

    /// Builds once, breaks the book with `edit`, and checks the failure
    /// names `needle` and leaves `book/` as it was.
    fn fails_with(&self, edit: impl FnOnce(&Book), needle: &str, envs: &[(&str, &str)]) -> String {
        self.build();
        let before = snapshot(&self.root().join("book"));
        edit(self);
        let out = self.run(envs);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(1),
            "expected a failed build:\n{stderr}"
        );
        assert!(stderr.contains(needle), "expected `{needle}` in:\n{stderr}");
        assert!(stderr.contains("nothing was written"), "{stderr}");
        assert!(
            before == snapshot(&self.root().join("book")),
            "a failed build changed the previous output"
        );
        // A book's search thread starts with the Markdown stage and
        // writes into the staging folder: a failed build removes it too.
        common::assert_no_leftovers(self.root());
        stderr
    }
}

/// The HTML without its hidden lines (`<span class="boring">...</span>`,
/// which hold syntect's spans), as a reader sees it before pressing the button.
fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<span class=\"boring\">") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let mut depth = 0usize;
        let mut i = 0;
        while i < rest.len() {
            if rest[i..].starts_with("<span") {
                depth += 1;
            } else if rest[i..].starts_with("</span>") {
                depth -= 1;
                if depth == 0 {
                    i += "</span>".len();
                    break;
                }
            }
            i += 1;
        }
        rest = &rest[i..];
    }
    out.push_str(rest);
    out
}

/// `url -> ids` from a `.ids` file or from a built book.
fn reference(name: &str) -> BTreeMap<String, String> {
    fs::read_to_string(Path::new(FIXTURE).join(name))
        .expect("read the reference ids")
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(url, ids)| (url.to_string(), ids.trim().to_string()))
        .collect()
}

/// The ids of headings and definition terms in the article of every chapter.
fn built_ids(dir: &Path, urls: impl Iterator<Item = String>) -> BTreeMap<String, String> {
    urls.map(|url| {
        let html = fs::read_to_string(dir.join(&url)).unwrap_or_else(|e| panic!("{url}: {e}"));
        let body = html.split_once("<article").map_or("", |(_, b)| b);
        let mut ids = Vec::new();
        for tag in body.split('<').skip(1) {
            let is_heading = tag.len() > 2
                && tag.starts_with('h')
                && tag.as_bytes()[1].is_ascii_digit()
                && tag[2..].starts_with(" id=\"");
            if is_heading || tag.starts_with("dt id=\"") {
                // The theme's own ids (`rm-toc-title`) are not the chapter's.
                if let Some(id) = tag.split('"').nth(1).filter(|id| !id.starts_with("rm-")) {
                    ids.push(id.to_string());
                }
            }
        }
        (url, ids.join(" "))
    })
    .collect()
}

#[test]
fn fixture_book_has_mdbook_urls_and_heading_ids() {
    let book = Book::new();
    let stderr = book.build();
    let expected = reference("book.ids");
    let got = built_ids(&book.root().join("book"), expected.keys().cloned());
    assert_eq!(
        got, expected,
        "chapter URLs and heading ids as mdBook makes them"
    );
    // Files not listed in SUMMARY.md are not pages; other files are copied.
    for rel in ["unlisted.html", "guide/shared-steps.html", "README.html"] {
        assert!(
            !book.root().join("book").join(rel).exists(),
            "{rel} was written"
        );
    }
    assert!(book.root().join("book/guide/example.rs").is_file());
    // The two unimplemented keys of its book.toml: one warning each.
    assert_eq!(
        stderr
            .matches("is an mdBook setting remedy ignores")
            .count(),
        2,
        "{stderr}"
    );
    assert!(stderr.contains("`output.html.mathjax-support`"), "{stderr}");
}

#[test]
fn fixture_book_sidebar_follows_summary() {
    let book = Book::new();
    book.build();
    let html = book.read("guide/install.html");
    let nav = html
        .split_once("<nav class=\"sidebar\"")
        .and_then(|(_, n)| n.split_once("</nav>"))
        .map_or("", |(n, _)| n);
    let order = [
        ">Preface<",
        "class=\"nav-part\">The guide<",
        ">1. Getting started<",
        "aria-current=\"page\">1.1. Installing<",
        "class=\"nav-draft\"><span>1.1.1. On the moon<",
        ">2. Including code<",
        "class=\"nav-part\">Reference<",
        ">3. Reference<",
        ">3.1. Keys<",
        "class=\"nav-separator\"",
        ">Credits<",
    ];
    let mut at = 0;
    for needle in order {
        let found = nav[at..]
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` missing or out of order in:\n{nav}"));
        at += found + needle.len();
    }
    // Reading order for previous/next is SUMMARY.md's, drafts skipped.
    assert!(
        html.contains("href=\"../guide/start.html\" rel=\"prev\""),
        "{html}"
    );
    assert!(
        html.contains("href=\"../guide/includes.html\" rel=\"next\""),
        "{html}"
    );
}

#[test]
fn fixture_book_directives_and_keys() {
    let book = Book::new();
    book.build();
    let install = book.read("guide/install.html");
    assert!(
        install.contains("<title>Installing the fixture"),
        "{{#title}}"
    );
    assert!(install.contains("<li>Unpack.</li>"), "{{#include}}");
    assert!(
        install.contains("{{#include not-included.md}}"),
        "escaped directive shown"
    );
    let includes = book.read("guide/includes.html");
    let shown = visible(&includes);
    assert_eq!(
        shown.matches("greet").count(),
        3,
        "three includes of the anchor, each once"
    );
    assert!(!includes.contains("ANCHOR"), "anchor lines are not content");
    assert!(shown.contains("shown"));
    assert!(
        !shown.contains("secret_setup") && includes.contains("secret_setup"),
        "[output.html.code.hidelines] hides the line, revealable"
    );
    assert!(
        !shown.contains("println") && includes.contains("println"),
        "rustdoc_include hides lines outside the anchor, revealable"
    );
    assert!(
        !includes.contains("~import") && !includes.contains("# fn main"),
        "the prefixes are not shown"
    );
    // Links to .md files and to .html URLs are rewritten relative to the page.
    let start = book.read("guide/start.html");
    assert!(
        start.contains("href=\"../reference/keys.html#the-src-key\""),
        "{start}"
    );
    assert!(book
        .read("index.html")
        .contains("href=\"guide/start.html#first-steps\""));
    // Edit link, repository link, extra CSS and JS, redirects.
    assert!(start.contains(
        "href=\"https://example.org/fixture-book/edit/src/guide/start.md\">Edit this page"
    ));
    assert!(start.contains("href=\"https://example.org/fixture-book\""));
    assert!(
        start.contains("href=\"../theme/extra.css?v="),
        "additional-css"
    );
    assert!(
        start.contains("src=\"../theme/extra.js?v="),
        "additional-js"
    );
    assert!(book.root().join("book/theme/extra.css").is_file());
    assert!(
        start.contains("href=\"../static/remedy-book.css?v="),
        "the book's own styles"
    );
    assert!(book.read("old-start.html").contains("url=guide/start.html"));
}

#[test]
fn preprocessor_runs_through_mdbooks_protocol() {
    if !tools::available("mdbook preprocessor", &[Tool::node()]) {
        return;
    }
    let book = Book::new();
    let script = Path::new(FIXTURE).join("preprocessor.js");
    book.append(
        "book.toml",
        &format!(
            "\n[preprocessor.stamp]\ncommand = \"node '{}'\"\n",
            script.display()
        ),
    );
    book.append("src/credits.md", "\nStamp: {{ fixture-stamp }}.\n");
    book.build();
    let credits = book.read("credits.html");
    assert!(
        credits.contains("Stamp: html for Fixture Book."),
        "{credits}"
    );
    assert!(
        credits.contains("<title>Thanks"),
        "renamed by the preprocessor"
    );
}

#[test]
fn missing_chapter_is_located_in_summary() {
    let book = Book::new();
    book.append("book.toml", "\n[build]\ncreate-missing = false\n");
    let e = book.fails_with(
        |b| b.append("src/SUMMARY.md", "- [Gone](guide/gone.md)\n"),
        "SUMMARY.md lists `guide/gone.md`, which does not exist",
        &[],
    );
    assert!(e.contains("src/SUMMARY.md:20:3"), "{e}");
}

#[test]
fn broken_include_is_located() {
    let book = Book::new();
    let e = book.fails_with(
        |b| b.append("src/guide/install.md", "\n{{#include missing.md}}\n"),
        "cannot include `missing.md`",
        &[],
    );
    assert!(e.contains("src/guide/install.md:10:1"), "{e}");
    let book = Book::new();
    let e = book.fails_with(
        |b| b.append("src/guide/includes.md", "\n{{#include example.rs:nope}}\n"),
        "no `ANCHOR: nope` line",
        &[],
    );
    assert!(e.contains("src/guide/includes.md:"), "{e}");
}

/// mdBook expands an include that recurses ten levels deep, drops it
/// there and still builds the book; remedy too, with a located warning.
#[test]
fn include_cycle_is_cut_off_with_a_warning() {
    let book = Book::new();
    book.write("src/guide/a.md", "Around A\n{{#include b.md}}\n");
    book.write("src/guide/b.md", "Around B\n{{#include a.md}}\n");
    book.append("src/guide/install.md", "\n{{#include a.md}}\n");
    let stderr = book.build();
    assert!(
        stderr.contains("warning: include cycle: src/guide/")
            && stderr.contains("cut off after 10 levels"),
        "{stderr}"
    );
    assert!(
        stderr.contains("src/guide/b.md:2:1") || stderr.contains("src/guide/a.md:2:1"),
        "{stderr}"
    );
    let install = book.read("guide/install.html");
    assert_eq!(
        install.matches("Around A").count() + install.matches("Around B").count(),
        10,
        "{install}"
    );
    assert!(
        !install.contains("{{#include a.md") && !install.contains("{{#include b.md"),
        "the last directive is dropped"
    );
}

/// A file that includes itself many times would grow the chapter
/// exponentially before the depth limit (fifty includes, ten levels: 50^10
/// expansions; found by fuzzing). A chapter expands at most 1,000 includes;
/// past that the build stops with an error at the include, and the old
/// output stays.
#[test]
fn include_fan_out_is_bounded() {
    let book = Book::new();
    let stderr = book.fails_with(
        |b| {
            b.write("src/guide/fan.md", &"x {{#include fan.md}}\n".repeat(50));
            b.append("src/guide/install.md", "\n{{#include fan.md}}\n");
        },
        "more than 1000 includes expand into this chapter",
        &[],
    );
    assert!(stderr.contains("src/guide/fan.md:"), "{stderr}");
}

/// An include that leaves the book folder works where the file exists, and
/// says the book depends on it.
#[test]
fn include_outside_the_book_is_a_located_warning() {
    let book = Book::new();
    let outside = tempfile::tempdir().expect("temp dir");
    fs::write(outside.path().join("shared.md"), "Shared text.\n").expect("write");
    let rel = pathdiff(outside.path(), &book.root().join("src/guide"));
    book.append(
        "src/guide/install.md",
        &format!("\n{{{{#include {rel}/shared.md}}}}\n"),
    );
    let stderr = book.build();
    assert!(stderr.contains("is outside the book folder"), "{stderr}");
    assert!(stderr.contains("src/guide/install.md:10:1"), "{stderr}");
    assert!(book.read("guide/install.html").contains("Shared text."));
}

/// `../` enough times to get from `from` to `to`.
fn pathdiff(to: &Path, from: &Path) -> String {
    let up = from.components().count();
    format!(
        "{}{}",
        "../".repeat(up),
        to.display().to_string().trim_start_matches('/')
    )
    .trim_end_matches('/')
    .to_string()
}

#[test]
fn failing_and_slow_preprocessors_are_located() {
    let book = Book::new();
    let e = book.fails_with(
        |b| {
            b.append(
                "book.toml",
                "\n[preprocessor.broken]\ncommand = \"sh -c 'test \\\"$0\\\" = supports && exit 0; echo boom >&2; exit 3'\"\n",
            )
        },
        "preprocessor `broken` failed: exited with status 3",
        &[],
    );
    assert!(e.contains("boom"), "its stderr is shown: {e}");
    assert!(e.contains("book.toml:"), "{e}");
    let book = Book::new();
    book.fails_with(
        |b| {
            b.append(
                "book.toml",
                "\n[preprocessor.slow]\ncommand = \"sh -c 'test \\\"$0\\\" = supports || sleep 30'\"\n",
            )
        },
        "preprocessor `slow` failed: timed out after 1 s",
        &[("REMEDY_PREPROCESSOR_TIMEOUT", "1")],
    );
    let book = Book::new();
    book.fails_with(
        |b| b.append("book.toml", "\n[preprocessor.nowhere]\n"),
        "preprocessor `nowhere` failed: command not found: `mdbook-nowhere`",
        &[],
    );
}

#[test]
fn unknown_keys_are_all_reported_at_once() {
    let book = Book::new();
    let e = book.fails_with(
        |b| {
            b.append(
                "book.toml",
                "\n[build]\nbuild-dri = \"out\"\nextra-watch-dirs = []\n[output.html.search]\nlimit-result = 3\n",
            )
        },
        "unknown key `build-dri` in `[build]`",
        &[],
    );
    assert!(e.contains("did you mean `build-dir`?"), "{e}");
    assert!(
        e.contains("unknown key `limit-result` in `[output.html.search]`"),
        "{e}"
    );
    assert!(e.contains("did you mean `limit-results`?"), "{e}");
    assert!(e.contains("build failed with 2 errors"), "{e}");
}

/// The guide as published: zero errors, one warning per unimplemented key,
/// every chapter of its SUMMARY.md at mdBook's URL with mdBook's heading ids.
#[test]
fn mdbook_guide_builds_like_mdbook() {
    let guide = mdbook_guide_dir();
    let tool = Tool {
        path: guide.join("book.toml"),
        install:
            "check out the shared folder beside the repository (../shared/compat/mdbook-guide)",
    };
    if !tools::available("mdbook guide", &[tool]) {
        return;
    }
    let (site, warnings) = build_mdbook_guide()
        .unwrap_or_else(|e| panic!("the guide does not build:\n{}", e.join("\n")));
    let expected = reference("mdbook-guide.ids");
    assert_eq!(
        site.pages,
        expected.len(),
        "one page per chapter of SUMMARY.md"
    );
    let got = built_ids(&site.dir, expected.keys().cloned());
    let differ: Vec<String> = expected
        .iter()
        .filter(|(url, ids)| got.get(*url) != Some(ids))
        .map(|(url, ids)| {
            format!(
                "{url}\n  mdBook: {ids}\n  remedy: {}",
                got.get(url).map_or("(missing)", String::as_str)
            )
        })
        .collect();
    assert!(
        differ.is_empty(),
        "heading ids differ from mdBook's:\n{}",
        differ.join("\n")
    );
    let ignored = warnings
        .iter()
        .filter(|w| w.contains("is an mdBook setting remedy ignores"))
        .count();
    tools::announce(&format!(
        "mdbook guide: {} chapters at mdBook's URLs with mdBook's heading ids; {} warnings ({ignored} for mdBook keys remedy ignores)",
        site.pages,
        warnings.len()
    ));
    assert_eq!(ignored, 11, "{warnings:#?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("preprocessor `guide-helper` skipped: `cargo run")),
        "{warnings:#?}"
    );
    // The redirect of its book.toml, and no page for files SUMMARY.md does not list.
    assert!(site.dir.join("format/config.html").is_file());
    assert!(!site.dir.join("cli/arg-watcher.html").exists());
    let _: PathBuf = guide;
}

/// mdBook always writes `index.html`; a book without a top-level README.md
/// gets one that leads to its first chapter.
#[test]
fn book_without_readme_has_an_index() {
    let book = Book::new();
    let summary = fs::read_to_string(book.root().join("src/SUMMARY.md")).expect("read");
    book.write(
        "src/SUMMARY.md",
        &summary.replace("[Preface](README.md)", ""),
    );
    let keys = fs::read_to_string(book.root().join("src/reference/keys.md")).expect("read");
    book.write(
        "src/reference/keys.md",
        &keys.replace("the [preface](../README.md) or ", ""),
    );
    book.build();
    assert!(book.read("index.html").contains("url=/guide/start.html"));
}

/// mdBook reads `theme/index.hbs`; remedy cannot, and says so.
#[test]
fn mdbook_theme_folder_is_reported() {
    let book = Book::new();
    book.write("theme/index.hbs", "<html>{{ content }}</html>\n");
    let stderr = book.build();
    assert!(
        stderr.contains("`theme` is an mdBook theme (Handlebars)"),
        "{stderr}"
    );
    assert!(stderr.contains("theme/index.hbs"), "{stderr}");
}

/// `--skip-preprocessor NAME` builds without it, and says so.
#[test]
fn skip_preprocessor_flag() {
    let book = Book::new();
    book.append(
        "book.toml",
        "\n[preprocessor.broken]\ncommand = \"sh -c 'exit 3'\"\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["build", "--color=never", "--skip-preprocessor", "broken"])
        .current_dir(book.root())
        .output()
        .expect("run remedy");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("preprocessor `broken` not run (--skip-preprocessor)"),
        "{stderr}"
    );
}

/// A symbolic link loop in a book's `src` is named as a loop, with its path.
#[cfg(unix)]
#[test]
fn symlink_loop_in_src_is_a_located_error() {
    let book = Book::new();
    book.fails_with(
        |b| {
            std::os::unix::fs::symlink(b.root().join("src"), b.root().join("src/again"))
                .expect("symlink");
        },
        "symbolic link loop: src/again links back to src, a folder that holds it",
        &[],
    );
}

/// Links as mdBook resolves them: a redirect's old page and any file of
/// `src/` are targets; links that leave the book are counted in one line
/// (listed by --verbose); a broken link inside the book is a located
/// warning, and an error once the book asks for `[output.linkcheck]`.
#[test]
fn links_resolve_as_mdbook_resolves_them() {
    let book = Book::new();
    book.write(
        "src/guide/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    book.append(
        "src/guide/start.md",
        "\nSee the [old page](../old-start.md), [again](../old-start.html#x) and the ![diagram](diagram.svg).\n\
         Beyond: [std](../../std/index.html), [reference](../../../reference/a.html#b), [host](/elsewhere/).\n",
    );
    let stderr = book.build();
    let start = book.read("guide/start.html");
    assert!(start.contains("href=\"../old-start.html\""), "{start}");
    assert!(start.contains("href=\"../old-start.html#x\""), "{start}");
    assert!(start.contains("src=\"../guide/diagram.svg\""), "{start}");
    assert!(start.contains("href=\"../../std/index.html\""), "{start}");
    assert!(
        !stderr.contains("broken link") && !stderr.contains("leaves the book;"),
        "no warning for links mdBook resolves: {stderr}"
    );
    assert!(
        stderr.contains("note: 3 links leave the book and are not checked (--verbose lists them)"),
        "{stderr}"
    );
    let out = book.run_args(&["--verbose"]);
    let verbose = String::from_utf8_lossy(&out.stderr);
    assert!(verbose.contains("src/guide/start.md:"), "{verbose}");
    assert!(verbose.contains(": ../../std/index.html"), "{verbose}");
    assert!(verbose.contains(": /elsewhere/"), "{verbose}");

    // A broken link inside the book: a warning at its place, book built.
    book.append(
        "src/credits.md",
        "\n[gone](guide/gone.md) and [anchor](guide/start.md#nope)\n",
    );
    let stderr = book.build();
    assert!(
        stderr.contains("warning: link to a page that does not exist: `guide/gone.md`"),
        "{stderr}"
    );
    assert!(stderr.contains("src/credits.md:"), "{stderr}");
    assert!(
        stderr.contains("warning: `#nope` is not a heading"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[output.linkcheck]"),
        "the help names the switch: {stderr}"
    );
    assert!(book
        .read("credits.html")
        .contains("href=\"guide/gone.html\""));
}

#[test]
fn strict_books_fail_on_broken_links() {
    let book = Book::new();
    book.build();
    let before = snapshot(&book.root().join("book"));
    book.append(
        "book.toml",
        "\n[output.linkcheck]\nfollow-web-links = false\n",
    );
    book.append("src/credits.md", "\n[gone](guide/gone.md)\n");
    let out = book.run(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: link to a page that does not exist: `guide/gone.md`"),
        "{stderr}"
    );
    assert!(stderr.contains("src/credits.md:"), "{stderr}");
    assert!(
        !stderr.contains("output.linkcheck`"),
        "the table is honoured, not ignored: {stderr}"
    );
    assert!(
        before == snapshot(&book.root().join("book")),
        "a failed build changed the previous output"
    );
    // Fixed, the book builds beside the other renderer, as mdBook lays it out.
    book.write("src/credits.md", "# Credits\n");
    book.build();
    assert!(book.root().join("book/html/index.html").is_file());
}

/// Redirects checked as mdBook checks them (a chapter's URL, fragments
/// only) and a little more (a target that is not in the book).
#[test]
fn bad_redirects_are_located() {
    let book = Book::new();
    let toml = fs::read_to_string(book.root().join("book.toml")).expect("read");
    let old = "\"/old-start.html\" = \"guide/start.html\"\n";
    // Another entry under the fixture's one (line 19), on line 20.
    let add = |extra: &str| toml.replacen(old, &format!("{old}{extra}"), 1);
    book.write(
        "book.toml",
        &add(
            "\"/gone.html\" = \"guide/nowhere.html\"\n\"/a/old.html\" = \"../../std/index.html\"\n",
        ),
    );
    let stderr = book.build();
    assert!(
        stderr.contains("warning: redirect `/gone.html` points to `guide/nowhere.html`, which the book does not have"),
        "{stderr}"
    );
    assert!(stderr.contains("book.toml:20:"), "{stderr}");
    // A sibling book on the same host (the Rust bookshelf's redirects):
    // not a warning, one of the links that leave the book.
    assert!(!stderr.contains("outside the book"), "{stderr}");
    assert!(
        stderr.contains("note: 1 link leaves the book and is not checked"),
        "{stderr}"
    );
    let verbose = String::from_utf8_lossy(&book.run_args(&["--verbose"]).stderr).into_owned();
    assert!(
        verbose.contains("book.toml:21:17: ../../std/index.html"),
        "{verbose}"
    );
    assert!(book.read("a/old.html").contains("url=../../std/index.html"));
    let e = book.fails_with(
        |b| {
            b.write(
                "book.toml",
                &add("\"/credits.html\" = \"guide/start.html\"\n"),
            )
        },
        "redirect `/credits.html` is the URL of the chapter src/credits.md",
        &[],
    );
    assert!(e.contains("book.toml:20:"), "{e}");
}

#[test]
fn chapter_listed_twice_is_located() {
    let book = Book::new();
    let e = book.fails_with(
        |b| b.append("src/SUMMARY.md", "- [Again](guide/start.md)\n"),
        "`guide/start.md` is listed twice in SUMMARY.md",
        &[],
    );
    assert!(e.contains("src/SUMMARY.md:20:3"), "{e}");
    assert!(e.contains("first listed on line 7"), "{e}");
    let book = Book::new();
    book.fails_with(
        |b| {
            b.write("src/print.md", "# Print\n");
            b.append("src/SUMMARY.md", "- [Print](print.md)\n");
        },
        "`print.md` is reserved",
        &[],
    );
}

/// mdBook 0.5 creates a chapter SUMMARY.md lists but that does not exist
/// (`create-missing`, on by default); remedy too, naming each file.
#[test]
fn missing_chapters_are_created_as_mdbook_creates_them() {
    let book = Book::new();
    book.append(
        "src/SUMMARY.md",
        "- [New & improved](guide/new/chapter.md)\n",
    );
    let check = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["check", "--color=never"])
        .current_dir(book.root())
        .output()
        .expect("run remedy");
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{stderr}");
    assert!(
        stderr.contains("`src/guide/new/chapter.md` does not exist; a build creates it"),
        "{stderr}"
    );
    assert!(
        !book.root().join("src/guide/new/chapter.md").exists(),
        "check writes nothing"
    );
    let stderr = book.build();
    assert!(
        stderr.contains(
            "warning: created `src/guide/new/chapter.md`: SUMMARY.md lists it (create-missing)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("src/SUMMARY.md:20:3"), "{stderr}");
    assert_eq!(
        fs::read_to_string(book.root().join("src/guide/new/chapter.md")).expect("created"),
        "# New &amp; improved\n"
    );
    assert!(book
        .read("guide/new/chapter.html")
        .contains("<h1 id=\"new--improved\">New &amp; improved"));
    // Built again, nothing is created and nothing said.
    assert!(!book.build().contains("create-missing"));
    // With create-missing off, a missing chapter is an error.
    let book = Book::new();
    book.append("book.toml", "\n[build]\ncreate-missing = false\n");
    book.fails_with(
        |b| b.append("src/SUMMARY.md", "- [Gone](gone.md)\n"),
        "SUMMARY.md lists `gone.md`, which does not exist",
        &[],
    );
}

/// An empty SUMMARY.md, and a book without book.toml: mdBook builds both.
#[test]
fn empty_summary_and_no_book_toml_build() {
    let book = Book::new();
    book.write("src/SUMMARY.md", "# Summary\n");
    let stderr = book.build();
    assert!(
        stderr.contains("warning: SUMMARY.md lists no chapter; the book is empty"),
        "{stderr}"
    );
    assert!(book.root().join("book/404.html").is_file());
    let book = Book::new();
    fs::remove_file(book.root().join("book.toml")).expect("rm");
    book.build();
    assert!(book
        .read("guide/start.html")
        .contains("<h1 id=\"getting-started\""));
}

/// Hidden lines are hidden, not dropped: the button (book.js) reveals them.
#[test]
fn hidden_lines_are_revealable() {
    let book = Book::new();
    book.append(
        "src/credits.md",
        "\n```rust\n# fn main() {\nlet x = 1; /* a\n# still hidden */\n## shown with one hash\n# }\n```\n",
    );
    book.build();
    let credits = book.read("credits.html");
    let block = credits
        .split_once("<pre class=\"hl-code has-hidden\"")
        .and_then(|(_, b)| b.split_once("</pre>"))
        .map_or_else(
            || panic!("no block with hidden lines: {credits}"),
            |(b, _)| b,
        );
    let shown = visible(block);
    assert!(!shown.contains("main") && block.contains("main"), "{block}");
    assert!(
        !shown.contains("still hidden") && block.contains("still hidden"),
        "{shown}"
    );
    let text: String = shown
        .split('<')
        .map(|part| part.split_once('>').map_or(part, |(_, t)| t))
        .collect();
    assert!(text.contains("# shown with one hash"), "{text}");
    assert_eq!(
        block.matches("<span").count(),
        block.matches("</span>").count(),
        "balanced markup"
    );
    assert!(
        credits.contains("static/remedy-book.js?v="),
        "the button's script"
    );
    let js = fs::read_to_string(book.root().join("book/static/remedy-book.js")).expect("script");
    assert!(
        js.contains("has-hidden") && js.contains("show-hidden"),
        "{js}"
    );
    let css = fs::read_to_string(book.root().join("book/static/remedy-book.css")).expect("css");
    assert!(css.contains(".boring { display: none; }"), "{css}");
}

/// `{{#playground}}` and `editable` blocks are shown as highlighted code.
#[test]
fn playground_and_editable_blocks_are_code() {
    let book = Book::new();
    book.append(
        "src/credits.md",
        "\n{{#playground guide/example.rs editable}}\n\n```rust,editable,ignore\nlet edit_me = 1;\n```\n",
    );
    book.build();
    let credits = book.read("credits.html");
    let blocks = credits
        .matches("<pre class=\"hl-code\" data-lang=\"rust\"")
        .count();
    assert_eq!(blocks, 2, "{credits}");
    assert!(visible(&credits).contains("edit_me"));
    assert!(credits.contains("greet"), "{credits}");
    assert!(!credits.contains("{{#playground"), "{credits}");
}

/// print.html: every chapter on one page in SUMMARY.md order, ids unique,
/// links between chapters pointing into the page, linked from every page.
#[test]
fn print_page_holds_the_whole_book() {
    let book = Book::new();
    book.build();
    let print = book.read("print.html");
    let order = [
        "id=\"preface\"",
        "id=\"getting-started\"",
        "id=\"installing\"",
        "id=\"including-code\"",
        "id=\"credits\"",
    ];
    let mut at = 0;
    for needle in order {
        let found = print[at..]
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` missing or out of order"));
        at += found;
    }
    let mut ids: Vec<&str> = print
        .split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "ids are unique on the print page");
    // start.md's two `## Hello, World!` and others' repeats are renamed, and
    // a link to another chapter's heading lands on it here.
    assert!(print.contains("href=\"#the-src-key\""), "{print}");
    assert!(
        print.contains("href=\"#print-guide-install\""),
        "a link to a chapter goes to its section"
    );
    assert!(print.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(book
        .read("guide/start.html")
        .contains("href=\"../print.html\">Print</a>"));
    assert!(!print.contains("unlisted"), "only SUMMARY.md's chapters");
    // `[output.html.print] enable = false`: no print page, no link to it.
    book.append("book.toml", "\n[output.html.print]\nenable = false\n");
    book.build();
    assert!(!book.root().join("book/print.html").exists());
    assert!(!book.read("guide/start.html").contains("print.html"));
}

/// The search index runs on a thread of its own and uses the rayon pool;
/// the build once waited for it on a pool thread, which hung whenever the
/// pool had no other thread free (always with one). The limit is a hang
/// guard, not a speed target.
#[test]
fn build_with_one_pool_thread_finishes() {
    let book = Book::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["build", "--quiet", "--color=never"])
        .env("RAYON_NUM_THREADS", "1")
        .current_dir(book.root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run remedy");
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for remedy") {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("remedy build with RAYON_NUM_THREADS=1 hung (killed after 120 s)");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    assert!(book.read("guide/start.html").contains("<h1"));
    assert!(book.root().join("book/search/meta.js").is_file());
}
