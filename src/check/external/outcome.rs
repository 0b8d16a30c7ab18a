//! What checking one link found, and the group the report files it under.

use serde::{Deserialize, Serialize};

/// The verdict on one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    /// It answered 2xx (after temporary redirects), and its `#fragment`,
    /// if any, is an id of the page.
    Ok {
        /// Taken from the cache file, not fetched in this run.
        cached: bool,
    },
    /// 404, 410, or no such host: the source is gone.
    Dead {
        /// `404 Not Found`, `no such host`.
        why: String,
    },
    /// A permanent redirect (301, 308) to a page that answers: link that one.
    Moved {
        /// The first redirect's status.
        code: u16,
        /// Where the redirects end, as the author should write it.
        to: String,
    },
    /// 401, 403, 429: the server would not say (a login, a bot wall, a
    /// rate limit that outlasted the wait); listed, not failed.
    Blocked {
        /// The status.
        code: u16,
        /// What the server said, e.g. how long it asked to wait.
        why: String,
    },
    /// No answer within the time allowed, or never asked because the
    /// run's time budget ran out.
    Timeout {
        /// What took too long.
        why: String,
    },
    /// The page answers but has no element with this id.
    Anchor {
        /// The fragment, decoded.
        fragment: String,
    },
    /// Anything else: 5xx after retries, other 4xx, TLS or connection errors.
    Error {
        /// What went wrong.
        why: String,
    },
}

/// The report's groups, in the order it prints them; also the values of
/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// [`Outcome::Dead`].
    Dead,
    /// [`Outcome::Moved`].
    Moved,
    /// [`Outcome::Blocked`].
    Blocked,
    /// [`Outcome::Timeout`].
    Timeout,
    /// [`Outcome::Anchor`].
    Anchor,
    /// [`Outcome::Error`].
    Error,
}

impl Group {
    /// Every group, in report order.
    pub const ALL: [Group; 6] = [
        Group::Dead,
        Group::Moved,
        Group::Blocked,
        Group::Timeout,
        Group::Anchor,
        Group::Error,
    ];

    /// The group's heading in the report and its name for `--fail-on`.
    pub fn name(self) -> &'static str {
        match self {
            Group::Dead => "dead",
            Group::Moved => "moved",
            Group::Blocked => "blocked",
            Group::Timeout => "timeout",
            Group::Anchor => "anchor",
            Group::Error => "error",
        }
    }

    /// The group named `name` (as `--fail-on` takes it).
    pub fn parse(name: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.name() == name)
    }
}

impl Outcome {
    /// The report group, `None` for a link that is fine.
    pub fn group(&self) -> Option<Group> {
        Some(match self {
            Outcome::Ok { .. } => return None,
            Outcome::Dead { .. } => Group::Dead,
            Outcome::Moved { .. } => Group::Moved,
            Outcome::Blocked { .. } => Group::Blocked,
            Outcome::Timeout { .. } => Group::Timeout,
            Outcome::Anchor { .. } => Group::Anchor,
            Outcome::Error { .. } => Group::Error,
        })
    }
}
