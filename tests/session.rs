//! A rebuild by `remedy serve` (a `Session`) does only the work its change
//! calls for: a body edit writes one file, a title edit rewrites the pages
//! that show the title and leaves every other file alone, and the search
//! index catches up in a job of its own. `tests/incremental/` checks that
//! the output is right after any edit; this checks it is cheap.

#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use remedy::config::Overrides;
use remedy::serve::{Changes, Session};
use remedy::site::BuildOptions;

mod common;
use common::snapshot;

const SECTIONS: [&str; 3] = ["alpha", "beta", "gamma"];
const PAGES: usize = 12;

fn write(root: &Path, rel: &str, text: &str) -> PathBuf {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path
}

fn page(title: &str, weight: usize, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\nweight = {weight}\n+++\n\n## Fix\n\n{body}\n")
}

/// A site of three sections of twelve guides, and a session building it.
fn site(dir: &Path) -> (PathBuf, Session) {
    let root = dir.join("site");
    write(&root, "book.toml", "[book]\ntitle = \"Session\"\n");
    write(&root, "content/_index.md", &page("Home", 0, "Start here."));
    for s in SECTIONS {
        write(
            &root,
            &format!("content/{s}/_index.md"),
            &page(s, 0, "A section."),
        );
        for i in 0..PAGES {
            let body = format!("Guide {i} of {s}. See [the first](p0.md#fix).");
            write(
                &root,
                &format!("content/{s}/p{i}.md"),
                &page(&format!("{s} {i}"), i + 1, &body),
            );
        }
    }
    let session = Session::new(options(&root, &dir.join("out")));
    (root, session)
}

/// Inode of every file: a file written again (through a rename) gets a new one.
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    snapshot(dir)
        .into_keys()
        .map(|rel| {
            let ino = fs::metadata(dir.join(&rel)).unwrap().ino();
            (rel, ino)
        })
        .collect()
}

fn rewritten(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> Vec<String> {
    after
        .iter()
        .filter(|(rel, ino)| before.get(*rel) != Some(ino))
        .map(|(rel, _)| rel.clone())
        .collect()
}

/// How the session and the clean builds it is compared with build.
fn options(root: &Path, out: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        overrides: Overrides {
            output: Some(out.to_path_buf()),
            site_url: Some("http://127.0.0.1:1/".into()),
            ..Overrides::default()
        },
        write: true,
    }
}

/// Renames the heading every guide of alpha links to, which breaks the
/// build. Returns the page and its text before, to put back.
fn break_anchor(root: &Path) -> (PathBuf, String) {
    let first = root.join("content/alpha/p0.md");
    let text = fs::read_to_string(&first).unwrap();
    fs::write(&first, text.replace("## Fix", "## Repair")).unwrap();
    (first, text)
}

/// Runs the search job, if the index is behind.
fn catch_up(session: &Session) {
    if let Some(job) = session.search_job() {
        job.run(&|| false).unwrap();
    }
}

fn clean_build(root: &Path, out: &Path) -> BTreeMap<String, Vec<u8>> {
    remedy::build(&options(root, out)).unwrap();
    snapshot(out)
}

#[test]
fn a_rebuild_writes_only_what_its_change_changed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (root, mut session) = site(dir.path());
    session.build(&Changes::Everything).unwrap();
    assert_eq!(session.indexed(), 1, "a full build writes its index");

    // A body edit: one page and its Markdown copy, nothing else, and the
    // index is left behind.
    let before = inodes(&out);
    let edited = root.join("content/beta/p5.md");
    let text = fs::read_to_string(&edited).unwrap() + "\nOne more sentence.\n";
    fs::write(&edited, text).unwrap();
    let report = session.build(&Changes::Files(vec![edited])).unwrap();
    assert_eq!(report.rendered, 1, "pages rendered for a body edit");
    assert_eq!(report.files, 2, "files written for a body edit");
    assert_eq!(
        rewritten(&before, &inodes(&out)),
        ["beta/p5/index.html", "beta/p5/index.md"],
        "only the edited page was written"
    );
    assert_eq!((session.builds(), session.indexed()), (2, 1));

    // The search job brings the index up to this build, as a clean build has it.
    let job = session.search_job().expect("the index is behind");
    assert!(job.run(&|| false).unwrap());
    assert_eq!(session.indexed(), 2);
    assert!(session.search_job().is_none());
    let clean = clean_build(&root, &dir.path().join("clean"));
    assert!(
        snapshot(&out) == clean,
        "served output differs from a clean build"
    );

    // A title edit: the pages showing that title change, the other
    // sections are not touched.
    let before = inodes(&out);
    let edited = root.join("content/beta/p7.md");
    let text = fs::read_to_string(&edited)
        .unwrap()
        .replace("title = \"beta 7\"", "title = \"beta seven\"");
    fs::write(&edited, text).unwrap();
    let report = session.build(&Changes::Files(vec![edited])).unwrap();
    let changed = rewritten(&before, &inodes(&out));
    // The page, its section, and the section's other pages, whose sidebar
    // lists it, and llms.txt, which lists every page by title: no page of
    // another section.
    assert_eq!(
        report.rendered,
        PAGES + 1,
        "pages rendered for a title edit"
    );
    assert!(changed.contains(&"beta/p7/index.html".to_string()));
    assert!(
        changed.contains(&"beta/index.html".to_string()),
        "{changed:?}"
    );
    assert!(
        changed
            .iter()
            .all(|f| f.starts_with("beta/") || f == "llms.txt"),
        "only beta's pages show beta 7: {changed:?}"
    );
    assert!(changed.contains(&"llms.txt".to_string()), "{changed:?}");
}

