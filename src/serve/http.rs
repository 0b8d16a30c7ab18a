//! The HTTP side of `remedy serve`, also used by the test suite: one
//! server, so the browser tests exercise the server authors run.
//!
//! Files come from tower-http's `ServeDir` (MIME types, HEAD, ranges,
//! `Last-Modified`), wrapped by what static hosts such as nginx and GitHub
//! Pages do and `ServeDir` does not: a 301 from `/dir` to `/dir/`, a strong
//! `ETag` answered with 304, `404.html` with status 404, gzip and brotli.
//! Every path is checked before `ServeDir` sees it, and a file is served
//! only if its real path (symbolic links resolved) is inside the root.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use tokio::sync::{oneshot, watch};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

use crate::fingerprint::Fnv64;

/// What the reload endpoints report: the page reloads when `version`
/// changes and shows `errors` over the last good build.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Status {
    /// Increases with every successful build.
    pub version: u64,
    /// The errors of the last build, when it failed.
    pub errors: Option<String>,
    /// The build whose search index is written: the index catches up
    /// with `version` a moment after the page reloads.
    pub indexed: u64,
}

/// A running server; stopped (and its thread joined) on drop.
pub struct SiteServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl SiteServer {
    /// Serves the site folder `root` on `addr` (port 0 picks a free one).
    /// With `live`, HTML pages get the reload script and `/__remedy/status`
    /// and `/__remedy/events` report builds.
    pub fn start(
        root: &Path,
        addr: SocketAddr,
        live: Option<watch::Receiver<Status>>,
    ) -> std::io::Result<SiteServer> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let app = router(root.to_path_buf(), live);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Ok(SiteServer {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address being served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Blocks until the server stops (it does not stop on its own).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SiteServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[derive(Clone)]
struct Site {
    root: Arc<PathBuf>,
}

fn router(root: PathBuf, live: Option<watch::Receiver<Status>>) -> Router {
    let site = Site {
        root: Arc::new(root.clone()),
    };
    let files = ServeDir::new(&root).append_index_html_on_directories(true);
    let mut app = Router::new();
    if let Some(rx) = live.clone() {
        app = app
            .route(
                "/__remedy/status",
                get({
                    let rx = rx.clone();
                    move || async move {
                        let body = serde_json::to_string(&*rx.borrow()).unwrap_or_default();
                        ([(header::CONTENT_TYPE, "application/json")], body)
                    }
                }),
            )
            .route("/__remedy/events", get(move || events(rx.clone())));
    }
    let app = app
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(site, guard));
    let app = if live.is_some() {
        app.layer(middleware::from_fn(inject_reload))
    } else {
        app
    };
    app.layer(CompressionLayer::new())
        .layer(middleware::from_fn(|req: Request, next: Next| async move {
            let mut res = next.run(req).await;
            // Revalidate every time: an edited page must never come from a cache.
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            res
        }))
}

/// Server-sent events: the status now, then after every build.
async fn events(rx: watch::Receiver<Status>) -> impl IntoResponse {
    let stream = futures_util::stream::unfold((rx, true), |(mut rx, first)| async move {
        if !first && rx.changed().await.is_err() {
            return None;
        }
        let status = rx.borrow_and_update().clone();
        let data = serde_json::to_string(&status).unwrap_or_default();
        Some((
            Ok::<_, Infallible>(Event::default().data(data)),
            (rx, false),
        ))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Checks the path, redirects folders to their slash, answers
/// `If-None-Match`, and hands everything else to `ServeDir`.
async fn guard(State(site): State<Site>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/__remedy/") {
        return next.run(req).await;
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let Some(file) = resolve(&site.root, &path) else {
        return not_found(&site.root);
    };
    if file.is_dir() {
        if !path.ends_with('/') {
            let query = req.uri().query().map_or(String::new(), |q| format!("?{q}"));
            return Response::builder()
                .status(StatusCode::MOVED_PERMANENTLY)
                .header(header::LOCATION, format!("{path}/{query}"))
                .body(Body::empty())
                .unwrap_or_default();
        }
        return with_etag(file.join("index.html"), &site.root, req, next).await;
    }
    with_etag(file, &site.root, req, next).await
}

async fn with_etag(file: PathBuf, root: &Path, req: Request, next: Next) -> Response {
    let Ok(bytes) = tokio::fs::read(&file).await else {
        return not_found(root);
    };
    let tag = format!("\"{}\"", Fnv64::default().update(&bytes).short());
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    if matches {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(&tag) {
            res.headers_mut().insert(header::ETAG, v);
        }
        return res;
    }
    let mut res = next.run(req).await;
    if res.status() == StatusCode::OK {
        if let Ok(v) = HeaderValue::from_str(&tag) {
            res.headers_mut().insert(header::ETAG, v);
        }
    }
    res
}

/// The file a URL path names under `root`, symbolic links resolved; `None`
/// for a malformed path, one that tries to leave the root by any means, or
/// a file that does not exist.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let root = root.canonicalize().ok()?;
    let real = root.join(relative).canonicalize().ok()?;
    real.starts_with(&root).then_some(real)
}

/// Decodes `%XX` escapes once; `None` if one is malformed or the result is
/// not UTF-8. The tests' link checker decodes URLs with it too.
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

/// The site's own 404 page, with status 404.
fn not_found(root: &Path) -> Response {
    let body = std::fs::read(root.join("404.html")).unwrap_or_else(|_| b"404 Not Found".to_vec());
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Adds the reload script to HTML responses.
async fn inject_reload(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let html = super::inject_reload(bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}
