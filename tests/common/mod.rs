//! Helpers shared by the integration tests: fixture sites and folder snapshots.
#![allow(dead_code)] // each test binary uses a different subset

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every file under `dir` with its bytes, keyed by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// A small site in a temp folder, built once successfully so that failed
/// builds can be checked to leave that output alone.
/// The project folder (where the bundled site lives).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `remedy` binary in `dir` with `args`, uncoloured.
pub fn remedy_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(args)
        .arg("--color=never")
        .current_dir(dir)
        .output()
        .unwrap()
}

pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        let f = Fixture {
            dir: tempfile::tempdir().unwrap(),
        };
        f.write(
            "book.toml",
            "[book]\ntitle = \"Fixture\"\n\n[output.html]\nsite-url = \"https://example.org/\"\n",
        );
        f.write(
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\n## Start {#start}\n\nWelcome.\n",
        );
        f.write(
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\n\nSee [home](_index.md#start).\n",
        );
        let out = f.run(&["build"]);
        assert!(
            out.status.success(),
            "fixture does not build: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        f
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.root().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }

    pub fn run(&self, args: &[&str]) -> Output {
        remedy_in(self.root(), args)
    }

    /// Builds, expects failure with `needle` in stderr, and checks the
    /// previous output is untouched.
    pub fn fails_with(&self, needle: &str) -> String {
        let before = snapshot(&self.root().join("public"));
        let out = self.run(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(1),
            "expected exit 1; stderr:\n{stderr}"
        );
        assert!(stderr.contains(needle), "expected `{needle}` in:\n{stderr}");
        assert!(stderr.contains("nothing was written"), "{stderr}");
        let after = snapshot(&self.root().join("public"));
        assert!(
            before == after,
            "a failed build changed the previous output"
        );
        assert!(!before.is_empty());
        assert_no_leftovers(self.root());
        stderr
    }
}

/// Fails if a build left a staging or set-aside folder in `dir`, the
/// folder that holds its output.
pub fn assert_no_leftovers(dir: &Path) {
    let leftovers: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("remedy-tmp") || n.contains("remedy-old"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left behind: {leftovers:?}"
    );
}

/// Stops a `remedy serve` child as Ctrl+C would (SIGTERM, so it removes its
/// temporary site), and kills it if it has not exited within two seconds.
pub fn stop(child: &mut std::process::Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: `kill` only sends a signal; the pid is our own child,
        // which has not been waited for, so it cannot have been reused.
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while std::time::Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The statuses `remedy serve` on `port` sends to its pages
/// (`/__remedy/events`): the current one at once, then one after every
/// build and every search index written. Tests wait on these events
/// instead of polling: a status arrives the moment it changes. The
/// channel closes when the server goes away.
pub fn serve_events(port: u16) -> std::sync::mpsc::Receiver<serde_json::Value> {
    use std::io::{BufRead, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to serve");
    write!(
        stream,
        "GET /__remedy/events HTTP/1.0\r\nHost: localhost\r\n\r\n"
    )
    .expect("ask for the event stream");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            // `data: {...}`; the keep-alive comments and headers are not.
            let Some(data) = line.strip_prefix("data:") else {
                continue;
            };
            let Ok(status) = serde_json::from_str(data.trim()) else {
                continue;
            };
            if tx.send(status).is_err() {
                break;
            }
        }
    });
    rx
}
