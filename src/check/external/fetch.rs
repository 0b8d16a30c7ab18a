//! Checking one URL: following redirects by hand (a permanent one is news
//! for the author, a temporary one is not), retrying what may pass on a
//! second try, and reading an HTML body only when a `#fragment` must be
//! found in it.

use std::io::Read;
use std::sync::LazyLock;
use std::time::{Duration, Instant, SystemTime};

use regex::Regex;
use url::Url;

use super::outcome::Outcome;

/// Why a link whose host does not resolve is dead.
pub const NO_SUCH_HOST: &str = "DNS: no such host";

/// Redirects followed before giving up on a chain.
const MAX_REDIRECTS: usize = 10;

/// The most of an HTML body read to look for an anchor: enough for any
/// documentation page, not enough to be a burden if a link points at a
/// huge file served as HTML.
const MAX_BODY: u64 = 8 << 20;

/// How one link is fetched (the parts of the options the fetcher needs).
pub struct Fetcher {
    agent: ureq::Agent,
    /// Longest wait for one request (connection, headers and body).
    pub timeout: Duration,
    /// Further tries after a timeout, a refused connection, 408, 429 or 5xx.
    pub retries: u32,
    /// The first pause between tries; doubled before each next one.
    pub backoff: Duration,
    /// The longest `Retry-After` honoured; a server that asks for more
    /// is listed as blocked instead of being waited for.
    pub max_retry_after: Duration,
}

/// One try's result: final, or worth another try after a pause (the one
/// the server asked for, if it did).
enum Attempt {
    Done(Answer),
    Retry {
        outcome: Outcome,
        asked: Option<Duration>,
    },
}

/// What the page (the URL without its fragment) answered.
enum Answer {
    /// One verdict for every fragment: dead, blocked, an error...
    Same(Outcome),
    /// The page answered 2xx at `url`, after a permanent redirect if
    /// `moved` says so; `body` is its HTML when a fragment must be found.
    Page {
        url: Url,
        moved: Option<u16>,
        body: Option<String>,
    },
}

impl Answer {
    /// The verdict on the link to `fragment` (none: the page itself).
    fn for_fragment(&self, fragment: Option<&str>) -> Outcome {
        match self {
            Answer::Same(o) => o.clone(),
            Answer::Page {
                url,
                moved: Some(code),
                ..
            } => Outcome::Moved {
                code: *code,
                to: match fragment {
                    Some(f) => format!("{url}#{f}"),
                    None => url.to_string(),
                },
            },
            Answer::Page { url, body, .. } => match (fragment, body) {
                (Some(f), Some(html)) if needs_lookup(f, url) => anchor(html, f),
                _ => Outcome::Ok { cached: false },
            },
        }
    }
}

/// `Attempt::Done` with one verdict for every fragment.
fn done(outcome: Outcome) -> Attempt {
    Attempt::Done(Answer::Same(outcome))
}

impl Fetcher {
    /// A fetcher that answers to no redirect and no status by itself.
    pub fn new(user_agent: &str) -> Fetcher {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(user_agent)
            .accept("text/html,application/xhtml+xml,*/*;q=0.8")
            .build()
            .into();
        Fetcher {
            agent,
            timeout: Duration::from_secs(20),
            retries: 2,
            backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
        }
    }

    /// Checks the page `base` (a URL without fragment) once, and the
    /// links to it with each of `fragments` (`None`: no fragment) against
    /// what it answered, finishing by `deadline` whatever the server does.
    /// `pause` is told when the server asked for a wait, so the rest of the
    /// run leaves its host alone until then too.
    pub fn check(
        &self,
        base: &str,
        fragments: &[Option<String>],
        deadline: Instant,
        pause: &dyn Fn(Instant),
    ) -> Vec<Outcome> {
        let answer = self.answer(base, fragments, deadline, pause);
        fragments
            .iter()
            .map(|f| answer.for_fragment(f.as_deref()))
            .collect()
    }

