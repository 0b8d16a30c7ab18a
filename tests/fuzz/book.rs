//! Targets of the content and book readers: front matter, `SUMMARY.md`,
//! `book.toml`, include directives and Markdown with its links.

use std::path::{Path, PathBuf};

use remedy::config::{Config, Overrides};
use remedy::diagnostics::{Diagnostic, Source};
use remedy::highlight::Highlighter;
use remedy::markdown::{self, Context, Links};
use remedy::theme::Theme;

use super::engine::Target;
use super::seeds::{self, repo};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every problem is reported in a file.
fn located(diags: &[Diagnostic]) {
    for d in diags {
        assert!(d.path().is_some(), "a diagnostic names no file: {d}");
    }
}

fn book_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![repo().join("tests/fixtures/book")];
    dirs.extend(seeds::mdbook_guide());
    dirs
}

pub const FRONT_MATTER: Target = Target {
    name: "front-matter",
    seeds: || {
        // The front matter and the first lines after it are what is read.
        seeds::files(&repo().join("content"), &[".md"])
            .into_iter()
            .map(|f| f[..f.len().min(2048)].to_vec())
            .collect()
    },
    dict: &[
        "+++\n",
        "---\n",
        "title = \"x\"\n",
        "codes = [402, 429]\n",
        "aliases = [\"/a/\"]\n",
        "hosts = [\"*.x.com\"]\n",
        "weight = -9223372036854775808\n",
        "draft = true\n",
        "short = \"\"\n",
        "[x]\n",
        "\"\"\"",
        "'''",
    ],
    nest: "[",
    max_len: 4096,
    mem: (8 << 20, 512),
    setup: || {
        Box::new(|bytes| {
            let source = Source::new("content/page.md", text(bytes));
            match remedy::content::front_matter::parse(&source) {
                Ok(split) => {
                    assert!(split.body_offset <= source.text.len());
                    assert!(source.text.is_char_boundary(split.body_offset));
                    assert!(split.front_matter_offset <= split.body_offset);
                }
                Err(diags) => located(&diags),
            }
        })
    },
};

pub const SUMMARY: Target = Target {
    name: "summary",
    seeds: || seeds::from(&book_dirs(), &["SUMMARY.md"]),
    dict: &[
        "- [A](a.md)\n",
        "  - [B](b/c.md)\n",
        "# Part\n",
        "---\n",
        "[Draft]()\n",
        "* [",
        "](",
        ")",
        "1. ",
        "    ",
        "[x]: y.md\n",
        "<a.md>",
        "**",
        "`",
    ],
    nest: "  - ",
    max_len: 4 * 1024,
    mem: (8 << 20, 512),
    setup: || {
        Box::new(|bytes| {
            let source = Source::new("src/SUMMARY.md", text(bytes));
            let (items, diags) = remedy::book::summary::parse(&source);
            located(&diags);
            let mut stack: Vec<&remedy::content::summary::Item> = items.iter().collect();
            while let Some(item) = stack.pop() {
                if let remedy::content::summary::Item::Chapter(c) = item {
                    assert!(
                        source.text.get(c.span.clone()).is_some(),
                        "span {:?}",
                        c.span
                    );
                    stack.extend(c.sub_items.iter());
                }
            }
        })
    },
};

pub const CONFIG: Target = Target {
    name: "book-toml",
    seeds: || {
        let mut s = seeds::from(&book_dirs(), &["book.toml"]);
        s.extend(seeds::files(&repo(), &["/book.toml"]).into_iter().take(1));
        s.extend(seeds::from(&[repo().join("src/scaffold")], &["book.toml"]));
        s
    },
    dict: &[
        "[book]\n",
        "[build]\n",
        "[output.html]\n",
        "[output.html.redirect]\n",
        "[preprocessor.x]\n",
        "[output.html.search]\n",
        "site-url = \"/kb/\"\n",
        "src = \"../\"\n",
        "build-dir = \"/\"\n",
        "title = 1\n",
        "precompress = [\"gzip\"]\n",
        "before = [\"links\"]\n",
        "after = [\"x\"]\n",
        "theme = \"\"\n",
        "language = \"\u{0}\"\n",
        "= ",
        "[[",
        "]]",
        "\"\"\"",
    ],
    nest: "[",
    max_len: 8 * 1024,
    mem: (16 << 20, 512),
    setup: || {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        Box::new(move |bytes| {
            let t = text(bytes);
            if let Err(diags) = Config::from_str(tmp.path(), &t, &Overrides::default()) {
                located(&diags.sorted());
            }
        })
    },
};

