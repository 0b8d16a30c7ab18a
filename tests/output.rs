//! What the build writes besides pages: precompressed siblings for servers
//! that send them as they are, and rebuilds that update the previous
//! output in place (and finish one a killed build left half done).

mod common;

use std::io::Read as _;

#[test]
fn precompressed_siblings_are_opt_in_and_decode_to_their_file() {
    let f = common::Fixture::new();
    let public = f.root().join("public");
    let gz: Vec<String> = common::snapshot(&public)
        .into_keys()
        .filter(|k| k.ends_with(".gz") || k.ends_with(".br"))
        .collect();
    assert!(gz.is_empty(), "siblings written without the key: {gz:?}");

    f.write(
        "book.toml",
        "[book]\ntitle = \"Fixture\"\n\n[output.html]\nprecompress = [\"gzip\", \"brotli\"]\n",
    );
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = common::snapshot(&public);
    let page = &files["index.html"];
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(&files["index.html.gz"][..])
        .read_to_end(&mut text)
        .unwrap();
    assert_eq!(&text, page);
    text.clear();
    brotli::Decompressor::new(&files["index.html.br"][..], 4096)
        .read_to_end(&mut text)
        .unwrap();
    assert_eq!(&text, page);
    assert!(files.contains_key("static/style.css.br"));
    // Files under 1 KiB get none: compression would save less than a packet.
    assert!(files["robots.txt"].len() < 1024);
    assert!(!files.contains_key("robots.txt.gz"));
    // The report counts the siblings (all files but the marker).
    let stdout = String::from_utf8_lossy(&out.stdout);
    let count: usize = stdout
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(' '))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or(0);
    assert_eq!(count, files.len() - 1, "{stdout}");

    f.write(
        "book.toml",
        "[book]\ntitle = \"Fixture\"\n\n[output.html]\nprecompress = [\"gzip\", \"zstd\"]\n",
    );
    let err = f.fails_with("unknown precompression `zstd`");
    assert!(err.contains("book.toml:"), "not located: {err}");
}

/// A rebuild of unchanged input gives the same bytes, and files that did
/// not change keep their inode (the rebuild leaves them in place).
#[cfg(unix)]
#[test]
fn rebuilds_leave_unchanged_files_in_place() {
    use std::os::unix::fs::MetadataExt as _;
    let f = common::Fixture::new();
    let public = f.root().join("public");
    let inode = |rel: &str| std::fs::metadata(public.join(rel)).unwrap().ino();
    let before = common::snapshot(&public);
    let (home, a) = (inode("index.html"), inode("a/index.html"));
    f.write(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n\nSee [home](_index.md#start), again.\n",
    );
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(inode("static/style.css"), inode("static/style.css"));
    assert_ne!(inode("a/index.html"), a, "a changed page is written anew");
    let after = common::snapshot(&public);
    assert_eq!(before["static/style.css"], after["static/style.css"]);
    assert_ne!(before["a/index.html"], after["a/index.html"]);
    // The home page lists A by title only, so it did not change.
    assert_eq!(before["index.html"], after["index.html"]);
    assert_eq!(inode("index.html"), home, "an unchanged page is left alone");
}

/// The files under `dir` that differ from `want`, by name, for a readable
/// failure.
fn differences(
    got: &std::collections::BTreeMap<String, Vec<u8>>,
    want: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let mut names: Vec<String> = got.keys().chain(want.keys()).cloned().collect();
    names.sort();
    names.dedup();
    names.retain(|k| got.get(k) != want.get(k));
    names
}

fn build_ok(f: &common::Fixture, args: &[&str]) {
    let out = f.run(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Staging and journal folders beside the output.
fn leftovers(f: &common::Fixture) -> Vec<String> {
    std::fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".remedy-"))
        .collect()
}

/// A rebuild over the previous output (a page changed, one removed, one
/// added, precompression narrowed) gives exactly the files of a fresh
/// build of the same input: none stale, none missing. What did not
/// change is not touched (same inode, same modification time).
#[cfg(unix)]
#[test]
fn a_rebuild_in_place_equals_a_fresh_build() {
    use std::os::unix::fs::MetadataExt as _;
    let f = common::Fixture::new();
    let toml = |precompress: &str| {
        format!("[book]\ntitle = \"Fixture\"\n\n[output.html]\nsite-url = \"https://example.org/\"\nprecompress = [{precompress}]\n")
    };
    f.write("book.toml", &toml("\"gzip\", \"brotli\""));
    f.write(
        "content/gone.md",
        &format!(
            "+++\ntitle = \"Gone\"\n+++\n\n{}\n",
            "Long text. ".repeat(200)
        ),
    );
    f.write("content/guides/b.md", "+++\ntitle = \"B\"\n+++\n\nBee.\n");
    build_ok(&f, &["build"]);
    let public = f.root().join("public");
    let before = common::snapshot(&public);
    assert!(before.contains_key("gone/index.html.br"));
    let meta = |rel: &str| std::fs::metadata(public.join(rel)).unwrap();
    let (css, css_time) = (
        meta("static/style.css").ino(),
        meta("static/style.css").mtime_nsec(),
    );
    let (b, b_time) = (
        meta("robots.txt").ino(),
        meta("robots.txt").modified().unwrap(),
    );

    f.write(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n\nSee [home](_index.md#start), changed.\n",
    );
    std::fs::remove_file(f.root().join("content/gone.md")).unwrap();
    f.write("content/new/c.md", "+++\ntitle = \"C\"\n+++\n\nSea.\n");
    f.write("book.toml", &toml("\"gzip\""));
    build_ok(&f, &["build"]);
    build_ok(&f, &["build", "--output", "fresh"]);
    let (got, want) = (
        common::snapshot(&public),
        common::snapshot(&f.root().join("fresh")),
    );
    assert_eq!(differences(&got, &want), Vec::<String>::new());
    assert!(got.contains_key("new/c/index.html"));
    assert!(!got.contains_key("gone/index.html"));
    assert!(!public.join("gone").exists(), "the removed page's folder");
    assert!(
        !got.keys().any(|k| k.ends_with(".br")),
        "unwanted siblings deleted"
    );
    assert!(got.contains_key(remedy::output::MARKER));
    assert_ne!(before["a/index.html"], got["a/index.html"]);
    assert_eq!(meta("static/style.css").ino(), css);
    assert_eq!(meta("static/style.css").mtime_nsec(), css_time);
    assert_eq!(meta("robots.txt").ino(), b, "an unchanged file");
    assert_eq!(meta("robots.txt").modified().unwrap(), b_time);
    assert_eq!(leftovers(&f), Vec::<String>::new());
}

/// A rebuild that fails while pages are being written (one changed page
/// is staged, another's template fails) leaves the previous output byte
/// for byte, and no staging folder or journal.
#[test]
fn a_failed_rebuild_leaves_the_output_and_nothing_beside_it() {
    let f = common::Fixture::new();
    let public = f.root().join("public");
    let before = common::snapshot(&public);
    f.write(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\n\n## Start {#start}\n\nWelcome back.\n",
    );
    f.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.no_such_field.x }}\n{% block after_content %}{% endblock after_content %}{% endblock content %}\n",
    );
    let out = f.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        differences(&common::snapshot(&public), &before),
        Vec::<String>::new()
    );
    assert_eq!(leftovers(&f), Vec::<String>::new());
}

