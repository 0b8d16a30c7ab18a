//! `remedy serve`: serves the site, rebuilds on change, keeps the last good
//! build on errors and tells the page through `/__remedy/events` (and
//! `/__remedy/status`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod common;
use common::Fixture;

/// Kills the server when the test ends, however it ends.
struct Server(Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        common::stop(&mut self.0);
    }
}

fn start(f: &Fixture) -> Server {
    start_with_tmp(f, &std::env::temp_dir())
}

/// Starts serve with its temporary folders under `tmp`.
fn start_with_tmp(f: &Fixture, tmp: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["serve", "--port", "0"])
        .arg(f.root())
        .env("TMPDIR", tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Server(child, port)
}

fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
    let mut r = String::new();
    s.read_to_string(&mut r).unwrap();
    let code = r
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        code,
        r.split_once("\r\n\r\n")
            .map_or(String::new(), |(_, b)| b.to_string()),
    )
}

/// Waits for the status `until` accepts, as the pages learn it: from the
/// event stream, the moment a build ends (bounded: a hang fails).
fn wait_status(
    events: &mpsc::Receiver<serde_json::Value>,
    what: &str,
    until: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = serde_json::Value::Null;
    loop {
        if until(&last) {
            return last;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        last = events
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("gave up waiting for {what} ({e}); last status {last}"));
    }
}

#[test]
fn serves_rebuilds_and_reports_errors() {
    let f = Fixture::new();
    let server = start(&f);
    let port = server.1;
    let events = common::serve_events(port);
    let first = wait_status(&events, "the first build", |v| v["version"] == 1);
    let (code, status) = get(port, "/__remedy/status");
    assert_eq!(code, 200);
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["version"], first["version"], "{status}");

    let (code, page) = get(port, "/a/");
    assert_eq!(code, 200);
    assert!(
        page.contains("/__remedy/events"),
        "pages carry the reload script"
    );
    let (code, page) = get(port, "/no/such/page/");
    assert_eq!(code, 404);
    assert!(page.contains("Page not found"));
    assert_eq!(get(port, "/../book.toml").0, 404);

    f.write("content/a.md", "+++\ntitle = \"A\"\n+++\n\nFresh text.\n");
    wait_status(&events, "a rebuild", |v| v["version"] == 2);
    assert!(get(port, "/a/").1.contains("Fresh text."));

    f.write("content/a.md", "+++\ntitle = \"A\"\n\nBroken.\n");
    let v = wait_status(&events, "the error", |v| v["errors"].is_string());
    assert!(
        v["errors"].as_str().unwrap().contains("content/a.md:1:1"),
        "{v}"
    );
    assert_eq!(v["version"], 2);
    assert!(
        get(port, "/a/").1.contains("Fresh text."),
        "the last good build is still served"
    );

    f.write("content/a.md", "+++\ntitle = \"A\"\n+++\n\nFixed.\n");
    wait_status(&events, "the fix", |v| {
        v["version"] == 3 && v["errors"].is_null()
    });
    assert!(get(port, "/a/").1.contains("Fixed."));
    // The project's own output folder is left alone.
    let public = common::snapshot(&f.root().join("public"));
    assert!(!public
        .values()
        .any(|b| String::from_utf8_lossy(b).contains("Fixed.")));
}

#[test]
#[cfg(unix)]
fn stopping_removes_the_temporary_site() {
    let f = Fixture::new();
    let tmp = tempfile::tempdir().unwrap();
    let mut server = start_with_tmp(&f, tmp.path());
    let events = common::serve_events(server.1);
    wait_status(&events, "the first build", |v| v["version"] == 1);
    let entries = || std::fs::read_dir(tmp.path()).unwrap().count();
    assert_eq!(entries(), 1, "serve builds into one temporary folder");
    common::stop(&mut server.0);
    assert_eq!(
        server.0.try_wait().unwrap().and_then(|s| s.code()),
        Some(130),
        "serve exits as after Ctrl+C"
    );
    assert_eq!(entries(), 0, "the temporary site is removed on SIGTERM");
}
