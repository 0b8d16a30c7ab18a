//! The HTTP server of `remedy serve` (also the browser tests' server):
//! host-like behaviour (301 to the slash, ETag/304, HEAD, gzip and brotli,
//! MIME types, 404 page), path traversal kept closed, and a bounded load
//! test. Everything listens on 127.0.0.1 only.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use remedy::serve::http::SiteServer;

const SECRET: &str = "TOP SECRET outside the site";

/// A site folder beside a secret file, with symbolic links that point out.
fn site() -> (tempfile::TempDir, SiteServer) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    fs::create_dir_all(root.join("a/b")).unwrap();
    fs::create_dir_all(dir.path().join("outside")).unwrap();
    fs::write(dir.path().join("secret.txt"), SECRET).unwrap();
    fs::write(dir.path().join("outside/secret.txt"), SECRET).unwrap();
    let page = format!(
        "<!DOCTYPE html><html><body>{}</body></html>\n",
        "<p>A page long enough to be worth compressing.</p>".repeat(40)
    );
    fs::write(root.join("index.html"), &page).unwrap();
    fs::write(root.join("a/index.html"), &page).unwrap();
    fs::write(root.join("a/b/index.html"), "<p>b</p>").unwrap();
    fs::write(root.join("404.html"), "<h1>Page not found</h1>").unwrap();
    fs::write(root.join("style.css"), "body{color:red}".repeat(50)).unwrap();
    fs::write(root.join("app.js"), "console.log(1);".repeat(50)).unwrap();
    fs::write(
        root.join("map.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    fs::write(root.join("data.json"), "{}").unwrap();
    fs::write(root.join("a b.txt"), "space").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link-out")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside"), root.join("dir-out")).unwrap();
    }
    let server = SiteServer::start(&root, SocketAddr::from(([127, 0, 0, 1], 0)), None).unwrap();
    (dir, server)
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one raw request on a kept-alive connection and reads its reply.
fn exchange(stream: &mut BufReader<TcpStream>, head: &[u8], has_body: bool) -> Reply {
    stream.get_mut().write_all(head).unwrap();
    let mut line = String::new();
    stream.read_line(&mut line).unwrap();
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        stream.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut reply = Reply {
        status,
        headers,
        body: Vec::new(),
    };
    if has_body {
        if let Some(len) = reply.header("content-length") {
            let mut body = vec![0; len.parse().unwrap()];
            stream.read_exact(&mut body).unwrap();
            reply.body = body;
        } else if reply.header("transfer-encoding") == Some("chunked") {
            loop {
                let mut size = String::new();
                stream.read_line(&mut size).unwrap();
                let n = usize::from_str_radix(size.trim(), 16).unwrap();
                let mut chunk = vec![0; n + 2];
                stream.read_exact(&mut chunk).unwrap();
                if n == 0 {
                    break;
                }
                reply.body.extend_from_slice(&chunk[..n]);
            }
        }
    }
    reply
}

fn connect(addr: SocketAddr) -> BufReader<TcpStream> {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    BufReader::new(s)
}

fn request(addr: SocketAddr, method: &str, target: &[u8], extra: &str) -> Reply {
    let mut head = format!("{method} ").into_bytes();
    head.extend_from_slice(target);
    head.extend_from_slice(
        format!(" HTTP/1.1\r\nHost: localhost\r\n{extra}Connection: close\r\n\r\n").as_bytes(),
    );
    let mut c = connect(addr);
    let has_body = method != "HEAD";
    exchange(&mut c, &head, has_body)
}

fn get(addr: SocketAddr, path: &str) -> Reply {
    request(addr, "GET", path.as_bytes(), "")
}

