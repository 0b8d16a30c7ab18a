//! `remedy check --external`: every `http(s)` link of the site asked
//! about, politely. A build never does this (it would depend on the
//! network and on other people's servers); an author runs it now and then,
//! or CI on a schedule.
//!
//! Politeness and bounds, which the tests prove on a local server: each
//! URL is fetched once however often it is linked, at most `jobs`
//! requests run at once and at most `per_host` to one host, a server's
//! `Retry-After` holds back every request to its host, and the whole run
//! ends by `max_time` (plus a grace second) whatever the servers do.

mod cache;
mod collect;
mod fetch;
mod outcome;
mod pool;
mod report;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use regex::Regex;

pub use collect::{external_links, is_external, Place};
pub use outcome::{Group, Outcome};
pub use report::print;

/// How to check.
#[derive(Debug, Clone)]
pub struct Options {
    /// Requests at once, in all.
    pub jobs: usize,
    /// Requests at once to any one host.
    pub per_host: usize,
    /// Longest wait for one request.
    pub timeout: Duration,
    /// Further tries after a timeout, a failed connection, 408, 429 or 5xx.
    pub retries: u32,
    /// The first pause between tries, doubled before each next one.
    pub backoff: Duration,
    /// The longest `Retry-After` waited for.
    pub max_retry_after: Duration,
    /// The whole run's budget: nothing starts after it, nothing runs past it.
    pub max_time: Duration,
    /// The cache file and how long a fine link stays fine; `None`: no cache.
    pub cache: Option<(PathBuf, Duration)>,
    /// `(prefix, replacement)`: fetch URLs starting with `prefix` from
    /// `replacement` instead (a mirror, a staging host).
    pub remap: Vec<(String, String)>,
    /// Only URLs matching one of these (all when empty).
    pub include: Vec<Regex>,
    /// No URL matching one of these.
    pub exclude: Vec<Regex>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            jobs: 8,
            per_host: 2,
            timeout: Duration::from_secs(20),
            retries: 2,
            backoff: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(60),
            max_time: Duration::from_secs(300),
            cache: None,
            remap: Vec::new(),
            include: Vec::new(),
            exclude: Vec::new(),
        }
    }
}

/// One URL and what became of it.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The URL as written in the pages.
    pub url: String,
    /// Where it is written.
    pub places: Vec<Place>,
    /// The verdict.
    pub outcome: Outcome,
}

/// What a run found.
#[derive(Debug)]
pub struct Report {
    /// Every URL checked (or taken from the cache), sorted by URL.
    pub links: Vec<Checked>,
    /// URLs left out by `include`/`exclude`.
    pub excluded: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Problems with the cache file (never fatal).
    pub warnings: Vec<String>,
}

impl Report {
    /// The links in `group`.
    pub fn in_group(&self, group: Group) -> impl Iterator<Item = &Checked> {
        self.links
            .iter()
            .filter(move |c| c.outcome.group() == Some(group))
    }

    /// Links answered from the cache.
    pub fn cached(&self) -> usize {
        self.links
            .iter()
            .filter(|c| c.outcome == Outcome::Ok { cached: true })
            .count()
    }
}

/// The URL to fetch for `url`: the first matching `--remap` applied.
fn remapped(url: &str, remap: &[(String, String)]) -> String {
    for (from, to) in remap {
        if let Some(rest) = url.strip_prefix(from.as_str()) {
            return format!("{to}{rest}");
        }
    }
    url.to_string()
}

/// A fetched URL said back as the author would write it (a redirect's
/// target on a mirror names the mirror).
fn unmapped(url: &str, remap: &[(String, String)]) -> String {
    for (from, to) in remap {
        if let Some(rest) = url.strip_prefix(to.as_str()) {
            return format!("{from}{rest}");
        }
    }
    url.to_string()
}

