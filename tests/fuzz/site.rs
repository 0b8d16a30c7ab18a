//! Built sites, once per run: the bundled knowledge base (its published
//! triage data and search index feed several targets) and the small site
//! `remedy init` writes (a built site the CLI reads, cheap enough to read
//! again for every input).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use remedy::tree::triage::Data;

use super::seeds::repo;

struct Built {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
}

fn build(root: &Path, tmp: tempfile::TempDir) -> Built {
    let dir = tmp.path().join("site");
    remedy::build(&remedy::BuildOptions {
        root: root.to_path_buf(),
        overrides: remedy::config::Overrides {
            output: Some(dir.clone()),
            site_url: Some("https://remedy.test/".into()),
            drafts: false,
            skip_preprocessors: Vec::new(),
            write_sources: true,
        },
        write: true,
    })
    .unwrap_or_else(|_| panic!("{} builds", root.display()));
    Built { _tmp: tmp, dir }
}

fn temp() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("remedy-fuzz-site-")
        .tempdir()
        .expect("a temporary folder")
}

/// The bundled site's folder.
pub fn dir() -> &'static Path {
    static SITE: OnceLock<Built> = OnceLock::new();
    &SITE.get_or_init(|| build(&repo(), temp())).dir
}

/// The folder of the site `remedy init` starts.
pub fn small_dir() -> &'static Path {
    static SITE: OnceLock<Built> = OnceLock::new();
    &SITE
        .get_or_init(|| {
            let tmp = temp();
            let root = tmp.path().join("project");
            remedy::init::init(&root, Some("Fuzz"))
                .unwrap_or_else(|_| panic!("init writes a site"));
            build(&root, tmp)
        })
        .dir
}

/// The published data script of the tree at `path` under `site`.
pub fn script_of(site: &Path, path: &str) -> String {
    std::fs::read_to_string(site.join(path).join("triage-data.js"))
        .unwrap_or_else(|e| panic!("the build publishes {path}triage-data.js: {e}"))
}

/// The 402 tree's published data script.
pub fn script() -> &'static str {
    static S: OnceLock<String> = OnceLock::new();
    S.get_or_init(|| script_of(dir(), "troubleshoot/402/"))
}

/// The 402 tree's data, read back.
pub fn data() -> &'static Data {
    static D: OnceLock<Data> = OnceLock::new();
    D.get_or_init(|| Data::from_script(script()).expect("the published data reads back"))
}
