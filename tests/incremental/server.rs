//! `remedy serve --output` run as a child process, and its status.

use std::cell::RefCell;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub port: u16,
    pub stderr: PathBuf,
    /// The statuses the server sends its pages, as builds end.
    events: Option<mpsc::Receiver<serde_json::Value>>,
    /// The last status received.
    last: RefCell<Option<Status>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        crate::common::stop(&mut self.child);
    }
}

impl Server {
    pub fn start(site: &Path, out: &Path, stderr: PathBuf) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_remedy"))
            .args(["serve", "--port", "0", "--color=never", "--output"])
            .arg(out)
            .arg(site)
            .stdout(Stdio::piped())
            .stderr(fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok).unwrap_or_default();
            let _ = tx.send(first);
            for _ in lines {} // keep the pipe open and drained
        });
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_default();
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok());
        let mut server = Server {
            child,
            port: 0,
            stderr,
            events: None,
            last: RefCell::new(None),
        };
        match port {
            Some(p) => {
                server.port = p;
                server.events = Some(crate::common::serve_events(p));
            }
            None => {
                let _ = server.child.kill();
                let _ = server.child.wait();
                panic!(
                    "`remedy serve --output` did not start: first stdout line {line:?}\nstderr:\n{}",
                    server.log()
                );
            }
        }
        server
    }

    pub fn log(&self) -> String {
        fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
        let mut r = Vec::new();
        s.read_to_end(&mut r).unwrap();
        let split = r
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(r.len(), |i| i + 4);
        let head = String::from_utf8_lossy(&r[..split]);
        let code = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (code, r[split..].to_vec())
    }

    /// Waits until `done` holds and no new status has come for `quiet`
    /// (statuses come from the event stream the moment a build or an
    /// index ends; nothing is polled).
    pub fn settle(&self, quiet: Duration, context: &str, done: impl Fn(&Status) -> bool) -> Status {
        let deadline = Instant::now() + Duration::from_secs(60);
        let Some(events) = &self.events else {
            panic!("{context}: the server has no event stream");
        };
        let mut last = self.last.borrow().clone();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match events.recv_timeout(quiet.min(left)) {
                Ok(v) => last = Some(Status::from_json(&v)),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(s) = last.as_ref().filter(|s| done(s)) {
                        *self.last.borrow_mut() = Some(s.clone());
                        return s.clone();
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => panic!(
                    "{context}: the server closed its event stream; last status {last:?}\nserver log (tail):\n{}",
                    tail(&self.log(), 40)
                ),
            }
            if Instant::now() >= deadline {
                panic!(
                    "{context}: gave up after 60 s; last status {last:?}\nserver log (tail):\n{}",
                    tail(&self.log(), 40)
                );
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub version: u64,
    pub errors: Option<String>,
    pub indexed: u64,
}

impl Status {
    fn from_json(v: &serde_json::Value) -> Status {
        Status {
            version: v["version"]
                .as_u64()
                .unwrap_or_else(|| panic!("no version in {v}")),
            errors: v["errors"].as_str().map(str::to_string),
            indexed: v["indexed"]
                .as_u64()
                .unwrap_or_else(|| panic!("no `indexed` in {v}")),
        }
    }
}

pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