/// `remedy check` over a previous output, with input that would change
/// it, writes nothing there or beside it.
#[test]
fn check_leaves_a_previous_output_alone() {
    let f = common::Fixture::new();
    let public = f.root().join("public");
    let before = common::snapshot(&public);
    f.write("content/b.md", "+++\ntitle = \"B\"\n+++\n\nBee.\n");
    let out = f.run(&["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        differences(&common::snapshot(&public), &before),
        Vec::<String>::new()
    );
    assert_eq!(leftovers(&f), Vec::<String>::new());
}

/// Leaves what a build killed mid-commit leaves: a staging folder whose
/// journal moves a staged copy of `static/style.css` into place. Returns
/// the staged file's inode.
#[cfg(unix)]
fn interrupted_commit(f: &common::Fixture) -> u64 {
    use std::os::unix::fs::MetadataExt as _;
    let staging = f.root().join(".public.remedy-tmp-killed");
    std::fs::create_dir(&staging).unwrap();
    std::fs::copy(f.root().join("public/static/style.css"), staging.join("0")).unwrap();
    std::fs::write(
        staging.join("journal.json"),
        r#"{"target":"public","deletes":[],"folders":[],"renames":[["0","static/style.css"]]}"#,
    )
    .unwrap();
    std::fs::metadata(staging.join("0")).unwrap().ino()
}

/// The next build finishes an interrupted commit before it compares
/// anything: the staged file is in place (the build found it unchanged
/// and left it), and the staging folder is gone.
#[cfg(unix)]
#[test]
fn a_build_finishes_a_commit_a_killed_build_left() {
    use std::os::unix::fs::MetadataExt as _;
    let f = common::Fixture::new();
    let staged = interrupted_commit(&f);
    build_ok(&f, &["build"]);
    let now = std::fs::metadata(f.root().join("public/static/style.css")).unwrap();
    assert_eq!(now.ino(), staged, "the journal was not rolled forward");
    assert_eq!(leftovers(&f), Vec::<String>::new());
}

/// `remedy serve` into a folder a killed build left half-committed
/// finishes that commit first, as a build does.
#[cfg(unix)]
#[test]
fn serve_finishes_a_commit_a_killed_build_left() {
    use std::io::BufRead as _;
    use std::os::unix::fs::MetadataExt as _;
    let f = common::Fixture::new();
    let staged = interrupted_commit(&f);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["serve", "--port", "0", "--output"])
        .arg(f.root().join("public"))
        .arg(f.root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The first line (the address) comes after the first build.
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    common::stop(&mut child);
    assert!(line.contains("http://127.0.0.1:"), "{line}");
    let now = std::fs::metadata(f.root().join("public/static/style.css")).unwrap();
    assert_eq!(now.ino(), staged, "the journal was not rolled forward");
    assert_eq!(leftovers(&f), Vec::<String>::new());
}
