//! `remedy serve`: build, serve on localhost, rebuild on every change, and
//! reload the reader's page.
//!
//! The site is built into a temporary folder (never the project's `public/`)
//! with the site URL set to the local address, served by tiny_http, and
//! rebuilt when notify reports a change under the project folder. Pages get
//! a small script that polls `/__remedy/status`: a new build version reloads
//! the page, and a failed build shows its errors over the last good site,
//! which stays served until the next good build.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tiny_http::{Header, Response, Server};

use crate::config::Overrides;
use crate::diagnostics::{Diagnostic, Failure};
use crate::site::{build, BuildOptions};

/// Where to serve and what.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The project folder.
    pub root: PathBuf,
    /// Address to listen on; port 0 picks a free one.
    pub addr: SocketAddr,
    /// Build drafts too.
    pub drafts: bool,
}

/// The state the status endpoint reports.
#[derive(Debug, Default)]
struct Status {
    /// Increases with every successful build.
    version: u64,
    /// The errors of the last build, when it failed.
    errors: Option<String>,
}

/// Paths under the project that never trigger a rebuild: build outputs,
/// version control, editor droppings.
fn ignored(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return true;
    };
    rel.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name.starts_with('.') || name.ends_with('~') || name == "target" || name == "node_modules"
    }) || rel.starts_with("public")
}

/// Serves until the process is stopped. `ready` is called once with the
/// address being served (tests read it from there; the CLI prints it).
pub fn serve(
    opts: &ServeOptions,
    ready: &mut dyn FnMut(SocketAddr),
    log: &mut dyn std::io::Write,
) -> Result<(), Failure> {
    let server = Server::http(opts.addr).map_err(|e| {
        Diagnostic::error(format!("cannot listen on {}: {e}", opts.addr))
            .with_help("pick another --port")
    })?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| Diagnostic::error("the server has no IP address"))?;
    let tmp = tempfile::Builder::new()
        .prefix("remedy-serve-")
        .tempdir()
        .map_err(|e| Diagnostic::error(format!("cannot create a temporary folder: {e}")))?;
    let out = tmp.path().join("site");
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        overrides: Overrides {
            output: Some(out.clone()),
            site_url: Some(format!("http://{addr}/")),
            drafts: opts.drafts,
            skip_preprocessors: Vec::new(),
        },
        write: true,
    };
    let status = Arc::new(Mutex::new(Status::default()));
    let rebuild = |log: &mut dyn std::io::Write| {
        let result = build(&build_opts);
        let mut s = status.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            Ok(report) => {
                s.version += 1;
                s.errors = None;
                let _ = writeln!(
                    log,
                    "built {} pages in {:.2} s",
                    report.pages,
                    report.elapsed.as_secs_f64()
                );
                for w in &report.warnings {
                    let _ = writeln!(log, "{w}");
                }
            }
            Err(failure) => {
                let text: Vec<String> = failure
                    .diagnostics()
                    .iter()
                    .map(|d| d.to_string())
                    .collect();
                let _ = writeln!(
                    log,
                    "build failed; still serving the last good build:\n{}",
                    text.join("\n")
                );
                s.errors = Some(text.join("\n"));
            }
        }
    };
    rebuild(log);

    let server = Arc::new(server);
    for _ in 0..4 {
        let server = Arc::clone(&server);
        let status = Arc::clone(&status);
        let out = out.clone();
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                respond(request, &out, &status);
            }
        });
    }

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| Diagnostic::error(format!("cannot watch for changes: {e}")))?;
    watcher
        .watch(&opts.root, RecursiveMode::Recursive)
        .map_err(|e| Diagnostic::error(format!("cannot watch {}: {e}", opts.root.display())))?;
    ready(addr);
    let root = std::path::absolute(&opts.root).unwrap_or_else(|_| opts.root.clone());
    let relevant = |event: &notify::Result<notify::Event>| match event {
        Ok(e) => !e.kind.is_access() && e.paths.iter().any(|p| !ignored(&root, p)),
        Err(_) => false,
    };
    while let Ok(event) = rx.recv() {
        if !relevant(&event) {
            continue;
        }
        // Editors write a file in several steps: wait for the burst to end.
        while rx.recv_timeout(Duration::from_millis(150)).is_ok() {}
        rebuild(log);
    }
    Ok(())
}

