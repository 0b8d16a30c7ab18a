//! The workers: at most `jobs` requests at once, at most `per_host` to any
//! one host, nothing started after the deadline, and the caller gets its
//! answers by the deadline plus a grace period even if a worker is stuck
//! somewhere no timeout reaches (its thread is then left behind, detached).

use std::collections::{HashMap, VecDeque};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::fetch::Fetcher;
use super::outcome::Outcome;

/// One page to fetch, for every link to it.
pub struct Job {
    /// The links' places in the caller's list, one per fragment.
    pub indices: Vec<usize>,
    /// The links' fragments (`None`: the link has none).
    pub fragments: Vec<Option<String>>,
    /// What to fetch (after `--remap`), without fragment.
    pub url: String,
    /// Its host, lowercase: the unit of the per-host limit.
    pub host: String,
}

/// Limits of one run.
pub struct Limits {
    /// Requests at once, in all.
    pub jobs: usize,
    /// Requests at once to one host.
    pub per_host: usize,
    /// No request starts after this, and none runs past it.
    pub deadline: Instant,
    /// How long after the deadline the caller still waits for answers.
    pub grace: Duration,
}

#[derive(Default)]
struct Host {
    active: usize,
    not_before: Option<Instant>,
}

struct State {
    pending: VecDeque<Job>,
    hosts: HashMap<String, Host>,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    per_host: usize,
    deadline: Instant,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next job whose host has room, waiting for one; `None` when
    /// nothing is left or the deadline has passed.
    fn next(&self) -> Option<Job> {
        let mut st = self.lock();
        loop {
            let now = Instant::now();
            if now >= self.deadline || st.pending.is_empty() {
                return None;
            }
            let free = |h: Option<&Host>| {
                h.is_none_or(|h| h.active < self.per_host && h.not_before.is_none_or(|t| t <= now))
            };
            let pick = st.pending.iter().position(|j| free(st.hosts.get(&j.host)));
            if let Some(job) = pick.and_then(|i| st.pending.remove(i)) {
                st.hosts.entry(job.host.clone()).or_default().active += 1;
                return Some(job);
            }
            // Woken when a request ends; the timeout covers waits for a
            // host's `Retry-After`.
            let wait = (self.deadline - now).min(Duration::from_millis(100));
            st = self
                .wake
                .wait_timeout(st, wait)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    fn done(&self, host: &str) {
        if let Some(h) = self.lock().hosts.get_mut(host) {
            h.active = h.active.saturating_sub(1);
        }
        self.wake.notify_all();
    }

    fn pause(&self, host: &str, until: Instant) {
        let mut st = self.lock();
        let h = st.hosts.entry(host.to_string()).or_default();
        h.not_before = Some(h.not_before.map_or(until, |t| t.max(until)));
    }
}

/// Fetches every job; the answer of the link at index `i` is at `i`, `None`
/// when its page was never asked for or did not answer in time.
pub fn run(jobs: Vec<Job>, limits: &Limits, fetcher: Arc<Fetcher>) -> Vec<Option<Outcome>> {
    let n = jobs
        .iter()
        .flat_map(|j| j.indices.iter().map(|i| i + 1))
        .max()
        .unwrap_or(0);
    let workers = limits.jobs.max(1).min(jobs.len());
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            pending: jobs.into(),
            hosts: HashMap::new(),
        }),
        wake: Condvar::new(),
        per_host: limits.per_host.max(1),
        deadline: limits.deadline,
    });
    let (tx, rx) = mpsc::channel::<Vec<(usize, Outcome)>>();
    for _ in 0..workers {
        let shared = Arc::clone(&shared);
        let fetcher = Arc::clone(&fetcher);
        let tx = tx.clone();
        std::thread::spawn(move || {
            while let Some(job) = shared.next() {
                let pause = |until| shared.pause(&job.host, until);
                let outcomes = fetcher.check(&job.url, &job.fragments, shared.deadline, &pause);
                shared.done(&job.host);
                let answers = job.indices.iter().copied().zip(outcomes).collect();
                if tx.send(answers).is_err() {
                    return;
                }
            }
        });
    }
    drop(tx);
    let mut out = vec![None; n];
    let end = limits.deadline + limits.grace;
    loop {
        let left = end.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(answers) => {
                for (i, outcome) in answers {
                    out[i] = Some(outcome);
                }
            }
            // Every worker is done, or the time is up.
            Err(_) => break,
        }
    }
    out
}
