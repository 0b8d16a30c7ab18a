//! End-to-end tests of `remedy build`: the bundled site, determinism,
//! sub-path hosting, and one test per kind of bad input. Bad-input tests run
//! the real binary and check the message names the right file and line, and
//! that the previous output is left exactly as it was.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use remedy::config::Overrides;
use remedy::{build, BuildOptions};

mod common;
use common::{remedy_in, repo, snapshot, Fixture};

fn build_bundled(out: &Path, site_url: Option<&str>) -> remedy::BuildReport {
    build(&BuildOptions {
        root: repo(),
        overrides: Overrides {
            output: Some(out.to_path_buf()),
            site_url: site_url.map(str::to_string),
            drafts: false,
            skip_preprocessors: Vec::new(),
            write_sources: true,
        },
        write: true,
    })
    .unwrap_or_else(|f| {
        let msgs: Vec<String> = f.diagnostics().iter().map(|d| d.to_string()).collect();
        panic!("the bundled site does not build:\n{}", msgs.join("\n"))
    })
}

/// The bundled site, built once for all tests of this file.
fn bundled() -> &'static (tempfile::TempDir, remedy::BuildReport) {
    static SITE: OnceLock<(tempfile::TempDir, remedy::BuildReport)> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let report = build_bundled(&dir.path().join("site"), None);
        (dir, report)
    })
}

fn site_dir() -> PathBuf {
    bundled().0.path().join("site")
}

fn read(path: impl AsRef<Path>) -> String {
    fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

fn html_files(dir: &Path) -> Vec<(String, String)> {
    snapshot(dir)
        .into_iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| (k, String::from_utf8(v).unwrap()))
        .collect()
}

/// Values of `href="..."` and `src="..."` attributes.
fn urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let after = &rest[i + attr.len()..];
            let end = after.find('"').unwrap();
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

#[test]
fn bundled_site_builds_without_warnings() {
    let (_, report) = bundled();
    let warnings: Vec<String> = report.warnings.iter().map(|d| d.to_string()).collect();
    assert!(warnings.is_empty(), "warnings:\n{}", warnings.join("\n"));
    assert!(report.pages >= 40, "only {} pages", report.pages);
}

#[test]
fn every_content_page_has_an_html_file() {
    let site = site_dir();
    let content = repo().join("content");
    let mut count = 0;
    for e in walkdir::WalkDir::new(&content) {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(&content)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if !rel.ends_with(".md") {
            continue;
        }
        let url = remedy::content::site_path(&rel);
        let html = site.join(&url).join("index.html");
        assert!(html.is_file(), "{rel} -> /{url} has no {}", html.display());
        count += 1;
    }
    assert!(count >= 40);
}

#[test]
fn guide_pages_have_nav_toc_anchors_and_highlighting() {
    let site = site_dir();
    let stripe = read(site.join("providers/stripe/index.html"));
    assert!(stripe.contains("<nav class=\"sidebar\""));
    assert!(stripe.contains("aria-current=\"page\">Stripe"));
    assert!(stripe.contains("<nav class=\"toc\""));
    assert!(stripe.contains("<nav class=\"breadcrumbs\""));
    assert!(stripe.contains("class=\"heading-anchor\" href=\"#card-declined\""));
    assert!(stripe.contains("<h2 id=\"card-declined\">"));
    assert!(stripe.contains("rel=\"prev\"") && stripe.contains("rel=\"next\""));
    assert!(stripe.contains(
        "<link rel=\"canonical\" href=\"https://remedy.example.org/providers/stripe/\">"
    ));
    assert!(stripe.contains("<meta property=\"og:title\""));
    assert!(stripe.contains("<meta name=\"description\""));
    assert!(stripe.contains("<pre class=\"hl-code\" data-lang=\"http\">"));
    assert!(stripe.contains("<span class=\"hl-"));

    let all: String = html_files(&site).into_iter().map(|(_, h)| h).collect();
    assert!(
        all.contains("class=\"admonition admonition-"),
        "no admonition anywhere"
    );
    assert!(all.contains("type=\"checkbox\""), "no task list anywhere");
    assert!(all.contains("<table>"), "no table anywhere");

    let css = read(site.join("static/highlight.css"));
    assert!(css.contains(".hl-"));
    assert!(css.contains(":root[data-theme=\"dark\"]"));
    assert!(css.contains("prefers-color-scheme: dark"));
}

