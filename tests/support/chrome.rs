//! Debian's Chromium, headless, driven over WebDriver by fantoccini through
//! Debian's chromedriver.
//!
//! One chromedriver serves a whole test binary; each test opens its own
//! session, which is its own Chromium with a fresh profile, so tests cannot
//! see each other's localStorage or permissions. Nothing here downloads a
//! browser: chromedriver is told which binary to start.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _};
use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// Chromium's flags. The networking ones keep it from calling Google's
/// services, which this machine's closed network refuses many times a
/// second; the window size fixes the layout (desktop, sidebar visible) and
/// the size of the screenshots.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
];

/// How long chromedriver may take to say which port it listens on. A setup
/// limit, so a broken driver fails the run instead of hanging it.
const DRIVER_START: Duration = Duration::from_secs(30);

/// How long [`Tab::wait_for`] keeps asking before giving up. Generous: it
/// bounds a hang, it does not measure speed.
const WAIT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(50);

/// A running chromedriver; shut down (with its browsers) on drop.
pub struct ChromeDriver {
    child: Mutex<Child>,
    port: u16,
    chromium: PathBuf,
}

impl ChromeDriver {
    /// Starts `chromedriver` on an ephemeral port of 127.0.0.1, for
    /// sessions of the Chromium at `chromium`.
    pub fn start(chromedriver: &Path, chromium: &Path) -> anyhow::Result<ChromeDriver> {
        let mut child = Command::new(chromedriver)
            // Port 0: chromedriver picks a free port and prints it.
            .args(["--port=0", "--log-level=WARNING"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", chromedriver.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref() {
                let Ok(line) = line else { break };
                if let Some(port) = started_on(&line) {
                    let _ = tx.send(port);
                    break;
                }
            }
            // Keep draining: a full pipe would block chromedriver.
            for _ in lines {}
        });
        match rx.recv_timeout(DRIVER_START) {
            Ok(port) => Ok(ChromeDriver {
                child: Mutex::new(child),
                port,
                chromium: chromium.to_path_buf(),
            }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                bail!(
                    "{} did not report a port within {DRIVER_START:?}",
                    chromedriver.display()
                )
            }
        }
    }

    /// Opens a new browser with an empty profile; `base` is the URL that
    /// [`Tab::open`] paths are relative to.
    pub async fn session(&self, base: &str) -> anyhow::Result<Session> {
        self.session_with(base, true).await
    }

    /// Like [`ChromeDriver::session`]; with `javascript` false, pages run
    /// no script (WebDriver's own commands still work), for testing what
    /// a reader with JavaScript off gets.
    pub async fn session_with(&self, base: &str, javascript: bool) -> anyhow::Result<Session> {
        let profile = tempfile::Builder::new()
            .prefix("remedy-chromium-")
            .tempdir()
            .context("create a profile folder for Chromium")?;
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        if !javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
        }
        let caps: Capabilities = serde_json::from_value(json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": self.chromium,
                "args": args,
            },
        }))
        .expect("capabilities are a JSON object");
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}/", self.port))
            .await
            .context("chromedriver could not start a Chromium session")?;
        Ok(Session {
            tab: Tab {
                client,
                base: base.trim_end_matches('/').to_string(),
            },
            _profile: profile,
        })
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // `/shutdown` makes chromedriver quit any browser still open (a test
        // that panicked before closing its session); kill is the fallback.
        let _ = http_get(self.port, "/shutdown");
        let child = self.child.get_mut().unwrap_or_else(|e| e.into_inner());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(POLL);
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// `ChromeDriver was started successfully on port 43251.` -> 43251.
fn started_on(line: &str) -> Option<u16> {
    let rest = line.split("started successfully on port ").nth(1)?;
    rest.trim_end_matches('.').trim().parse().ok()
}

/// A plain HTTP/1.0 GET on loopback: status code and body.
pub fn http_get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {response:.80}")))?;
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Ok((status, body.to_string()))
}

/// One browser: a tab and the profile folder it writes to.
pub struct Session {
    tab: Tab,
    _profile: tempfile::TempDir,
}

impl Session {
    /// A handle on the browser's tab; cheap to clone.
    pub fn tab(&self) -> Tab {
        self.tab.clone()
    }

    /// Quits the browser, then deletes its profile.
    pub async fn close(self) -> anyhow::Result<()> {
        self.tab.client.close().await.context("close the browser")
    }
}

/// The browser tab of a session, with the few reader-level operations the
/// tests need. Errors name the CSS selector or script that failed.
#[derive(Clone)]
pub struct Tab {
    /// The WebDriver client, for anything not wrapped here.
    pub client: Client,
    base: String,
}

impl Tab {
    /// The absolute URL of a site path (`/providers/stripe/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Loads a site path and waits for the load event (deferred scripts
    /// have run by then).
    pub async fn open(&self, path: &str) -> anyhow::Result<()> {
        self.client
            .goto(&self.url(path))
            .await
            .with_context(|| format!("open {path}"))
    }

    /// The browser's back button.
    pub async fn back(&self) -> anyhow::Result<()> {
        self.client.back().await.context("go back")
    }

