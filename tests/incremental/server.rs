//! `remedy serve --output` run as a child process, and its status.

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
        };
        match port {
            Some(p) => server.port = p,
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

    pub fn status(&self) -> Status {
        let (code, body) = self.get("/__remedy/status");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "status {code} is not JSON ({e}): {}",
                String::from_utf8_lossy(&body)
            )
        });
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

    /// Polls until `done` holds and the status has not changed for `quiet`.
    pub fn settle(&self, quiet: Duration, context: &str, done: impl Fn(&Status) -> bool) -> Status {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut last: Option<Status> = None;
        let mut since = Instant::now();
        loop {
            let s = self.status();
            if last.as_ref() != Some(&s) {
                last = Some(s.clone());
                since = Instant::now();
            }
            if done(&s) && since.elapsed() >= quiet {
                return s;
            }
            if Instant::now() > deadline {
                panic!(
                    "{context}: gave up after 60 s; last status {s:?}\nserver log (tail):\n{}",
                    tail(&self.log(), 40)
                );
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub version: u64,
    pub errors: Option<String>,
    pub indexed: u64,
}

pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