/// Checks `links` (URL -> where it is written).
pub fn check(links: BTreeMap<String, Vec<Place>>, opts: &Options) -> Report {
    let started = Instant::now();
    let deadline = started + opts.max_time;
    let mut warnings = Vec::new();
    let mut cache = opts.cache.as_ref().map(|(path, _)| {
        let (cache, warning) = cache::Cache::load(path);
        if let Some(w) = warning {
            warnings.push(format!("ignoring the cache file {}: {w}", path.display()));
        }
        cache
    });
    let age = opts.cache.as_ref().map_or(Duration::ZERO, |c| c.1);
    let total = links.len();
    let wanted: Vec<(String, Vec<Place>)> = links
        .into_iter()
        .filter(|(url, _)| {
            (opts.include.is_empty() || opts.include.iter().any(|r| r.is_match(url)))
                && !opts.exclude.iter().any(|r| r.is_match(url))
        })
        .collect();
    let excluded = total - wanted.len();
    let fetched: Vec<String> = wanted
        .iter()
        .map(|(u, _)| remapped(u, &opts.remap))
        .collect();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; wanted.len()];
    // One job per page: its links with different fragments share one
    // fetch (a spec linked at forty sections is asked for once).
    let mut pages: BTreeMap<&str, pool::Job> = BTreeMap::new();
    for (i, url) in fetched.iter().enumerate() {
        if cache.as_ref().is_some_and(|c| c.is_fresh(url, age)) {
            outcomes[i] = Some(Outcome::Ok { cached: true });
            continue;
        }
        let (base, fragment) = match url.split_once('#') {
            Some((b, f)) => (b, Some(f.to_string())),
            None => (url.as_str(), None),
        };
        let job = pages.entry(base).or_insert_with(|| pool::Job {
            indices: Vec::new(),
            fragments: Vec::new(),
            url: base.to_string(),
            host: url::Url::parse(base)
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
                .unwrap_or_default(),
        });
        job.indices.push(i);
        job.fragments.push(fragment);
    }
    let jobs: Vec<pool::Job> = pages.into_values().collect();
    let mut fetcher = fetch::Fetcher::new(concat!(
        "remedy/",
        env!("CARGO_PKG_VERSION"),
        " (link checker)"
    ));
    fetcher.timeout = opts.timeout;
    fetcher.retries = opts.retries;
    fetcher.backoff = opts.backoff;
    fetcher.max_retry_after = opts.max_retry_after;
    let limits = pool::Limits {
        jobs: opts.jobs,
        per_host: opts.per_host,
        deadline,
        grace: Duration::from_secs(1),
    };
    if !jobs.is_empty() {
        let answers = pool::run(jobs, &limits, Arc::new(fetcher));
        for (slot, answer) in outcomes.iter_mut().zip(answers) {
            if answer.is_some() {
                *slot = answer;
            }
        }
    }
    if offline(&outcomes, &fetched) {
        for o in outcomes.iter_mut().flatten() {
            if matches!(o, Outcome::Dead { why } if why == fetch::NO_SUCH_HOST) {
                *o = Outcome::Error {
                    why: "DNS: no such host, but no host name of this run resolved: is this machine offline?".into(),
                };
            }
        }
    }
    let mut checked = Vec::with_capacity(wanted.len());
    for (((url, places), outcome), fetched) in wanted.into_iter().zip(outcomes).zip(&fetched) {
        let outcome = match outcome {
            Some(Outcome::Moved { code, to }) => Outcome::Moved {
                code,
                to: unmapped(&to, &opts.remap),
            },
            Some(o) => o,
            None => Outcome::Timeout {
                why: format!(
                    "not checked: the run's time budget (--max-time {} s) ran out",
                    opts.max_time.as_secs()
                ),
            },
        };
        if let Some(c) = cache.as_mut() {
            match outcome {
                Outcome::Ok { cached: true } => {}
                Outcome::Ok { cached: false } => c.fine(fetched),
                _ => c.broken(fetched),
            }
        }
        checked.push(Checked {
            url,
            places,
            outcome,
        });
    }
    if let Some((c, path)) = cache.as_mut().zip(opts.cache.as_ref().map(|c| &c.0)) {
        if let Err(e) = c.save() {
            warnings.push(format!(
                "cannot write the cache file {}: {e}",
                path.display()
            ));
        }
    }
    Report {
        links: checked,
        excluded,
        elapsed: started.elapsed(),
        warnings,
    }
}