    /// The path (and fragment) of the current URL.
    pub async fn path(&self) -> anyhow::Result<String> {
        let url = self.client.current_url().await?;
        let mut path = url.path().to_string();
        if let Some(fragment) = url.fragment() {
            path.push('#');
            path.push_str(fragment);
        }
        Ok(path)
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and
    /// converts what it returns.
    pub async fn js<T: DeserializeOwned>(
        &self,
        script: &str,
        args: Vec<Value>,
    ) -> anyhow::Result<T> {
        let value = self
            .client
            .execute(script, args)
            .await
            .with_context(|| format!("run script: {script}"))?;
        serde_json::from_value(value.clone())
            .with_context(|| format!("unexpected result {value} of script: {script}"))
    }

    /// Polls `script` (with `args`, as for [`Tab::js`]) until it returns
    /// something other than `null` or `false`, and returns that. Fails after
    /// [`WAIT`] naming `what`.
    pub async fn wait_for<T: DeserializeOwned>(
        &self,
        what: &str,
        script: &str,
        args: Vec<Value>,
    ) -> anyhow::Result<T> {
        let deadline = Instant::now() + WAIT;
        loop {
            let value: Value = self.js(script, args.clone()).await?;
            if !matches!(value, Value::Null | Value::Bool(false)) {
                return serde_json::from_value(value.clone()).with_context(|| {
                    format!("unexpected result {value} while waiting for {what}")
                });
            }
            if Instant::now() > deadline {
                bail!("gave up waiting for {what} (script: {script})");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Clicks the first element matching `css`, as a reader would: after
    /// scrolling it to the middle of the screen. WebDriver scrolls by itself,
    /// but the theme's smooth scrolling means the element is still on its
    /// way when the click lands, and the sticky header can cover it.
    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let element = self
            .client
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("find `{css}`"))?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})",
                vec![serde_json::to_value(&element)?],
            )
            .await
            .with_context(|| format!("scroll to `{css}`"))?;
        element
            .click()
            .await
            .with_context(|| format!("click `{css}`"))
    }

    /// The rendered text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> anyhow::Result<String> {
        self.client
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("find `{css}`"))?
            .text()
            .await
            .with_context(|| format!("text of `{css}`"))
    }

    /// An attribute of the first element matching `css` (`None` if unset).
    pub async fn attr(&self, css: &str, name: &str) -> anyhow::Result<Option<String>> {
        self.client
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("find `{css}`"))?
            .attr(name)
            .await
            .with_context(|| format!("attribute {name} of `{css}`"))
    }

    /// How many elements match `css`.
    pub async fn count(&self, css: &str) -> anyhow::Result<usize> {
        Ok(self
            .client
            .find_all(Locator::Css(css))
            .await
            .with_context(|| format!("find all `{css}`"))?
            .len())
    }

    /// Whether the first element matching `css` is displayed.
    pub async fn is_displayed(&self, css: &str) -> anyhow::Result<bool> {
        self.client
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("find `{css}`"))?
            .is_displayed()
            .await
            .with_context(|| format!("is `{css}` displayed"))
    }

    /// Types `text` into the first element matching `css`, a key at a time.
    pub async fn type_into(&self, css: &str, text: &str) -> anyhow::Result<()> {
        self.client
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("find `{css}`"))?
            .send_keys(text)
            .await
            .with_context(|| format!("type {text:?} into `{css}`"))
    }

    /// Presses each key of `keys` (characters, or `fantoccini::key::Key`
    /// codes) down and up, on whatever has focus: unlike
    /// [`Tab::type_into`], this reaches the page's own shortcuts.
    pub async fn press(&self, keys: &str) -> anyhow::Result<()> {
        let mut actions = KeyActions::new("keyboard".into());
        for value in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value })
                .then(KeyAction::Up { value });
        }
        self.client
            .perform_actions(actions)
            .await
            .with_context(|| format!("press {keys:?}"))
    }

    /// Saves a PNG of the viewport to `path` (creating its folder).
    pub async fn screenshot(&self, path: &Path) -> anyhow::Result<()> {
        let png = self
            .client
            .screenshot()
            .await
            .context("take a screenshot")?;
        if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
            bail!("the screenshot for {} is not a PNG", path.display());
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
        }
        std::fs::write(path, png).with_context(|| format!("write {}", path.display()))
    }

    /// Grants a permission (`clipboard-read`, ...) to the current page's
    /// origin, through chromedriver's WebDriver permissions extension:
    /// headless Chromium cannot show a prompt, so it would deny it.
    pub async fn grant(&self, permission: &'static str) -> anyhow::Result<()> {
        self.client
            .issue_cmd(SetPermission {
                name: permission,
                state: "granted",
            })
            .await
            .map(drop)
            .map_err(|e| anyhow!("grant {permission}: {e}"))
    }
}

/// `POST /session/{id}/permissions` (W3C Permissions, "Set Permission").
#[derive(Debug)]
struct SetPermission {
    name: &'static str,
    state: &'static str,
}

impl WebDriverCompatibleCommand for SetPermission {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/permissions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "descriptor": { "name": self.name }, "state": self.state });
        (http::Method::POST, Some(body.to_string()))
    }
}