/// Answers one request: the status endpoint, a file of the site (with the
/// reload script in HTML pages), or the 404 page.
fn respond(request: tiny_http::Request, out: &Path, status: &Mutex<Status>) {
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if url == "/__remedy/status" {
        let s = status.lock().unwrap_or_else(|e| e.into_inner());
        let body = serde_json::json!({ "version": s.version, "errors": s.errors }).to_string();
        let _ = request.respond(
            Response::from_string(body).with_header(header("Content-Type", "application/json")),
        );
        return;
    }
    let (code, path) = match resolve(out, &url) {
        Some(p) => (200, p),
        None => (404, out.join("404.html")),
    };
    let Ok(bytes) = std::fs::read(&path) else {
        let _ = request.respond(Response::from_string("not found").with_status_code(404));
        return;
    };
    let kind = content_type(&path);
    let bytes = if kind.starts_with("text/html") {
        inject_reload(bytes)
    } else {
        bytes
    };
    let response = Response::from_data(bytes)
        .with_status_code(code)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"));
    let _ = request.respond(response);
}

/// The file a URL path names inside `out`, never outside it.
fn resolve(out: &Path, url: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url);
    let mut path = out.to_path_buf();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => path.push(s),
        }
    }
    if path.is_dir() {
        path.push("index.html");
    }
    path.is_file().then_some(path)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `Content-Type` of a site file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| {
        Header::from_bytes(&b"X-Remedy"[..], &b"1"[..]).expect("a valid static header")
    })
}

/// The script that reloads the page after a rebuild and shows build errors.
const RELOAD: &str = r#"<script>
(function () {
  var version = null, box = null;
  function show(errors) {
    if (!box) {
      box = document.createElement("pre");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;margin:0;padding:1em;background:#3b0d0d;color:#fff;font:13px/1.4 monospace;z-index:1000;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "remedy: the last build failed; showing the previous one.\n\n" + errors;
  }
  function poll() {
    fetch("/__remedy/status", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      if (version !== null && s.version !== version) { location.reload(); return; }
      version = s.version;
      if (s.errors) show(s.errors); else if (box) { box.remove(); box = null; }
    }).catch(function () {}).then(function () { setTimeout(poll, 700); });
  }
  poll();
})();
</script>
"#;

fn inject_reload(bytes: Vec<u8>) -> Vec<u8> {
    let Ok(text) = String::from_utf8(bytes) else {
        return Vec::new();
    };
    match text.rfind("</body>") {
        Some(i) => {
            let mut s = String::with_capacity(text.len() + RELOAD.len());
            s.push_str(&text[..i]);
            s.push_str(RELOAD);
            s.push_str(&text[i..]);
            s.into_bytes()
        }
        None => text.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_resolve_inside_the_site_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("codes/429")).unwrap();
        std::fs::write(dir.path().join("codes/429/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("a b.txt"), "x").unwrap();
        assert_eq!(
            resolve(dir.path(), "/codes/429/"),
            Some(dir.path().join("codes/429/index.html"))
        );
        assert_eq!(
            resolve(dir.path(), "/codes/429"),
            Some(dir.path().join("codes/429/index.html"))
        );
        assert_eq!(
            resolve(dir.path(), "/a%20b.txt"),
            Some(dir.path().join("a b.txt"))
        );
        assert_eq!(resolve(dir.path(), "/../etc/passwd"), None);
        assert_eq!(resolve(dir.path(), "/nope/"), None);
    }

    #[test]
    fn reload_script_goes_before_body_end() {
        let out = String::from_utf8(inject_reload(
            b"<html><body><p>x</p></body></html>".to_vec(),
        ))
        .unwrap();
        assert!(out.contains("<p>x</p><script>"));
        assert!(out.ends_with("</script>\n</body></html>"));
    }

    #[test]
    fn outputs_and_dotfiles_do_not_trigger_builds() {
        let root = Path::new("/p");
        assert!(ignored(root, Path::new("/p/public/index.html")));
        assert!(ignored(root, Path::new("/p/.git/index")));
        assert!(ignored(root, Path::new("/p/content/a.md~")));
        assert!(!ignored(root, Path::new("/p/content/a.md")));
        assert!(!ignored(root, Path::new("/p/book.toml")));
    }
}
