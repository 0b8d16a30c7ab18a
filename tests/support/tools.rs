//! The programs and files some tests need but cargo cannot provide, and what
//! happens when one is missing.
//!
//! A developer without Chromium or Java still gets a green `cargo test`: the
//! tests that need them print one line saying what is missing and how to
//! install it, and stop. CI sets `REMEDY_REQUIRE_ALL=1`, which turns that same
//! situation into a failure, so a broken CI machine can never pass by
//! skipping.

use std::env;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Set to `1` to make a missing tool a test failure instead of a skip.
pub const REQUIRE_ALL: &str = "REMEDY_REQUIRE_ALL";

/// Where `npm ci --prefix tests/browser` puts the checkers.
const NODE_MODULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/node_modules");

const NPM_INSTALL: &str = "npm ci --ignore-scripts --prefix tests/browser";

/// One external program or file, and how to get it.
#[derive(Debug, Clone)]
pub struct Tool {
    /// Where it is expected (or was found).
    pub path: PathBuf,
    /// The command that installs it.
    pub install: &'static str,
}

impl Tool {
    /// Debian's Chromium; `REMEDY_CHROMIUM` points elsewhere.
    pub fn chromium() -> Tool {
        Tool {
            path: env_path("REMEDY_CHROMIUM", "/usr/bin/chromium"),
            install: "apt-get install -y chromium chromium-driver",
        }
    }

    /// Debian's chromedriver (same version as its Chromium);
    /// `REMEDY_CHROMEDRIVER` points elsewhere.
    pub fn chromedriver() -> Tool {
        Tool {
            path: env_path("REMEDY_CHROMEDRIVER", "/usr/bin/chromedriver"),
            install: "apt-get install -y chromium chromium-driver",
        }
    }

    /// A Java runtime for the Nu Html Checker, found on `PATH`.
    pub fn java() -> Tool {
        Tool {
            path: on_path("java").unwrap_or_else(|| PathBuf::from("java")),
            install: "apt-get install -y default-jre-headless",
        }
    }

    /// Node.js, found on `PATH`: runs the browser search client outside a
    /// browser for the parity test.
    pub fn node() -> Tool {
        Tool {
            path: on_path("node").unwrap_or_else(|| PathBuf::from("node")),
            install: "apt-get install -y nodejs",
        }
    }

    /// The Nu Html Checker, from the npm package `vnu-jar`.
    pub fn vnu_jar() -> Tool {
        Tool {
            path: Path::new(NODE_MODULES).join("vnu-jar/build/dist/vnu.jar"),
            install: NPM_INSTALL,
        }
    }

    /// axe-core's browser bundle, from the npm package `axe-core`.
    pub fn axe() -> Tool {
        Tool {
            path: Path::new(NODE_MODULES).join("axe-core/axe.min.js"),
            install: NPM_INSTALL,
        }
    }

    fn is_present(&self) -> bool {
        self.path.is_file()
    }
}

/// Whether `REMEDY_REQUIRE_ALL=1` is set.
pub fn require_all() -> bool {
    env::var(REQUIRE_ALL).is_ok_and(|v| v == "1")
}

/// The one line explaining why `suite` cannot run, or `None` if every tool
/// it needs is present. Only the first missing tool is named: installing it
/// and running again reveals the next, and one line stays readable.
pub fn missing(suite: &str, tools: &[Tool]) -> Option<String> {
    let tool = tools.iter().find(|t| !t.is_present())?;
    let verdict = if require_all() { "FAILED" } else { "SKIPPED" };
    let mut line = format!(
        "{verdict} {suite}: {} not found; install with: {}",
        tool.path.display(),
        tool.install
    );
    if require_all() {
        line.push_str(&format!(
            " ({REQUIRE_ALL}=1 makes a missing tool a failure)"
        ));
    }
    Some(line)
}

/// For a `#[test]`: true if the test can go on. Otherwise prints the skip
/// line and returns false, or panics when `REMEDY_REQUIRE_ALL=1`.
pub fn available(suite: &str, tools: &[Tool]) -> bool {
    match missing(suite, tools) {
        None => true,
        Some(line) if require_all() => panic!("{line}"),
        Some(line) => {
            announce(&line);
            false
        }
    }
}

/// Prints a line that `cargo test` does not swallow: the test harness only
/// captures the `print!` family, and a passing test's captured output is
/// thrown away, so a skip written with `eprintln!` would never be seen.
pub fn announce(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn env_path(var: &str, default: &str) -> PathBuf {
    env::var_os(var)
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(default), PathBuf::from)
}

fn on_path(program: &str) -> Option<PathBuf> {
    env::split_paths(&env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}