#[test]
fn sitemap_robots_and_404() {
    let site = site_dir();
    let sitemap = read(site.join("sitemap.xml"));
    for url in [
        "https://remedy.example.org/",
        "https://remedy.example.org/codes/429/",
        "https://remedy.example.org/402/retrying/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{url}</loc>")),
            "{url} not in sitemap"
        );
    }
    assert!(
        read(site.join("robots.txt")).contains("Sitemap: https://remedy.example.org/sitemap.xml")
    );
    let not_found = read(site.join("404.html"));
    assert!(not_found.contains("Page not found"));
    // Served at any URL: links must be absolute, and the stylesheet is
    // inlined (issue 25: it must style the page under any prefix).
    assert!(not_found.contains("href=\"/codes/\""));
    assert!(not_found.contains("<style>") && not_found.contains(".site-header {"));
    assert!(not_found.contains("data-probe=\"static/style.css?v="));
    assert_eq!(
        not_found.matches("static/style.css").count(),
        1,
        "only the script's probe names the stylesheet"
    );
    assert!(not_found.contains("data-base=\"/\""));
    assert!(not_found.contains("<script src=\"/static/remedy.js"));
    assert!(site.join(remedy::output::MARKER).is_file());
}

/// Issue 3: every page the knowledge base promises exists and cites sources.
#[test]
fn knowledge_base_pages_exist_with_sources() {
    let site = site_dir();
    let mut pages = vec![
        "",
        "402/",
        "402/vs-401-403-429/",
        "402/retrying/",
        "402/caching/",
        "402/serving/",
        "402/in-the-browser/",
        "providers/",
        "protocols/",
        "protocols/x402/",
        "protocols/l402/",
        "protocols/payment-auth-scheme/",
        "protocols/cashu/",
        "codes/",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    for p in [
        "stripe",
        "shopify",
        "openrouter",
        "deepseek",
        "gemini",
        "anthropic",
        "openai",
        "google-apis",
        "vercel",
        "together",
        "cloudflare",
    ] {
        pages.push(format!("providers/{p}/"));
    }
    for c in [
        400, 401, 403, 404, 405, 406, 407, 408, 409, 410, 413, 415, 422, 429, 451, 500, 502, 503,
        504,
    ] {
        pages.push(format!("codes/{c}/"));
    }
    for p in &pages {
        let html = read(site.join(p).join("index.html"));
        let Some(i) = html.find("id=\"sources\"") else {
            panic!("/{p} has no Sources section");
        };
        assert!(
            html[i..].contains("href=\"https://"),
            "/{p}: Sources has no link"
        );
        let desc = html
            .split("<meta name=\"description\" content=\"")
            .nth(1)
            .unwrap_or_default();
        let desc = &desc[..desc.find('"').unwrap_or(0)];
        assert!(!desc.is_empty(), "/{p} has no description");
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    build_bundled(&dir.path().join("a"), None);
    build_bundled(&dir.path().join("b"), None);
    let a = snapshot(&dir.path().join("a"));
    let b = snapshot(&dir.path().join("b"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs between two builds");
    }
}

#[test]
fn sub_path_hosting_keeps_links_under_the_base() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("kb");
    build_bundled(&out, Some("https://example.org/kb/"));
    let mut checked = 0;
    for (file, html) in html_files(&out) {
        for url in urls(&html) {
            let ok = url.starts_with("/kb/")
                || url.starts_with("https://")
                || url.starts_with("http://")
                || url.starts_with("mailto:")
                || url.starts_with('#')
                || !url.starts_with('/');
            assert!(ok, "{file}: `{url}` escapes /kb/");
            if url.starts_with("https://example.org/") {
                assert!(url.starts_with("https://example.org/kb/"), "{file}: {url}");
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
    let sitemap = read(out.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://example.org/kb/codes/429/</loc>"));
    let not_found = read(out.join("404.html"));
    assert!(not_found.contains("data-base=\"/kb/\""));
    assert!(not_found.contains("<script src=\"/kb/static/remedy.js"));
}

// ---- bad input -------------------------------------------------------------

#[test]
fn front_matter_without_closing_line() {
    let f = Fixture::new();
    f.write("content/a.md", "+++\ntitle = \"A\"\n\nBody.\n");
    let e = f.fails_with("the front matter is never closed");
    assert!(e.contains("content/a.md:1:1"), "{e}");
    assert!(e.contains("add a line with only `+++`"), "{e}");
}

#[test]
fn front_matter_with_bad_toml() {
    let f = Fixture::new();
    f.write("content/a.md", "+++\ntitle = \"A\"\nweight = = 3\n+++\n");
    let e = f.fails_with("content/a.md:3:");
    assert!(e.contains("error"), "{e}");
}

#[test]
fn front_matter_without_title() {
    let f = Fixture::new();
    f.write("content/a.md", "+++\ndescription = \"no title\"\n+++\n");
    let e = f.fails_with("missing required key `title`");
    assert!(e.contains("content/a.md:2:1"), "{e}");
}

#[test]
fn unknown_book_toml_key() {
    let f = Fixture::new();
    f.write(
        "book.toml",
        "[book]\ntitle = \"Fixture\"\ntitel = \"typo\"\n",
    );
    let e = f.fails_with("unknown key `titel`");
    assert!(e.contains("book.toml:3:1"), "{e}");
    assert!(e.contains("did you mean `title`?"), "{e}");
}

#[test]
fn broken_internal_link() {
    let f = Fixture::new();
    f.write(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n\nSee [b](b.md).\n",
    );
    let e = f.fails_with("link to a page that does not exist: `b.md`");
    assert!(e.contains("content/a.md:5:5"), "{e}");
}

#[test]
fn broken_anchor() {
    let f = Fixture::new();
    f.write(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n\n\nSee [home](_index.md#strat).\n",
    );
    let e = f.fails_with("`#strat` is not a heading of content/_index.md");
    assert!(e.contains("content/a.md:6:5"), "{e}");
    assert!(e.contains("did you mean `#start`?"), "{e}");
}

#[test]
fn template_syntax_error() {
    let f = Fixture::new();
    f.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{{ page.title }\n{% endblock content %}\n",
    );
    let e = f.fails_with("themes/default/templates/page.html:2:");
    assert!(e.contains("template syntax error"), "{e}");
}

#[test]
fn template_rendering_error() {
    let f = Fixture::new();
    f.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.no_such_field.x }}\n{% block after_content %}{% endblock after_content %}{% endblock content %}\n",
    );
    f.fails_with("themes/default/templates/page.html:3:");
    // Errors found while linking templates together name the file too.
    f.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}{% endblock content %}\n",
    );
    f.fails_with("<built-in theme>/templates/section.html:2:10");
}

#[test]
fn template_block_missing_from_the_parent_names_both_files() {
    // A new theme's base.html without the blocks the built-in templates
    // fill: every such block is reported, with the child's file and line
    // and the parent's file to add it to.
    let f = Fixture::new();
    f.write(
        "themes/default/templates/base.html",
        "<html><body>{% block content %}{% endblock content %}</body></html>\n",
    );
    let e = f.fails_with("Block `title` is not defined in any parent template");
    assert!(e.contains("<built-in theme>/templates/404.html:2:"), "{e}");
    assert!(e.contains("Block `aside`"), "{e}");
    assert!(e.contains("<built-in theme>/templates/page.html:"), "{e}");
    assert!(
        e.contains("extends `page.html` (<built-in theme>/templates/page.html), which extends"),
        "{e}"
    );
    assert!(
        e.contains("extends `base.html` (themes/default/templates/base.html)"),
        "{e}"
    );
    // The block of the issue, in the author's own child template.
    f.write(
        "themes/default/templates/base.html",
        "<html><title>{% block title %}{% endblock title %}</title><body>{% block content %}{% endblock content %}{% block scripts %}{% endblock scripts %}{% block aside %}{% endblock aside %}</body></html>\n",
    );
    f.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}x{% endblock content %}\n{% block after_content %}y{% endblock after_content %}\n",
    );
    let e = f.fails_with("Block `after_content` is not defined in any parent template");
    assert!(e.contains("themes/default/templates/page.html:3:10"), "{e}");
}

