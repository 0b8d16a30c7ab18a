//! `remedy check --external` (#23) against a loopback server that plays
//! each case (tests/support/playback.rs): the groups of the report, the
//! per-host and total limits, retries with back-off, `Retry-After`, the
//! run's time budget, the cache file, and the command's located report and
//! exit codes on a fixture site whose links are remapped to the server.
//! Nothing here touches the network: the only other host is `.invalid`,
//! which never resolves (RFC 6761) and is not asked.

mod common;
mod support;

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::Fixture;
use remedy::check::external::{check, Group, Options, Outcome, Place, Report};
use support::playback::Playback;

fn place(line: usize) -> Place {
    Place {
        file: "content/a.md".into(),
        line,
        col: 1,
    }
}

fn links(urls: &[String]) -> BTreeMap<String, Vec<Place>> {
    urls.iter()
        .enumerate()
        .map(|(i, u)| (u.clone(), vec![place(i + 1)]))
        .collect()
}

/// Quick options: short waits so a test takes seconds, no cache.
fn quick() -> Options {
    Options {
        timeout: Duration::from_secs(1),
        retries: 2,
        backoff: Duration::from_millis(50),
        max_time: Duration::from_secs(20),
        ..Options::default()
    }
}

fn outcome<'a>(report: &'a Report, url: &str) -> &'a Outcome {
    &report
        .links
        .iter()
        .find(|c| c.url == url)
        .unwrap_or_else(|| panic!("{url} is not in the report"))
        .outcome
}

#[test]
fn every_case_lands_in_its_group() {
    let server = Playback::start();
    let u = |p: &str| server.url(p);
    let urls: Vec<String> = [
        "/ok",
        "/page#here",
        "/page#old-name",
        "/page#gone",
        "/text#anything",
        "/gone-404",
        "/gone-410",
        "/old",
        "/old-308#here",
        "/temp",
        "/loop",
        "/login",
        "/forbidden",
        "/limited",
        "/flaky",
        "/broken",
        "/slow",
    ]
    .iter()
    .map(|p| u(p))
    .chain(["https://no-such-host.invalid/page".to_string()])
    .collect();
    let report = check(links(&urls), &quick());
    let ok = Outcome::Ok { cached: false };
    for p in [
        "/ok",
        "/page#here",
        "/page#old-name",
        "/text#anything",
        "/temp",
        "/flaky",
    ] {
        assert_eq!(outcome(&report, &u(p)), &ok, "{p}");
    }
    assert_eq!(
        outcome(&report, &u("/page#gone")),
        &Outcome::Anchor {
            fragment: "gone".into()
        }
    );
    for (p, why) in [("/gone-404", "404 Not Found"), ("/gone-410", "410 Gone")] {
        assert_eq!(outcome(&report, &u(p)), &Outcome::Dead { why: why.into() });
    }
    assert!(matches!(
        outcome(&report, "https://no-such-host.invalid/page"),
        Outcome::Dead { why } if why.contains("DNS")
    ));
    // A permanent redirect names where to link now, fragment kept.
    assert_eq!(
        outcome(&report, &u("/old")),
        &Outcome::Moved {
            code: 301,
            to: u("/new")
        }
    );
    assert_eq!(
        outcome(&report, &u("/old-308#here")),
        &Outcome::Moved {
            code: 308,
            to: u("/also-ok#here")
        }
    );
    for (p, code) in [("/login", 401), ("/forbidden", 403), ("/limited", 429)] {
        assert!(
            matches!(outcome(&report, &u(p)), Outcome::Blocked { code: c, .. } if *c == code),
            "{p}: {:?}",
            outcome(&report, &u(p))
        );
    }
    // Asked to wait an hour (more than --max-retry-after): listed, not waited for.
    assert!(
        matches!(outcome(&report, &u("/limited")), Outcome::Blocked { why, .. } if why.contains("3600"))
    );
    assert_eq!(server.seen.count("/limited"), 1);
    assert!(matches!(
        outcome(&report, &u("/slow")),
        Outcome::Timeout { .. }
    ));
    assert!(
        matches!(outcome(&report, &u("/loop")), Outcome::Error { why } if why.contains("redirects"))
    );
    // A 5xx is tried again (1 + retries), a 404 and a 401 are not.
    assert!(
        matches!(outcome(&report, &u("/broken")), Outcome::Error { why } if why.starts_with("500"))
    );
    assert_eq!(server.seen.count("/broken"), 3);
    assert_eq!(server.seen.count("/flaky"), 2);
    assert_eq!(server.seen.count("/gone-404"), 1);
    assert_eq!(server.seen.count("/login"), 1);
    // `/page` is linked with three fragments: three links, one request.
    assert_eq!(server.seen.count("/page"), 1);
    assert_eq!(report.in_group(Group::Dead).count(), 3);
    assert_eq!(report.in_group(Group::Moved).count(), 2);
    assert_eq!(report.in_group(Group::Blocked).count(), 3);
}