    fn answer(
        &self,
        base: &str,
        fragments: &[Option<String>],
        deadline: Instant,
        pause: &dyn Fn(Instant),
    ) -> Answer {
        let parsed = match Url::parse(base) {
            Ok(u) => u,
            Err(e) => {
                return Answer::Same(Outcome::Error {
                    why: format!("not a valid URL: {e}"),
                })
            }
        };
        let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
        // RFC 6761: `.invalid` names never resolve; no need to ask.
        if host == "invalid" || host.ends_with(".invalid") {
            return Answer::Same(Outcome::Dead {
                why: NO_SUCH_HOST.into(),
            });
        }
        let lookup = fragments.iter().flatten().any(|f| needs_lookup(f, &parsed));
        let mut tries = 0;
        loop {
            let (outcome, asked) = match self.attempt(&parsed, lookup, deadline) {
                Attempt::Done(a) => return a,
                Attempt::Retry { outcome, asked } => (outcome, asked),
            };
            if tries >= self.retries {
                return Answer::Same(outcome);
            }
            let wait = match asked {
                Some(d) if d > self.max_retry_after => {
                    return Answer::Same(with_note(
                        outcome,
                        &format!(
                            "asks to retry after {} s, more than the {} s allowed",
                            d.as_secs(),
                            self.max_retry_after.as_secs()
                        ),
                    ))
                }
                Some(d) => d,
                None => self.backoff.saturating_mul(1 << tries.min(16)),
            };
            let now = Instant::now();
            if now + wait >= deadline {
                return Answer::Same(with_note(outcome, "no time left in the run to retry"));
            }
            if asked.is_some() {
                pause(now + wait);
            }
            std::thread::sleep(wait);
            tries += 1;
        }
    }

    /// One try: the request and the redirects after it; `lookup`: read
    /// the body of an HTML page, a fragment must be found in it.
    fn attempt(&self, start: &Url, lookup: bool, deadline: Instant) -> Attempt {
        let mut url = start.clone();
        let mut permanent = None;
        for hop in 0..=MAX_REDIRECTS {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return done(Outcome::Timeout {
                    why: "the run's time budget (--max-time) ran out".into(),
                });
            }
            let response = self
                .agent
                .get(url.as_str())
                .config()
                .timeout_global(Some(self.timeout.min(left)))
                .build()
                .call();
            let mut response = match response {
                Ok(r) => r,
                Err(e) => return self.failed(e),
            };
            let code = response.status().as_u16();
            if (300..400).contains(&code) && code != 304 {
                let Some(next) = response
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| url.join(l.trim()).ok())
                else {
                    return done(Outcome::Error {
                        why: format!("{} without a usable Location", status_text(code)),
                    });
                };
                if hop == 0 && (code == 301 || code == 308) {
                    permanent = Some(code);
                }
                url = next;
                continue;
            }
            let asked = retry_after(response.headers());
            return match code {
                200..=299 => {
                    if permanent.is_some() || !lookup || !is_html(response.headers()) {
                        return Attempt::Done(Answer::Page {
                            url,
                            moved: permanent,
                            body: None,
                        });
                    }
                    let mut body = Vec::new();
                    let read = response
                        .body_mut()
                        .as_reader()
                        .take(MAX_BODY)
                        .read_to_end(&mut body);
                    match read {
                        Ok(_) => Attempt::Done(Answer::Page {
                            url,
                            moved: None,
                            body: Some(String::from_utf8_lossy(&body).into_owned()),
                        }),
                        Err(e) => Attempt::Retry {
                            outcome: Outcome::Timeout {
                                why: format!("the page's body did not arrive: {e}"),
                            },
                            asked: None,
                        },
                    }
                }
                404 | 410 => done(Outcome::Dead {
                    why: status_text(code),
                }),
                401 | 403 => done(Outcome::Blocked {
                    code,
                    why: status_text(code),
                }),
                429 => Attempt::Retry {
                    outcome: Outcome::Blocked {
                        code,
                        why: status_text(code),
                    },
                    asked,
                },
                408 => Attempt::Retry {
                    outcome: Outcome::Timeout {
                        why: status_text(code),
                    },
                    asked,
                },
                500..=599 => Attempt::Retry {
                    outcome: Outcome::Error {
                        why: status_text(code),
                    },
                    asked,
                },
                _ => done(Outcome::Error {
                    why: status_text(code),
                }),
            };
        }
        done(Outcome::Error {
            why: format!("more than {MAX_REDIRECTS} redirects"),
        })
    }

    /// A request that got no response.
    fn failed(&self, e: ureq::Error) -> Attempt {
        let retry = |outcome| Attempt::Retry {
            outcome,
            asked: None,
        };
        match e {
            ureq::Error::HostNotFound => done(Outcome::Dead {
                why: NO_SUCH_HOST.into(),
            }),
            ureq::Error::Timeout(_) => retry(Outcome::Timeout {
                why: format!("no answer within {} s", self.timeout.as_secs()),
            }),
            ureq::Error::Io(io) => {
                let text = io.to_string();
                // std reports getaddrinfo's failures as text only.
                if text.contains("failed to lookup address") && !text.contains("Temporary failure")
                {
                    done(Outcome::Dead {
                        why: NO_SUCH_HOST.into(),
                    })
                } else if io.kind() == std::io::ErrorKind::TimedOut {
                    retry(Outcome::Timeout {
                        why: format!("no answer within {} s", self.timeout.as_secs()),
                    })
                } else {
                    retry(Outcome::Error { why: text })
                }
            }
            ureq::Error::ConnectionFailed => retry(Outcome::Error {
                why: "cannot connect".into(),
            }),
            other => done(Outcome::Error {
                why: other.to_string(),
            }),
        }
    }
}