/// Whether the names that failed to resolve say more about this machine
/// than about the links: on a machine without network (or resolver) every
/// name fails, and a report of every link as dead would be a lie. So
/// when not one host named by a domain answered, their DNS failures are
/// errors, not dead links. `.invalid` names never resolve anywhere and
/// stay dead; hosts written as IP addresses need no lookup and say
/// nothing either way.
fn offline(outcomes: &[Option<Outcome>], fetched: &[String]) -> bool {
    let named = |url: &str| {
        url::Url::parse(url).ok().is_some_and(|u| {
            matches!(u.host(), Some(url::Host::Domain(d))
                if d != "localhost" && d != "invalid" && !d.ends_with(".invalid"))
        })
    };
    let mut failed = false;
    for (o, url) in outcomes.iter().zip(fetched) {
        if !named(url) {
            continue;
        }
        match o {
            Some(Outcome::Dead { why }) if why == fetch::NO_SUCH_HOST => failed = true,
            Some(Outcome::Ok { cached: false })
            | Some(Outcome::Dead { .. })
            | Some(Outcome::Moved { .. })
            | Some(Outcome::Blocked { .. })
            | Some(Outcome::Anchor { .. }) => return false,
            _ => {}
        }
    }
    failed
}

/// Parses `--cache-age`: `90s`, `30m`, `12h`, `7d` (a bare number is seconds).
pub fn parse_age(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (num, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 30m, 12h or 7d"))?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{text}`: the unit is s, m, h or d")),
    };
    Ok(Duration::from_secs(n.saturating_mul(secs)))
}

/// Parses `--remap 'PREFIX REPLACEMENT'`.
pub fn parse_remap(text: &str) -> Result<(String, String), String> {
    let mut parts = text.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(from), Some(to), None) if is_external(from) && is_external(to) => {
            Ok((from.to_string(), to.to_string()))
        }
        _ => Err(format!(
            "`{text}`: write two URL prefixes separated by a space, e.g. 'https://docs.example.com/ http://127.0.0.1:8000/docs/'"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_remaps_parse() {
        assert_eq!(parse_age("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_age("12h"), Ok(Duration::from_secs(43_200)));
        assert_eq!(parse_age("7d"), Ok(Duration::from_secs(604_800)));
        assert!(parse_age("7w").is_err());
        assert!(parse_age("d").is_err());
        let r = parse_remap("https://a.org/ http://127.0.0.1:9/a/").unwrap();
        assert_eq!(
            remapped("https://a.org/x#y", std::slice::from_ref(&r)),
            "http://127.0.0.1:9/a/x#y"
        );
        assert_eq!(unmapped("http://127.0.0.1:9/a/z", &[r]), "https://a.org/z");
        assert!(parse_remap("https://a.org/").is_err());
    }

    #[test]
    fn names_that_all_fail_to_resolve_mean_offline() {
        let dns = || {
            Some(Outcome::Dead {
                why: fetch::NO_SUCH_HOST.into(),
            })
        };
        let ok = || Some(Outcome::Ok { cached: false });
        let urls = |u: &[&str]| u.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let two = urls(&["https://a.example/", "https://b.example/"]);
        assert!(offline(&[dns(), dns()], &two));
        assert!(!offline(&[dns(), ok()], &two));
        // A mirror on an IP address answering says nothing about DNS.
        let mirror = urls(&["https://a.example/", "http://127.0.0.1:8/x"]);
        assert!(offline(&[dns(), ok()], &mirror));
        // `.invalid` never resolves: no sign of being offline.
        let invalid = urls(&["https://x.invalid/", "http://127.0.0.1:8/x"]);
        assert!(!offline(&[dns(), ok()], &invalid));
        assert!(!offline(&[ok(), ok()], &two));
    }
}
