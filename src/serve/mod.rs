//! `remedy serve`: build, serve on localhost, rebuild on every change, and
//! reload the reader's page. Compiled with the `serve` feature (on by
//! default): a library user who only builds sites needs no tokio or axum.
//!
//! The site is built into a folder the caller names (the command line
//! picks a temporary one, never the project's `public/`) with the site URL set to the local address, served by [`http`] (the same
//! server the tests use), and rebuilt when notify reports a change under
//! the project folder. Pages get a small script listening to
//! `/__remedy/events` (server-sent events): a new build version reloads the
//! page, and a failed build shows its errors over the last good site, which
//! stays served until the next good build.

pub mod http;
mod index;
mod live;
mod session;

pub use index::SearchJob;
pub use session::{Changes, Session};

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::watch;

use crate::config::Overrides;
use crate::diagnostics::{Diagnostic, Failure};
use crate::site::{BuildOptions, BuildReport};

/// Editors save in several steps (truncate and write, or write a temporary
/// file and rename it): a build starts once the folder has been quiet
/// this long.
const QUIET: Duration = Duration::from_millis(25);

/// The search index is rebuilt once the author has paused this long, so
/// that typing and saving is never slowed by indexing.
const SEARCH_AFTER: Duration = Duration::from_millis(400);

/// Where to serve and what.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The project folder.
    pub root: PathBuf,
    /// Address to listen on; port 0 picks a free one.
    pub addr: SocketAddr,
    /// Build drafts too.
    pub drafts: bool,
    /// The folder to build into and serve.
    pub output: PathBuf,
}

/// What happened, for the caller to show: the library prints nothing.
pub enum Event<'a> {
    /// The first build is done and the site is served at this address.
    Ready(SocketAddr),
    /// A build succeeded; the pages reload.
    Built(&'a BuildReport),
    /// A build failed: its diagnostics, shown over the last good build,
    /// which stays served.
    Failed(&'a [Diagnostic]),
    /// The search index of a build could not be written.
    IndexFailed(&'a Diagnostic),
}

/// Where events go; called from the serving thread and the indexing thread.
pub type Events = Arc<dyn Fn(Event<'_>) + Send + Sync>;

/// Paths under the project that never trigger a rebuild: build outputs,
/// version control, editor droppings.
fn ignored(root: &Path, out: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return true;
    };
    rel.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        crate::content::is_ignored(&name) || name == "target" || name == "node_modules"
    }) || rel.starts_with("public")
        || path.starts_with(out)
}

/// Serves until the watcher stops. Every build, failure and the address
/// served go to `events` (tests read the address from there; the command
/// line prints it).
pub fn serve(opts: &ServeOptions, events: Events) -> Result<(), Failure> {
    let root = std::path::absolute(&opts.root).unwrap_or_else(|_| opts.root.clone());
    let out = std::path::absolute(&opts.output).unwrap_or_else(|_| opts.output.clone());
    // A build killed mid-commit left the folder part old, part new: it is
    // finished before the server shows it to anyone.
    crate::output::recover(&out).map_err(|e| {
        Diagnostic::error(format!(
            "cannot finish the interrupted build of {}: {e}",
            out.display()
        ))
    })?;
    let (status, live) = watch::channel(http::Status::default());
    let status = Arc::new(status);
    let server = http::SiteServer::start(&out, opts.addr, Some(live)).map_err(|e| {
        Diagnostic::error(format!("cannot listen on {}: {e}", opts.addr))
            .with_help("pick another --port")
    })?;
    let mut session = Session::new(BuildOptions {
        root: root.clone(),
        overrides: Overrides {
            output: Some(out.clone()),
            site_url: Some(format!("http://{}/", server.addr())),
            drafts: opts.drafts,
            skip_preprocessors: Vec::new(),
            write_sources: true,
        },
        write: true,
    });
    rebuild(&mut session, &Changes::Everything, &status, &*events);

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| Diagnostic::error(format!("cannot watch for changes: {e}")))?;
    watcher
        .watch(&root, RecursiveMode::Recursive)
        .map_err(|e| Diagnostic::error(format!("cannot watch {}: {e}", root.display())))?;
    events(Event::Ready(server.addr()));
    let mut indexing: Option<Indexing> = None;
    loop {
        // Index once the author pauses, unless this build was indexed
        // already (or its indexing failed, which was reported).
        let due = session
            .search_job()
            .filter(|job| indexing.as_ref().is_none_or(|i| i.build != job.build()));
        let wait = if due.is_some() {
            SEARCH_AFTER
        } else {
            Duration::from_secs(3600)
        };
        let first = match rx.recv_timeout(wait) {
            Ok(event) => event,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                indexing = due.map(|job| Indexing::start(job, &status, &events));
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let mut changes = Vec::new();
        let mut everything = false;
        let mut note = |event: notify::Result<notify::Event>| match event {
            Ok(e) if e.kind.is_access() => {}
            Ok(e) => {
                everything |= e.need_rescan();
                changes.extend(e.paths.into_iter().filter(|p| !ignored(&root, &out, p)));
            }
            Err(_) => everything = true,
        };
        note(first);
        while let Ok(event) = rx.recv_timeout(QUIET) {
            note(event);
        }
        if changes.is_empty() && !everything {
            continue;
        }
        // A new build makes the index being built outdated: stop it.
        if let Some(i) = indexing.take() {
            i.cancel();
        }
        let changes = if everything {
            Changes::Everything
        } else {
            Changes::Files(changes)
        };
        rebuild(&mut session, &changes, &status, &*events);
    }
    Ok(())
}