#[test]
fn retry_after_is_waited_for_and_backoff_doubles() {
    let server = Playback::start();
    let urls = vec![server.url("/busy"), server.url("/broken")];
    let opts = Options {
        backoff: Duration::from_millis(200),
        ..quick()
    };
    let report = check(links(&urls), &opts);
    assert_eq!(outcome(&report, &urls[0]), &Outcome::Ok { cached: false });
    let busy = server.seen.times("/busy");
    assert_eq!(busy.len(), 2);
    assert!(
        busy[1] - busy[0] >= Duration::from_secs(1),
        "asked again {:?} after `Retry-After: 1`",
        busy[1] - busy[0]
    );
    let broken = server.seen.times("/broken");
    assert_eq!(broken.len(), 3);
    let (first, second) = (broken[1] - broken[0], broken[2] - broken[1]);
    assert!(first >= Duration::from_millis(200), "{first:?}");
    assert!(second >= Duration::from_millis(400), "{second:?}");
}

#[test]
fn at_most_per_host_requests_at_once() {
    let server = Playback::start();
    let urls: Vec<String> = (0..10).map(|i| server.url(&format!("/wait/{i}"))).collect();
    let opts = Options {
        jobs: 8,
        per_host: 2,
        ..quick()
    };
    let report = check(links(&urls), &opts);
    assert_eq!(report.links.len(), 10);
    assert!(report
        .links
        .iter()
        .all(|c| c.outcome == Outcome::Ok { cached: false }));
    // Every URL once, never more than two at once, and two did run together.
    for i in 0..10 {
        assert_eq!(server.seen.count(&format!("/wait/{i}")), 1);
    }
    assert_eq!(server.seen.most.load(Ordering::SeqCst), 2);

    // With room per host, the total limit holds instead.
    let server = Playback::start();
    let urls: Vec<String> = (0..10).map(|i| server.url(&format!("/wait/{i}"))).collect();
    let opts = Options {
        jobs: 3,
        per_host: 10,
        ..quick()
    };
    check(links(&urls), &opts);
    assert_eq!(server.seen.most.load(Ordering::SeqCst), 3);
}

#[test]
fn the_time_budget_ends_the_run_whatever_the_servers_do() {
    let server = Playback::start();
    // Each /slow answers after 10 s; the run has 2 s in all.
    let mut urls: Vec<String> = (0..4).map(|i| server.url(&format!("/slow?{i}"))).collect();
    urls.push(server.url("/ok"));
    let opts = Options {
        jobs: 2,
        per_host: 2,
        timeout: Duration::from_secs(30),
        max_time: Duration::from_secs(2),
        ..quick()
    };
    let started = Instant::now();
    let report = check(links(&urls), &opts);
    // A hang guard, not a speed target: the budget plus the grace second,
    // with room for a loaded machine.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(report.links.len(), 5);
    assert!(report.in_group(Group::Timeout).count() >= 4);
}

