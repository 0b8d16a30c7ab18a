//! What the build writes besides pages: precompressed siblings for servers
//! that send them as they are, and rebuilds that link unchanged files.

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
/// not change keep their inode (they are linked from the previous build).
#[cfg(unix)]
#[test]
fn rebuilds_link_unchanged_files() {
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
    assert_eq!(inode("index.html"), home, "an unchanged page is linked");
}
