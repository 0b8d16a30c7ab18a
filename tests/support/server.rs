//! The tests serve a built site with `remedy serve`'s own server
//! ([`remedy::serve::http::SiteServer`]) on `127.0.0.1:0`, so what the
//! browser tests see is what authors see: `index.html` for a folder, a 301
//! from `/folder` to `/folder/`, and `404.html` with status 404.
//!
//! It is started and stopped by the tests themselves, so nothing outlives a
//! test run and no fixed port can clash with another run.

use std::net::SocketAddr;
use std::path::Path;

use remedy::serve::http::SiteServer;

/// A running server; stopped on drop.
pub struct StaticServer {
    server: SiteServer,
    /// A copy of the root with its symbolic links resolved, when it has any.
    _copy: Option<tempfile::TempDir>,
}

impl StaticServer {
    /// Serves `root` on an ephemeral loopback port.
    ///
    /// The server never follows a symbolic link out of its root, so a root
    /// that mounts a site through a link (`root/kb -> site`, to test a
    /// sub-path) is served from a copy with the links resolved.
    pub fn start(root: &Path) -> std::io::Result<StaticServer> {
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        let has_links = std::fs::read_dir(root)?
            .filter_map(Result::ok)
            .any(|e| e.file_type().is_ok_and(|t| t.is_symlink()));
        let copy = if has_links {
            let dir = tempfile::tempdir()?;
            for entry in walkdir::WalkDir::new(root).follow_links(true) {
                let entry = entry.map_err(std::io::Error::other)?;
                let rel = entry
                    .path()
                    .strip_prefix(root)
                    .map_err(std::io::Error::other)?;
                let to = dir.path().join(rel);
                if entry.file_type().is_dir() {
                    std::fs::create_dir_all(&to)?;
                } else {
                    std::fs::copy(entry.path(), &to)?;
                }
            }
            Some(dir)
        } else {
            None
        };
        let served = copy.as_ref().map_or(root, |d| d.path());
        Ok(StaticServer {
            server: SiteServer::start(served, addr, None)?,
            _copy: copy,
        })
    }

    /// `http://127.0.0.1:PORT` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// The socket address, for tests that speak HTTP themselves.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }
}
