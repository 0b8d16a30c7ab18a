//! A static file server for a built site, on `127.0.0.1:0`, behaving like
//! the hosts a remedy site is deployed to: `index.html` for a folder, a
//! redirect from `/folder` to `/folder/` (relative links depend on the
//! slash), and `404.html` with status 404 for anything else.
//!
//! It is started and stopped by the tests themselves, so nothing outlives a
//! test run and no fixed port can clash with another run.

use std::fs;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use tiny_http::{Header, Response, Server};

/// Requests are answered by this many threads: Chromium fetches a page's
/// stylesheets and scripts in parallel, and several tests share one server.
const WORKERS: usize = 4;

/// A running server; stopped (and its threads joined) on drop.
pub struct StaticServer {
    server: Arc<Server>,
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl StaticServer {
    /// Serves `root` on an ephemeral loopback port.
    pub fn start(root: &Path) -> std::io::Result<StaticServer> {
        let server = Server::http("127.0.0.1:0").map_err(std::io::Error::other)?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| std::io::Error::other("the server did not bind an IP address"))?;
        let server = Arc::new(server);
        let stopping = Arc::new(AtomicBool::new(false));
        let root = Arc::new(root.to_path_buf());
        let workers = (0..WORKERS)
            .map(|_| {
                let (server, stopping, root) = (server.clone(), stopping.clone(), root.clone());
                std::thread::spawn(move || loop {
                    match server.recv() {
                        Ok(request) => {
                            let response = respond(&root, request.url());
                            // The browser may have gone away mid-response; that is its business.
                            let _ = request.respond(response);
                        }
                        Err(_) if stopping.load(Ordering::SeqCst) => break,
                        Err(_) => continue,
                    }
                })
            })
            .collect();
        Ok(StaticServer {
            server,
            addr,
            stopping,
            workers,
        })
    }

    /// `http://127.0.0.1:PORT` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The socket address, for tests that speak HTTP themselves.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // `unblock` wakes one waiting thread per call.
        for _ in &self.workers {
            self.server.unblock();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

type Reply = Response<std::io::Cursor<Vec<u8>>>;

/// Answers a GET for `url` (path and query) from the files under `root`.
fn respond(root: &Path, url: &str) -> Reply {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let Some(file) = resolve(root, path) else {
        return not_found(root);
    };
    if file.is_dir() {
        if !path.ends_with('/') {
            return Response::from_data(Vec::new())
                .with_status_code(301)
                .with_header(header("Location", &format!("{path}/")));
        }
        let index = file.join("index.html");
        return match fs::read(&index) {
            Ok(bytes) => file_response(&index, bytes),
            Err(_) => not_found(root),
        };
    }
    match fs::read(&file) {
        Ok(bytes) => file_response(&file, bytes),
        Err(_) => not_found(root),
    }
}

/// Maps a URL path to a path under `root`; `None` for anything that tries
/// to leave it (`..`) or is not valid percent-encoded UTF-8.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    Some(root.join(relative))
}

fn not_found(root: &Path) -> Reply {
    let body = fs::read(root.join("404.html")).unwrap_or_else(|_| b"404 Not Found".to_vec());
    Response::from_data(body)
        .with_status_code(404)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
}

fn file_response(path: &Path, bytes: Vec<u8>) -> Reply {
    Response::from_data(bytes)
        .with_header(header("Content-Type", remedy::serve::content_type(path)))
        // Every test must see the site as built, never a cached copy.
        .with_header(header("Cache-Control", "no-store"))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

/// Decodes `%XX` escapes; `None` if one is malformed or the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