#[test]
fn behaves_like_a_static_host() {
    let (_dir, server) = site();
    let addr = server.addr();

    let r = get(addr, "/a");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/a/"));
    let r = get(addr, "/a/b?x=1");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/a/b/?x=1"));
    assert_eq!(get(addr, "/a/").status, 200);
    assert_eq!(get(addr, "/a%20b.txt").body, b"space");

    let r = get(addr, "/nope/");
    assert_eq!(r.status, 404);
    assert_eq!(r.body, b"<h1>Page not found</h1>");

    for (path, mime) in [
        ("/", "text/html"),
        ("/style.css", "text/css"),
        ("/app.js", "text/javascript"),
        ("/map.svg", "image/svg+xml"),
        ("/data.json", "application/json"),
    ] {
        let r = get(addr, path);
        assert_eq!(r.status, 200, "{path}");
        let ct = r.header("content-type").unwrap_or_default();
        assert!(ct.starts_with(mime), "{path}: {ct}");
    }

    let r = get(addr, "/style.css");
    let etag = r.header("etag").expect("an ETag").to_string();
    let again = request(
        addr,
        "GET",
        b"/style.css",
        &format!("If-None-Match: {etag}\r\n"),
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let other = request(addr, "GET", b"/style.css", "If-None-Match: \"nope\"\r\n");
    assert_eq!(other.status, 200);

    let head = request(addr, "HEAD", b"/style.css", "");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(r.body.len().to_string().as_str())
    );

    for (encoding, decode) in [
        ("gzip", decode_gzip as fn(&[u8]) -> Vec<u8>),
        ("br", decode_br),
    ] {
        let r = request(
            addr,
            "GET",
            b"/",
            &format!("Accept-Encoding: {encoding}\r\n"),
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-encoding"), Some(encoding));
        let html = String::from_utf8(decode(&r.body)).unwrap();
        assert!(html.contains("worth compressing"));
    }
    let r = request(addr, "POST", b"/", "Content-Length: 0\r\n");
    assert_eq!(r.status, 405);
}

fn decode_gzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn decode_br(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(b, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn path_traversal_stays_closed() {
    let (dir, server) = site();
    let addr = server.addr();
    let abs = dir.path().join("secret.txt");
    let abs = abs.to_string_lossy();
    let abs_encoded = abs.replace('/', "%2f");
    let mut attacks: Vec<Vec<u8>> = [
        "/../secret.txt",
        "/../../secret.txt",
        "/a/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2e./secret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/a/%2e%2e/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/a/..%252f..%252fsecret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "/%2e%2e%5csecret.txt",
        "/..%c0%afsecret.txt",
        "/..%25c0%25afsecret.txt",
        "/secret.txt%00",
        "/%00/../secret.txt",
        "/index.html%00/../../secret.txt",
        "/link-out",
        "/dir-out/secret.txt",
        "/dir-out/",
        "/dir-out",
        "/%2e%2e",
        "/..",
        "/....//secret.txt",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    attacks.push(format!("/{abs}").into_bytes());
    attacks.push(format!("/{abs_encoded}").into_bytes());
    attacks.push(format!("/%2f{abs_encoded}").into_bytes());
    attacks.push(b"/..\\secret.txt".to_vec());
    attacks.push(b"/a\\..\\..\\secret.txt".to_vec());
    attacks.push(b"http://127.0.0.1/../secret.txt".to_vec());
    assert!(attacks.len() >= 20);
    for target in &attacks {
        let r = request(addr, "GET", target, "");
        let shown = String::from_utf8_lossy(target);
        assert!(
            !String::from_utf8_lossy(&r.body).contains(SECRET),
            "{shown} leaked the secret"
        );
        assert!(
            matches!(r.status, 400 | 404 | 301),
            "{shown}: status {}",
            r.status
        );
        if r.status == 301 {
            // A redirect may only lead to another path of the site.
            let to = r.header("location").unwrap_or_default().to_string();
            let r = get(addr, &to);
            assert!(
                !String::from_utf8_lossy(&r.body).contains(SECRET),
                "{shown} -> {to}"
            );
        }
    }
    // The same files are served under their own names.
    assert_eq!(get(addr, "/index.html").status, 200);
    assert!(Path::new(&*abs).is_file());
}

#[test]
fn load_2000_requests_over_64_connections() {
    let (_dir, server) = site();
    let addr = server.addr();
    let paths = ["/", "/a/", "/style.css", "/app.js", "/map.svg", "/nope"];
    let expected: Vec<(u16, usize)> = paths
        .iter()
        .map(|p| {
            let r = get(addr, p);
            (r.status, r.body.len())
        })
        .collect();
    const TOTAL: usize = 2000;
    const CONNECTIONS: usize = 64;
    let start = Instant::now();
    let threads: Vec<_> = (0..CONNECTIONS)
        .map(|c| {
            let expected = expected.clone();
            std::thread::spawn(move || {
                let mut conn = connect(addr);
                let mut latencies = Vec::new();
                let n = TOTAL / CONNECTIONS + usize::from(c < TOTAL % CONNECTIONS);
                for i in 0..n {
                    let k = (c + i) % paths.len();
                    let head = format!("GET {} HTTP/1.1\r\nHost: localhost\r\n\r\n", paths[k]);
                    let t = Instant::now();
                    let r = exchange(&mut conn, head.as_bytes(), true);
                    latencies.push(t.elapsed());
                    assert_eq!((r.status, r.body.len()), expected[k], "{}", paths[k]);
                }
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().expect("a connection failed"))
        .collect();
    let elapsed = start.elapsed();
    assert_eq!(latencies.len(), TOTAL);
    latencies.sort();
    let p = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    eprintln!(
        "load: {TOTAL} requests over {CONNECTIONS} connections in {:.2} s ({:.0}/s); latency p50 {:?}, p99 {:?}, max {:?}",
        elapsed.as_secs_f64(),
        TOTAL as f64 / elapsed.as_secs_f64(),
        p(0.5),
        p(0.99),
        p(1.0)
    );
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
}
