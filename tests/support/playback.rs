//! A loopback HTTP server that plays the cases a link checker meets: fine
//! pages, dead ones, permanent and temporary redirects, logins, rate
//! limits with `Retry-After`, flaky and broken servers, slow answers. It
//! counts the requests to each path and the most it ever served at once,
//! so the tests can prove the checker's politeness (one request per URL,
//! the per-host limit, the wait a server asked for).
//!
//! Plain `std::net`: the server is a test fixture, each connection answered
//! on its own thread with `Connection: close`.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the server saw.
#[derive(Default)]
pub struct Seen {
    /// Path -> the instants it was asked for, in order.
    pub requests: Mutex<HashMap<String, Vec<Instant>>>,
    /// Requests being answered now.
    pub active: AtomicUsize,
    /// The most ever answered at once.
    pub most: AtomicUsize,
}

impl Seen {
    /// How often `path` was asked for.
    pub fn count(&self, path: &str) -> usize {
        self.requests.lock().unwrap().get(path).map_or(0, Vec::len)
    }

    /// When `path` was asked for.
    pub fn times(&self, path: &str) -> Vec<Instant> {
        self.requests
            .lock()
            .unwrap()
            .get(path)
            .cloned()
            .unwrap_or_default()
    }
}

/// The running server; stops accepting when dropped.
pub struct Playback {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// What it saw.
    pub seen: Arc<Seen>,
    stop: Arc<AtomicBool>,
}

impl Drop for Playback {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.base.trim_start_matches("http://"));
    }
}

impl Playback {
    /// Starts the server on an ephemeral loopback port.
    pub fn start() -> Playback {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Seen::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (Arc::clone(&seen), Arc::clone(&stop));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let s = Arc::clone(&s);
                std::thread::spawn(move || serve(stream, &s));
            }
        });
        Playback { base, seen, stop }
    }

    /// The URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn serve(mut stream: TcpStream, seen: &Seen) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    let nth = {
        let mut r = seen.requests.lock().unwrap();
        let list = r.entry(path.clone()).or_default();
        list.push(Instant::now());
        list.len()
    };
    let now = seen.active.fetch_add(1, Ordering::SeqCst) + 1;
    seen.most.fetch_max(now, Ordering::SeqCst);
    let (status, headers, body, delay) = answer(&path, nth);
    std::thread::sleep(delay);
    seen.active.fetch_sub(1, Ordering::SeqCst);
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for h in headers {
        out.push_str(&h);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.push_str(&body);
    let _ = stream.write_all(out.as_bytes());
}

type Answer = (&'static str, Vec<String>, String, Duration);

/// The case each path plays; `nth` counts from 1 for that path.
fn answer(path: &str, nth: usize) -> Answer {
    let path = path.split('?').next().unwrap_or(path);
    let html = |body: &str| {
        (
            "200 OK",
            vec!["Content-Type: text/html; charset=utf-8".to_string()],
            body.to_string(),
            Duration::ZERO,
        )
    };
    let plain = |status: &'static str, headers: Vec<String>| {
        (status, headers, String::new(), Duration::ZERO)
    };
    let location = |to: &str| vec![format!("Location: {to}")];
    match path {
        "/ok" | "/new" | "/also-ok" => html("<p>fine</p>"),
        "/page" => html(r#"<h2 id="here">Here</h2><a name="old-name"></a>"#),
        "/text" => plain("200 OK", vec!["Content-Type: text/plain".into()]),
        "/gone-404" => plain("404 Not Found", vec![]),
        "/gone-410" => plain("410 Gone", vec![]),
        "/old" => plain("301 Moved Permanently", location("/new")),
        "/old-308" => plain("308 Permanent Redirect", location("/also-ok")),
        "/temp" => plain("302 Found", location("/ok")),
        "/loop" => plain("302 Found", location("/loop")),
        "/login" => plain("401 Unauthorized", vec![]),
        "/forbidden" => plain("403 Forbidden", vec![]),
        "/busy" if nth == 1 => plain("429 Too Many Requests", vec!["Retry-After: 1".into()]),
        "/busy" => html("<p>now</p>"),
        "/limited" => plain("429 Too Many Requests", vec!["Retry-After: 3600".into()]),
        "/flaky" if nth == 1 => plain("503 Service Unavailable", vec![]),
        "/flaky" => html("<p>better</p>"),
        "/broken" => plain("500 Internal Server Error", vec![]),
        "/slow" => ("200 OK", vec![], String::new(), Duration::from_secs(10)),
        p if p.starts_with("/wait/") => {
            ("200 OK", vec![], String::new(), Duration::from_millis(300))
        }
        _ => plain("404 Not Found", vec![]),
    }
}