#[test]
fn the_cache_skips_links_that_were_fine_and_asks_again_about_broken_ones() {
    let server = Playback::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("links.json");
    let urls = vec![server.url("/ok"), server.url("/gone-404")];
    let opts = Options {
        cache: Some((file.clone(), Duration::from_secs(3600))),
        ..quick()
    };
    let first = check(links(&urls), &opts);
    assert_eq!(first.cached(), 0);
    assert!(file.is_file());
    let second = check(links(&urls), &opts);
    assert_eq!(outcome(&second, &urls[0]), &Outcome::Ok { cached: true });
    assert_eq!(server.seen.count("/ok"), 1);
    assert_eq!(server.seen.count("/gone-404"), 2);
    // An age of zero asks again.
    let again = Options {
        cache: Some((file.clone(), Duration::ZERO)),
        ..quick()
    };
    check(links(&urls), &again);
    assert_eq!(server.seen.count("/ok"), 2);
    // A damaged cache file is a warning, never a failure.
    std::fs::write(&file, "not json").unwrap();
    let report = check(links(&urls), &opts);
    assert!(report
        .warnings
        .iter()
        .any(|w| w.contains("not a cache file")));
    assert_eq!(server.seen.count("/ok"), 3);
}

/// A site whose links point at `https://docs.example.com/`, which the
/// command remaps to the loopback server.
fn site(f: &Fixture, paths: &[&str]) {
    let mut body = String::from("+++\ntitle = \"B\"\n+++\n\n");
    for p in paths {
        body.push_str(&format!("See [this](https://docs.example.com{p}).\n\n"));
    }
    f.write("content/b.md", &body);
}

fn run(f: &Fixture, server: &Playback, extra: &[&str]) -> (Option<i32>, String) {
    let remap = format!("https://docs.example.com/ {}/", server.base);
    let mut args = vec![
        "check",
        "--external",
        "--remap",
        &remap,
        "--timeout",
        "2",
        "--retries",
        "0",
        "--no-cache",
    ];
    args.extend_from_slice(extra);
    let out = f.run(&args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_command_reports_located_grouped_and_fails_only_on_dead_links() {
    let server = Playback::start();
    let f = Fixture::new();
    site(&f, &["/ok", "/old", "/login", "/gone-404"]);
    let (code, out) = run(&f, &server, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("dead (1 link): fix or remove these links\n  content/b.md:11:5: https://docs.example.com/gone-404 (404 Not Found)"), "{out}");
    assert!(out.contains("moved (1 link, not failed): link the new URL\n  content/b.md:7:5: https://docs.example.com/old -> https://docs.example.com/new (301 Moved Permanently)"), "{out}");
    assert!(out.contains("blocked (1 link, not failed)"), "{out}");
    assert!(
        out.contains("content/b.md:9:5: https://docs.example.com/login (401 Unauthorized)"),
        "{out}"
    );
    assert!(
        out.contains("checked 4 external links (0 from the cache) in "),
        "{out}"
    );

    // Without the dead link the run passes; --fail-on makes moved fail too.
    site(&f, &["/ok", "/old", "/login"]);
    let (code, out) = run(&f, &server, &[]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = run(&f, &server, &["--fail-on", "dead,moved"]);
    assert_eq!(code, Some(1), "{out}");

    // --exclude leaves links out, and says how many.
    let (code, out) = run(&f, &server, &["--exclude", "/old$", "--exclude", "login"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("2 excluded"), "{out}");
    assert!(!out.contains("moved ("), "{out}");
}

#[test]
fn the_command_refuses_bad_options_before_any_request() {
    let server = Playback::start();
    let f = Fixture::new();
    site(&f, &["/ok"]);
    for bad in [
        vec!["--fail-on", "dead,sometimes"],
        vec!["--cache-age", "7w"],
        vec!["--per-host", "0"],
        vec!["--include", "("],
    ] {
        let (code, _) = run(&f, &server, &bad);
        assert_eq!(code, Some(2), "{bad:?}");
    }
    assert_eq!(server.seen.count("/ok"), 0);
}