/// Cuts an include input into the chapter, the listing it includes and a
/// second chapter.
const CUT: &str = "\n--8<--\n";
const LISTING: &str = "fn main() {\n    // ANCHOR: all\n    let x = 1;\n    // ANCHOR: inner\n    println!(\"{x}\");\n    // ANCHOR_END: inner\n    // ANCHOR_END: all\n}\n";

pub const INCLUDE: Target = Target {
    name: "include",
    seeds: || {
        let mut chapters: Vec<Vec<u8>> = seeds::from(&book_dirs(), &[".md"])
            .into_iter()
            .filter(|c| c.windows(3).any(|w| w == b"{{#"))
            .collect();
        chapters.push(
            format!(
                "# A\n\n{{{{#include listing.rs:2}}}}\n{{{{#include listing.rs:2:4}}}}\n{{{{#include listing.rs::3}}}}\n{{{{#include listing.rs:inner}}}}\n```rust\n{{{{#rustdoc_include listing.rs:all}}}}\n```\n{{{{#playground listing.rs editable}}}}\n{{{{#include other.md}}}}\n\\{{{{#include x}}}}\n{{{{#title T}}}}{CUT}{LISTING}{CUT}{{{{#include listing.rs:9:1}}}}\n"
            )
            .into_bytes(),
        );
        chapters
    },
    dict: &[
        "{{#include listing.rs}}",
        "{{#include other.md}}",
        "{{#include chapter.md}}",
        "{{#rustdoc_include listing.rs:all}}",
        "{{#playground listing.rs}}",
        "{{#title ",
        "}}",
        "{{#",
        ":0",
        ":1:",
        "::2",
        ":18446744073709551616",
        ":inner",
        ":all",
        "ANCHOR: inner\n",
        "ANCHOR_END: inner\n",
        "ANCHOR: \n",
        "\\{{#",
        "../",
        CUT,
    ],
    nest: "{{#include other.md}}",
    max_len: 2 * 1024,
    mem: (16 << 20, 2048),
    setup: || {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let root = tmp.path().to_path_buf();
        std::fs::create_dir_all(root.join("src")).expect("src");
        std::fs::write(root.join("book.toml"), "[book]\ntitle = \"B\"\n").expect("book.toml");
        let config = Config::from_str(&root, "[book]\ntitle = \"B\"\n", &Overrides::default())
            .unwrap_or_else(|_| panic!("a plain book.toml"));
        let mut written = (String::new(), String::new());
        Box::new(move |bytes| {
            let _keep = &tmp;
            let t = text(bytes);
            let mut parts = t.splitn(3, CUT);
            let chapter = parts.next().unwrap_or_default();
            let listing = parts.next().unwrap_or(LISTING);
            let other = parts.next().unwrap_or("other\n");
            let src = root.join("src");
            // Files are written only when they change: most inputs edit the chapter.
            if written.0 != listing {
                write(&src.join("listing.rs"), listing);
                written.0 = listing.to_string();
            }
            if written.1 != other {
                write(&src.join("other.md"), other);
                written.1 = other.to_string();
            }
            let file = src.join("chapter.md");
            write(&file, chapter);
            let source = Source::new("src/chapter.md", chapter);
            let out = remedy::book::include::expand(&config, &file, &source);
            located(&out.diagnostics);
        })
    },
};

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// The bundled site's pages, as link rewriting sees them.
struct SiteLinks {
    files: Vec<String>,
    paths: Vec<String>,
}

