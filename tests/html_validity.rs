//! Every page of the built site is valid HTML, by the Nu Html Checker (the
//! W3C validator), run once over the whole output folder with the
//! machine's Java. The site's stylesheets and SVG are checked too.
//!
//! Needs `java` and `npm ci --ignore-scripts --prefix tests/browser`;
//! without them the test prints one line and passes, unless
//! `REMEDY_REQUIRE_ALL=1`.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use support::site::build_bundled;
use support::tools::{self, Tool};

/// An invalid page checked in the same run (`<head>` without `<title>`):
/// the checker must report it, or the run proves nothing.
const CANARY: &str =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"></head>\n<body><p>x</p></body>\n</html>\n";

#[test]
fn every_page_passes_the_nu_html_checker() {
    if !tools::available("HTML validity test", &[Tool::java(), Tool::vnu_jar()]) {
        return;
    }
    let site = build_bundled();
    let canary_dir = tempfile::tempdir().unwrap();
    let canary = canary_dir.path().join("canary.html");
    fs::write(&canary, CANARY).unwrap();

    let output = Command::new(Tool::java().path)
        .arg("-jar")
        .arg(Tool::vnu_jar().path)
        .args([
            "--errors-only",
            // Given a folder, vnu checks every file as HTML unless told.
            "--skip-non-html",
            "--also-check-css",
            "--also-check-svg",
            "--format",
            "json",
            "--stdout",
            // Names each checked file on stderr: proof of what was read.
            "--verbose",
        ])
        .arg(&site.dir)
        .arg(&canary)
        .output()
        .expect("run java -jar vnu.jar");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let results: VnuOutput = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("vnu printed no JSON ({e}); stderr:\n{stderr}\nstdout:\n{stdout}")
    });

    let canary_url = file_url(&canary);
    let (canary_errors, site_errors): (Vec<&Message>, Vec<&Message>) = results
        .messages
        .iter()
        .filter(|m| m.kind != "info")
        .partition(|m| m.url.as_deref() == Some(canary_url.as_str()));
    assert!(
        !canary_errors.is_empty(),
        "vnu found nothing wrong with the invalid canary page; the check is broken"
    );
    assert!(
        site_errors.is_empty(),
        "{} errors in the built site:\n{}",
        site_errors.len(),
        site_errors
            .iter()
            .map(|m| m.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );

    // Every HTML file of the output was read.
    let checked: BTreeSet<PathBuf> = stderr
        .lines()
        .map(|l| PathBuf::from(l.trim()))
        .filter(|p| p.is_file())
        .collect();
    let pages = site.html_files();
    let unchecked: Vec<&PathBuf> = pages.iter().filter(|p| !checked.contains(*p)).collect();
    assert!(unchecked.is_empty(), "vnu did not check: {unchecked:?}");
    let other = checked
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e != "html"))
        .count();
    tools::announce(&format!(
        "vnu {}: {} HTML pages and {other} CSS/SVG files of the site, 0 errors",
        results.version,
        pages.len(),
    ));
}

/// `file:/tmp/x/canary.html`, as vnu names local files.
fn file_url(path: &Path) -> String {
    format!("file:{}", path.display())
}

#[derive(Deserialize)]
struct VnuOutput {
    version: String,
    messages: Vec<Message>,
}

/// One finding of vnu (`error`, `non-document-error`, `info`).
#[derive(Deserialize)]
struct Message {
    #[serde(rename = "type")]
    kind: String,
    url: Option<String>,
    #[serde(rename = "lastLine")]
    line: Option<u32>,
    #[serde(rename = "firstColumn")]
    column: Option<u32>,
    message: String,
    extract: Option<String>,
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = self.url.as_deref().unwrap_or("?");
        write!(
            f,
            "{url}:{}:{}: {}: {}",
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            self.kind,
            self.message
        )?;
        if let Some(extract) = &self.extract {
            write!(f, "\n    {}", extract.replace('\n', " "))?;
        }
        Ok(())
    }
}