/// `404 Not Found`.
pub fn status_text(code: u16) -> String {
    let reason = ureq::http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("{code} {reason}").trim_end().to_string()
}

/// Appends why a retry did not happen to the outcome's explanation.
fn with_note(outcome: Outcome, note: &str) -> Outcome {
    match outcome {
        Outcome::Blocked { code, why } => Outcome::Blocked {
            code,
            why: format!("{why}; {note}"),
        },
        Outcome::Timeout { why } => Outcome::Timeout {
            why: format!("{why}; {note}"),
        },
        Outcome::Error { why } => Outcome::Error {
            why: format!("{why}; {note}"),
        },
        other => other,
    }
}

/// `Retry-After` as a wait from now: delay-seconds or an HTTP date.
fn retry_after(headers: &ureq::http::HeaderMap) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn is_html(headers: &ureq::http::HeaderMap) -> bool {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("html"))
}

/// Fragments that name no element: the top of the page, a text fragment,
/// a script's route, and GitHub's line numbers (set by its script).
fn needs_lookup(fragment: &str, url: &Url) -> bool {
    static LINES: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^L\d+(C\d+)?(-L\d+(C\d+)?)?$").expect("valid regex"));
    let github = url.host_str() == Some("github.com");
    !(fragment.is_empty()
        || fragment.eq_ignore_ascii_case("top")
        || fragment.starts_with(":~:")
        || fragment.starts_with('!')
        || fragment.starts_with('/')
        || (github && LINES.is_match(fragment)))
}

/// Whether `html` has an element with id (or an `<a name>`) `fragment`.
/// GitHub prefixes the ids of rendered Markdown with `user-content-` and
/// may ship them inside JSON, with escaped quotes; both count.
fn anchor(html: &str, fragment: &str) -> Outcome {
    static IDS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)\b(?:id|name)\s*=\s*\\?["']?([^"'\\\s>]+)"#).expect("valid regex")
    });
    let wanted = percent_decode(fragment);
    let found = IDS.captures_iter(html).any(|c| {
        let id = &c[1];
        id == wanted || id.strip_prefix("user-content-") == Some(wanted.as_str())
    });
    if found {
        Outcome::Ok { cached: false }
    } else {
        Outcome::Anchor { fragment: wanted }
    }
}

/// `%C3%A9` -> `é`; anything malformed is kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_ids_names_or_github_ids() {
        let html = r#"<h2 id="section-15.5.3">x</h2><a name=old></a>
            {"html":"<h2 id=\"user-content-request-failed\">"}"#;
        for f in ["section-15.5.3", "old", "request-failed"] {
            assert_eq!(anchor(html, f), Outcome::Ok { cached: false }, "{f}");
        }
        assert_eq!(
            anchor(html, "missing"),
            Outcome::Anchor {
                fragment: "missing".into()
            }
        );
        assert_eq!(percent_decode("caf%C3%A9%2"), "café%2");
    }

    #[test]
    fn some_fragments_name_no_element() {
        let gh = Url::parse("https://github.com/a/b/blob/c/d.md").unwrap();
        let other = Url::parse("https://example.org/").unwrap();
        assert!(!needs_lookup("L10-L20", &gh));
        assert!(needs_lookup("L10-L20", &other));
        assert!(!needs_lookup(":~:text=x", &other));
        assert!(needs_lookup("usage", &gh));
    }
}