#[test]
fn non_utf8_content() {
    let f = Fixture::new();
    f.write_bytes("content/a.md", b"+++\ntitle = \"A\"\n+++\nbad \xff byte\n");
    let e = f.fails_with("not valid UTF-8");
    assert!(e.contains("content/a.md:4:5"), "{e}");
}

#[test]
fn output_that_is_not_a_remedy_output_is_refused() {
    let f = Fixture::new();
    f.write("mine/keep.txt", "precious");
    let out = f.run(&["build", "--output", "mine"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("refusing to replace mine"), "{stderr}");
    assert_eq!(read(f.root().join("mine/keep.txt")), "precious");
    assert!(!f.root().join("mine/index.html").exists());
}

#[test]
fn build_dir_outside_the_project_is_refused() {
    let f = Fixture::new();
    f.write(
        "book.toml",
        "[book]\ntitle = \"Fixture\"\n\n[build]\nbuild-dir = \"../elsewhere\"\n",
    );
    let e = f.fails_with("build-dir `../elsewhere` is not a folder inside the project");
    assert!(e.contains("book.toml:5:13"), "{e}");
}

#[test]
fn all_errors_are_reported_together() {
    let f = Fixture::new();
    f.write(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n\n[x](x.md) [y](y.md) [b](b.md#any)\n",
    );
    f.write("content/b.md", "+++\ntitel = \"B\"\n+++\n");
    let e = f.fails_with("build failed with 3 errors");
    assert!(e.contains("content/b.md:2:1"), "{e}");
    assert!(
        e.contains("content/a.md:5:1") && e.contains("content/a.md:5:11"),
        "{e}"
    );
    // b.md exists, it only failed to load: linking to it is not an error.
    assert!(!e.contains("content/a.md:5:21"), "{e}");
}

// ---- features --------------------------------------------------------------

#[test]
fn unknown_fence_language_warns_with_place() {
    let f = Fixture::new();
    f.write(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n\n```klingon\nQapla'\n```\n",
    );
    let out = f.run(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: unknown code block language `klingon`"),
        "{stderr}"
    );
    assert!(stderr.contains("content/a.md:5:1"), "{stderr}");
    assert!(
        read(f.root().join("public/a/index.html")).contains("Qapla&#39;")
            || read(f.root().join("public/a/index.html")).contains("Qapla'")
    );
}

#[test]
fn drafts_aliases_sections_and_assets() {
    let f = Fixture::new();
    f.write(
        "content/draft.md",
        "+++\ntitle = \"Draft\"\ndraft = true\n+++\n",
    );
    f.write(
        "content/guides/b.md",
        "+++\ntitle = \"B\"\naliases = [\"/old/b/\"]\n+++\n\n![diagram](img/d.svg)\n",
    );
    f.write(
        "content/guides/img/d.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = f.root().join("public");
    assert!(
        !public.join("draft/index.html").exists(),
        "drafts are skipped by default"
    );
    let section = read(public.join("guides/index.html"));
    assert!(
        section.contains("<h1>Guides</h1>"),
        "folders without _index.md get a section page"
    );
    assert!(section.contains("href=\"../guides/b/\""), "{section}");
    let redirect = read(public.join("old/b/index.html"));
    assert!(redirect.contains("url=/guides/b/"), "{redirect}");
    assert!(public.join("guides/img/d.svg").is_file());
    assert!(read(public.join("guides/b/index.html")).contains("src=\"../../guides/img/d.svg\""));

    let out = f.run(&["build", "--drafts"]);
    assert!(out.status.success());
    assert!(public.join("draft/index.html").is_file());
}

#[test]
fn site_theme_overrides_a_builtin_file() {
    let f = Fixture::new();
    f.write("themes/default/static/style.css", "body { color: red; }\n");
    let out = f.run(&["build"]);
    assert!(out.status.success());
    assert_eq!(
        read(f.root().join("public/static/style.css")),
        "body { color: red; }\n"
    );
    // The other built-in files are still there.
    assert!(f.root().join("public/static/remedy.js").is_file());
}

#[test]
fn check_writes_nothing() {
    let f = Fixture::new();
    fs::remove_dir_all(f.root().join("public")).unwrap();
    let out = f.run(&["check"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("checked 2 pages"));
    assert!(!f.root().join("public").exists());
}

#[test]
fn long_sections_show_a_window_of_the_sidebar() {
    let f = Fixture::new();
    for i in 0..40 {
        f.write(
            &format!("content/many/p{i:02}.md"),
            &format!("+++\ntitle = \"Page {i:02}\"\nweight = {i}\n+++\n"),
        );
    }
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = read(f.root().join("public/many/p35/index.html"));
    let sidebar = &html[html.find("<nav class=\"sidebar\"").unwrap()..html.find("</nav>").unwrap()];
    assert!(
        sidebar.contains("aria-current=\"page\">Page 35</a>"),
        "{sidebar}"
    );
    assert!(sidebar.contains(">All 40 pages of Many…</a>"), "{sidebar}");
    assert!(
        !sidebar.contains(">Page 00<"),
        "the window should not start at the top"
    );
    assert_eq!(sidebar.matches(">Page ").count(), 30);
}

/// Issue 3: descriptions are short enough for search results and meta tags.
#[test]
fn every_guide_has_a_short_description() {
    let content = repo().join("content");
    for e in walkdir::WalkDir::new(&content) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let source =
            remedy::diagnostics::Source::new(e.path(), fs::read_to_string(e.path()).unwrap());
        let fm = remedy::content::front_matter::parse(&source)
            .unwrap()
            .front_matter;
        let d = fm
            .description
            .unwrap_or_else(|| panic!("{} has no description", e.path().display()));
        assert!(
            d.chars().count() <= 160,
            "{}: description is {} characters",
            e.path().display(),
            d.chars().count()
        );
    }
}

#[test]
fn hidden_files_editor_leftovers_and_symlink_loops() {
    let f = Fixture::new();
    f.write("content/.draft.md", "not front matter");
    f.write("content/a.md~", "editor backup");
    f.write("content/#a.md#", "emacs autosave");
    f.write("content/.git/config", "[core]");
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!f.root().join("public/.draft").exists());
    assert!(!f.root().join("public/a.md~").exists());
    assert!(!f.root().join("public/.git").exists());

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(f.root().join("content"), f.root().join("content/loop"))
            .unwrap();
        let e = f.fails_with("symbolic link loop");
        assert!(
            e.contains("content/loop links back to content, a folder that holds it"),
            "{e}"
        );
    }
}

/// A loop in the theme folder, and a link to nowhere in the content, are
/// named by their paths (issue 22: every error names its file).
#[cfg(unix)]
#[test]
fn theme_symlink_loop_and_unreadable_content_name_their_paths() {
    let f = Fixture::new();
    f.write("themes/default/static/x.css", "p {}\n");
    std::os::unix::fs::symlink(
        f.root().join("themes/default"),
        f.root().join("themes/default/static/up"),
    )
    .unwrap();
    let e = f.fails_with("symbolic link loop");
    assert!(
        e.contains("themes/default/static/up links back to themes/default,"),
        "{e}"
    );
    std::fs::remove_file(f.root().join("themes/default/static/up")).unwrap();
    std::os::unix::fs::symlink(
        f.root().join("content/gone.md"),
        f.root().join("content/b.md"),
    )
    .unwrap();
    let e = f.fails_with("cannot read content/b.md:");
    assert!(e.contains("No such file or directory"), "{e}");
}

/// `remedy init` makes a site that builds cleanly, with a tree that walks,
/// and never overwrites an existing one.
#[test]
fn init_creates_a_working_site() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("kb");
    let run = |args: &[&str]| remedy_in(dir.path(), args);
    let s = site.to_str().unwrap();
    let out = run(&["init", s, "--title", "Acme \"API\""]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["build", s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).is_empty(),
        "warnings: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(read(site.join("public/index.html")).contains("<title>Acme &quot;API&quot;</title>"));
    let out = run(&["diagnose", "-C", s, "--answers", "1"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("=> The account is out of credit"));

    fs::write(
        site.join("content/_index.md"),
        "+++\ntitle = \"Mine\"\n+++\n",
    )
    .unwrap();
    let out = run(&["init", s]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("already has a book.toml; nothing was written"));
    assert_eq!(
        read(site.join("content/_index.md")),
        "+++\ntitle = \"Mine\"\n+++\n"
    );
}

/// A heading in each Unicode normalisation form (NFC, NFD, NFKC, NFKD of
/// "Conﬁg Café"): one id each, in order, the same on every build; a link
/// spelled in any form of the heading's text is a located error that names
/// the id to use.
#[test]
fn headings_in_every_normalisation_form() {
    let forms = [
        "Con\u{fb01}g Caf\u{e9}",
        "Con\u{fb01}g Cafe\u{301}",
        "Config Caf\u{e9}",
        "Config Cafe\u{301}",
    ];
    let f = Fixture::new();
    let mut a = String::from("+++\ntitle = \"A\"\n+++\n\n");
    for t in forms {
        a.push_str(&format!("## {t}\n\ntext\n\n"));
    }
    f.write("content/a.md", &a);
    f.write(
        "content/b.md",
        "+++\ntitle = \"B\"\n+++\n\n[1](a.md#config-cafe) [2](a.md#config-cafe-1) [3](a.md#config-cafe-2) [4](a.md#config-cafe-3)\n",
    );
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(f.root().join("public/a/index.html")).unwrap();
    let ids: Vec<&str> = html
        .split("<h2 id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|id| !id.starts_with("rm-"))
        .collect();
    assert_eq!(
        ids,
        [
            "config-cafe",
            "config-cafe-1",
            "config-cafe-2",
            "config-cafe-3"
        ]
    );
    for (i, t) in forms.iter().enumerate() {
        let anchor = t.to_lowercase().replace(' ', "-");
        f.write(
            "content/b.md",
            &format!("+++\ntitle = \"B\"\n+++\n\n[x](a.md#{anchor})\n"),
        );
        let e = f.fails_with(&format!("`#{anchor}` is not a heading of content/a.md"));
        assert!(e.contains("content/b.md:5:1"), "form {i}: {e}");
        assert!(e.contains("did you mean `#config-cafe`?"), "form {i}: {e}");
    }
}