impl SiteLinks {
    fn bundled() -> SiteLinks {
        let content = repo().join("content");
        let files: Vec<String> = walkdir::WalkDir::new(&content)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(&content)
                    .ok()?
                    .to_string_lossy()
                    .into_owned();
                (rel.ends_with(".md") || rel.ends_with(".toml")).then_some(rel)
            })
            .collect();
        let paths = files.iter().map(|f| page_path(f)).collect();
        SiteLinks { files, paths }
    }
}

fn page_path(file: &str) -> String {
    let stem = file
        .trim_end_matches(".md")
        .trim_end_matches(".toml")
        .trim_end_matches("_index");
    if stem.is_empty() || stem.ends_with('/') {
        stem.to_string()
    } else {
        format!("{stem}/")
    }
}

impl Links for SiteLinks {
    fn page_by_file(&self, rel_path: &str) -> Option<&str> {
        let i = self.files.iter().position(|f| f == rel_path)?;
        Some(&self.paths[i])
    }
    fn page_by_path(&self, path: &str) -> bool {
        self.paths.iter().any(|p| p == path)
    }
    fn asset(&self, rel_path: &str) -> bool {
        rel_path.ends_with(".png")
    }
    fn page_files(&self) -> Vec<&str> {
        self.files.iter().map(String::as_str).collect()
    }
    fn is_draft(&self, rel_path: &str) -> bool {
        rel_path == "drafts/next.md"
    }
}

pub const MARKDOWN: Target = Target {
    name: "markdown",
    seeds: || {
        let mut dirs = vec![
            repo().join("content"),
            repo().join("tests/fixtures/book/src"),
        ];
        dirs.extend(seeds::mdbook_guide().map(|g| g.join("src")));
        seeds::from(&dirs, &[".md"])
    },
    dict: &[
        "[a](../codes/429.md#retry-after)",
        "[b](/codes/429/)",
        "[c](#top)",
        "[d](../../../x.md)",
        "[e](https://x/a.md)",
        "[f](a.png)",
        "[g](?q#)",
        "[h](<a b.md>)",
        "](",
        "## H {#id}\n",
        "## É\n",
        "> [!NOTE]\n",
        "```http\n",
        "```\n",
        "| a | b |\n|---|---|\n",
        "[^1]",
        "[^1]: x\n",
        "- [ ] ",
        "~~",
        "<div>",
        "\n: def\n",
        "\\",
        "&#0;",
        "`",
    ],
    nest: "> ",
    max_len: 2 * 1024,
    mem: (32 << 20, 1024),
    setup: || {
        let links = SiteLinks::bundled();
        let h =
            Highlighter::new(&Theme::builtin()).unwrap_or_else(|_| panic!("the built-in theme"));
        let mut n = 0usize;
        Box::new(move |bytes| {
            n += 1;
            let rel = &links.files[n % links.files.len()];
            let source = Source::new(format!("content/{rel}"), text(bytes));
            let depth = links.paths[n % links.paths.len()].matches('/').count();
            let root = "../".repeat(depth);
            let ctx = Context {
                source: &source,
                body_offset: 0,
                rel_path: rel,
                root: &root,
                links: &links,
                highlighter: &h,
            };
            let flavor = if n.is_multiple_of(2) {
                remedy::config::Flavor::default()
            } else {
                remedy::config::Flavor {
                    mdbook: true,
                    smart_punctuation: true,
                    definition_lists: true,
                    ..Default::default()
                }
            };
            let r = markdown::render_flavored(&ctx, &flavor);
            located(&r.diagnostics);
            for d in &r.diagnostics {
                assert!(
                    d.line_col().is_some(),
                    "a Markdown problem has no line: {d}"
                );
            }
        })
    },
};