/// Builds, then tells the pages: a new version reloads them, errors are
/// shown over the last good build, which stays served. The overlay shows
/// each diagnostic as the terminal does (`Diagnostic::render`).
fn rebuild(
    session: &mut Session,
    changes: &Changes,
    status: &watch::Sender<http::Status>,
    events: &(dyn Fn(Event<'_>) + Send + Sync),
) {
    match session.build(changes) {
        Ok(report) => {
            status.send_modify(|s| {
                s.version = session.builds();
                s.indexed = session.indexed();
                s.errors = None;
            });
            events(Event::Built(&report));
        }
        Err(failure) => {
            let text = crate::diagnostics::render_all(failure.diagnostics());
            status.send_modify(|s| s.errors = Some(text));
            events(Event::Failed(failure.diagnostics()));
        }
    }
}

/// A search index being built on its own thread.
struct Indexing {
    /// The build being indexed.
    build: u64,
    stop: Arc<AtomicBool>,
}

impl Indexing {
    fn start(
        job: SearchJob,
        status: &Arc<watch::Sender<http::Status>>,
        events: &Events,
    ) -> Indexing {
        let stop = Arc::new(AtomicBool::new(false));
        let status = Arc::clone(status);
        let events = Arc::clone(events);
        let flag = Arc::clone(&stop);
        let build = job.build();
        std::thread::spawn(move || {
            // A pool of its own, one thread short of the machine: the next
            // rebuild must never queue behind indexing in the global pool.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get().max(2) - 1);
            let run = || job.run(&|| flag.load(Ordering::Relaxed));
            let result = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
                Ok(pool) => pool.install(run),
                Err(_) => run(),
            };
            match result {
                Ok(true) => status.send_modify(|s| s.indexed = s.indexed.max(build)),
                Ok(false) => {}
                Err(d) => events(Event::IndexFailed(&d)),
            }
        });
        Indexing { build, stop }
    }

    /// Asks the thread to stop; it finishes on its own and writes nothing.
    fn cancel(self) {
        self.stop.store(true, Ordering::Relaxed);
    }
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
        let out = Path::new("/p/site");
        assert!(ignored(root, out, Path::new("/p/public/index.html")));
        assert!(ignored(root, out, Path::new("/p/site/index.html")));
        assert!(ignored(root, out, Path::new("/p/.git/index")));
        assert!(ignored(root, out, Path::new("/p/content/a.md~")));
        assert!(ignored(root, out, Path::new("/p/content/.a.md.swp")));
        assert!(!ignored(root, out, Path::new("/p/content/a.md")));
        assert!(!ignored(root, out, Path::new("/p/book.toml")));
    }
}