#[test]
fn a_failed_rebuild_changes_nothing_and_the_next_one_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (root, mut session) = site(dir.path());
    session.build(&Changes::Everything).unwrap();
    let good = snapshot(&out);

    let (first, text) = break_anchor(&root);
    let failure = session
        .build(&Changes::Files(vec![first.clone()]))
        .unwrap_err();
    assert!(
        failure.diagnostics()[0]
            .to_string()
            .contains("`#fix` is not a heading"),
        "{:?}",
        failure.diagnostics()
    );
    assert!(snapshot(&out) == good, "a failed build changed the output");
    assert_eq!(session.builds(), 1);

    fs::write(&first, text).unwrap();
    session.build(&Changes::Files(vec![first])).unwrap();
    assert!(
        snapshot(&out) == good,
        "the fix did not bring the site back"
    );
}

/// A theme change that lands while the content is broken must still reach
/// every page once the content is fixed, though no page's own inputs changed.
#[test]
fn a_theme_change_during_a_broken_build_reaches_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (root, mut session) = site(dir.path());
    session.build(&Changes::Everything).unwrap();

    let (first, text) = break_anchor(&root);
    assert!(session.build(&Changes::Files(vec![first.clone()])).is_err());

    let builtin =
        fs::read_to_string(common::repo().join("themes/default/templates/page.html")).unwrap();
    let template = root.join("themes/default/templates/page.html");
    let changed = builtin.replacen("</article>", "<p>theme v2</p></article>", 1);
    assert_ne!(builtin, changed, "the template has an </article> to mark");
    write(&root, "themes/default/templates/page.html", &changed);
    assert!(session.build(&Changes::Files(vec![template])).is_err());

    fs::write(&first, text).unwrap();
    session.build(&Changes::Files(vec![first])).unwrap();
    catch_up(&session);
    let clean = clean_build(&root, &dir.path().join("clean"));
    let served = snapshot(&out);
    let stale: Vec<&String> = clean
        .iter()
        .filter(|(rel, bytes)| served.get(*rel) != Some(bytes))
        .map(|(rel, _)| rel)
        .collect();
    assert!(
        stale.is_empty(),
        "files differ from a clean build: {stale:?}"
    );
    assert!(served == clean);
}

/// Assets come and go like pages: a new one is copied, an edited one
/// copied again, a deleted one removed from the output.
#[test]
fn assets_are_added_replaced_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (root, mut session) = site(dir.path());
    session.build(&Changes::Everything).unwrap();

    let asset = write(&root, "content/beta/notes.txt", "first");
    session.build(&Changes::Files(vec![asset.clone()])).unwrap();
    assert_eq!(
        fs::read_to_string(out.join("beta/notes.txt")).unwrap(),
        "first"
    );

    fs::write(&asset, "second").unwrap();
    session.build(&Changes::Files(vec![asset.clone()])).unwrap();
    assert_eq!(
        fs::read_to_string(out.join("beta/notes.txt")).unwrap(),
        "second"
    );

    fs::remove_file(&asset).unwrap();
    session.build(&Changes::Files(vec![asset])).unwrap();
    assert!(
        !out.join("beta/notes.txt").exists(),
        "a deleted asset is removed from the output"
    );
    catch_up(&session);
    assert!(snapshot(&out) == clean_build(&root, &dir.path().join("clean")));
}
