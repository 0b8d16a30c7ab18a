//! Freshness as data (#23): the `checked` front matter date is shown on the
//! page, written to the sitemap's `<lastmod>`, rejected with a located
//! error when it is not a day, and aged by `remedy check --stale`.

mod common;

use common::Fixture;

fn dated(f: &Fixture) {
    f.write(
        "content/old.md",
        "+++\ntitle = \"Old\"\nchecked = 2026-01-01\n+++\n\nText.\n",
    );
    f.write(
        "content/new.md",
        "+++\ntitle = \"New\"\nchecked = 2026-12-01\n+++\n\nText.\n",
    );
}

#[test]
fn checked_is_shown_and_in_the_sitemap() {
    let f = Fixture::new();
    dated(&f);
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{out:?}");
    let page = std::fs::read_to_string(f.root().join("public/old/index.html")).unwrap();
    assert!(
        page.contains(r#"Last checked: <time datetime="2026-01-01">2026-01-01</time>"#),
        "{page}"
    );
    let sitemap = std::fs::read_to_string(f.root().join("public/sitemap.xml")).unwrap();
    assert!(
        sitemap.contains(
            "<url><loc>https://example.org/old/</loc><lastmod>2026-01-01</lastmod></url>"
        ),
        "{sitemap}"
    );
    // A page without the key has no date anywhere.
    assert!(
        sitemap.contains("<url><loc>https://example.org/a/</loc></url>"),
        "{sitemap}"
    );
    let a = std::fs::read_to_string(f.root().join("public/a/index.html")).unwrap();
    assert!(!a.contains("Last checked"), "{a}");
}

#[test]
fn a_checked_that_is_not_a_day_is_a_located_error() {
    let cases = [
        ("\"2026-12-01\"", "it is quoted"),
        ("2026-12-01T10:00:00", "it has a time of day"),
        ("2026-13-01", "month between 01 and 12"),
        ("2026-12", "content/b.md:3:11"),
        ("20261201", "it is not a date"),
    ];
    let f = Fixture::new();
    for (value, needle) in cases {
        f.write(
            "content/b.md",
            &format!("+++\ntitle = \"B\"\nchecked = {value}\n+++\n\nText.\n"),
        );
        let e = f.fails_with(needle);
        assert!(e.contains("content/b.md:3:11"), "{value}: {e}");
    }
}

#[test]
fn stale_lists_old_pages_located_and_fails_only_when_asked() {
    let f = Fixture::new();
    dated(&f);
    let args = ["check", "--stale", "90", "--today", "2026-12-07"];
    let out = f.run(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("content/old.md:3:11: warning: checked 2026-01-01, 340 days ago"),
        "{stdout}"
    );
    assert!(!stdout.contains("content/new.md"), "{stdout}");
    assert!(
        stdout.contains("1 of 2 dated pages checked more than 90 days before 2026-12-07"),
        "{stdout}"
    );

    let out = f.run(&[&args[..], &["--fail-on", "stale"]].concat());
    assert_eq!(out.status.code(), Some(1), "{out:?}");

    // Nothing older than a year: no page listed, exit 0 even when asked to fail.
    let out = f.run(&[
        "check",
        "--stale",
        "365",
        "--today",
        "2026-12-07",
        "--fail-on",
        "stale",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("0 of 2 dated pages"), "{stdout}");
}

#[test]
fn stale_on_a_broken_site_reports_the_site_first() {
    let f = Fixture::new();
    f.write(
        "content/b.md",
        "+++\ntitle = \"B\"\nchecked = 2026-12-01\n+++\n\nSee [nowhere](nowhere.md).\n",
    );
    let out = f.run(&["check", "--stale", "1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/b.md:6:"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("dated page"));
}
