//! `remedy serve`: build, serve on localhost, rebuild on every change, and
//! reload the reader's page.
//!
//! The site is built into a temporary folder (never the project's `public/`)
//! with the site URL set to the local address, served by [`http`] (the same
//! server the tests use), and rebuilt when notify reports a change under
//! the project folder. Pages get a small script listening to
//! `/__remedy/events` (server-sent events): a new build version reloads the
//! page, and a failed build shows its errors over the last good site, which
//! stays served until the next good build.

pub mod http;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

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
    let tmp = tempfile::Builder::new()
        .prefix("remedy-serve-")
        .tempdir()
        .map_err(|e| Diagnostic::error(format!("cannot create a temporary folder: {e}")))?;
    let out = tmp.path().join("site");
    let (status, live) = tokio::sync::watch::channel(http::Status::default());
    let server = http::SiteServer::start(&out, opts.addr, Some(live)).map_err(|e| {
        Diagnostic::error(format!("cannot listen on {}: {e}", opts.addr))
            .with_help("pick another --port")
    })?;
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        overrides: Overrides {
            output: Some(out.clone()),
            site_url: Some(format!("http://{}/", server.addr())),
            drafts: opts.drafts,
            skip_preprocessors: Vec::new(),
        },
        write: true,
    };
    let rebuild = |log: &mut dyn std::io::Write| {
        let result = build(&build_opts);
        match result {
            Ok(report) => {
                status.send_modify(|s| {
                    s.version += 1;
                    s.errors = None;
                });
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
                status.send_modify(|s| s.errors = Some(text.join("\n")));
            }
        }
    };
    rebuild(log);

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| Diagnostic::error(format!("cannot watch for changes: {e}")))?;
    watcher
        .watch(&opts.root, RecursiveMode::Recursive)
        .map_err(|e| Diagnostic::error(format!("cannot watch {}: {e}", opts.root.display())))?;
    ready(server.addr());
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
  // EventSource reconnects by itself when the server restarts.
  new EventSource("/__remedy/events").onmessage = function (e) {
    var s = JSON.parse(e.data);
    if (version !== null && s.version !== version) { location.reload(); return; }
    version = s.version;
    if (s.errors) show(s.errors); else if (box) { box.remove(); box = null; }
  };
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
