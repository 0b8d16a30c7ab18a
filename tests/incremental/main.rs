//! Incremental rebuilds of `remedy serve` (#12): a seeded random sequence of
//! edits (pages added, deleted, renamed and moved, titles, weights, links
//! broken and fixed, headings others link to, the decision tree, a template,
//! assets, aliases) is applied to a small site while `remedy serve --output`
//! watches it. After every edit the served folder must equal a clean
//! `remedy build` of the same files byte for byte, or, when the edit broke
//! the site, the last good clean build, with the errors in the status.
//!
//! The seed is printed; `REMEDY_TEST_SEED=N` replays a run and
//! `REMEDY_TEST_STEPS=N` changes its length (default 30).

use std::collections::BTreeMap;
use std::fs;
use std::time::{Duration, Instant};

#[path = "../common/mod.rs"]
mod common;
mod compare;
mod edits;
mod project;
mod render;
mod rng;
mod server;
mod site;

use compare::{clean_build, difference, line_diff, Files};
use edits::random_edit;
use project::Project;
use rng::Rng;
use server::{tail, Server, Status};
use site::Site;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}"))
    })
}

#[test]
fn served_output_equals_a_clean_build_after_every_edit() {
    let seed = env_u64("REMEDY_TEST_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            % 1_000_000_007
    });
    let steps = env_u64("REMEDY_TEST_STEPS").unwrap_or(30) as usize;
    println!("seed {seed} (replay with REMEDY_TEST_SEED={seed}), {steps} steps");
    let mut rng = Rng::new(seed);

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let scratch = tmp.path().join("scratch");
    let served = tmp.path().join("served");
    fs::create_dir_all(&scratch).unwrap();
    let mut site = Site::initial();
    let mut project = Project {
        root: root.clone(),
        scratch,
        disk: BTreeMap::new(),
        writes: 0,
    };
    project.sync(&site.files(), &mut Rng::new(1));

    let server = Server::start(&root, &served, tmp.path().join("serve.log"));
    let port = server.port;
    let ctx0 = format!("seed {seed}, the first build");
    let mut status = server.settle(Duration::from_millis(300), &ctx0, |s| {
        s.version >= 1 && s.indexed == s.version
    });
    assert!(
        status.errors.is_none(),
        "{ctx0}: the fixture does not build: {status:?}"
    );
    let mut good = clean_build(&root, &tmp.path().join("ref-0"), port)
        .unwrap_or_else(|e| panic!("{ctx0}: the clean build fails:\n{e}"));
    let compare = |step: usize, what: &str, want: &Files, status: &Status| {
        let diff = difference(&common::snapshot(&served), want);
        let Some(diff) = diff else { return };
        // A rebuild still on its way (a late watcher event) may land yet.
        let again = server.settle(Duration::from_millis(1500), what, |s| {
            s.indexed == s.version
        });
        let diff2 = difference(&common::snapshot(&served), want);
        if let Some(diff2) = diff2 {
            panic!(
                "step {step} ({what}), seed {seed}: the served folder differs from a clean build\n\
                 status {status:?} then {again:?}\n{diff2}\n\nserver log (tail):\n{}",
                tail(&server.log(), 30)
            );
        }
        // Settled again with the same status, yet the files changed: the
        // status said the output was complete before it was.
        assert!(
            again.version != status.version,
            "step {step} ({what}), seed {seed}: the served folder differed from a clean build \
             while the status said it was complete ({status:?}), and changed later without a new \
             version:\n{diff}"
        );
        println!("step {step}: NOTE a late rebuild ({status:?} -> {again:?}) fixed:\n{diff}");
    };
    compare(0, "the first build", &good, &status);
    let _ = fs::remove_dir_all(tmp.path().join("ref-0"));

    let mut broken = false;
    let (mut failed_steps, mut started) = (0, Instant::now());
    for step in 1..=steps {
        let mut edit = random_edit(&mut site, &mut rng, !broken);
        // Sometimes two edits land together, as when an editor saves all.
        if edit.valid && rng.chance(15) {
            let second = random_edit(&mut site, &mut rng, false);
            edit.what = format!("{} + {}", edit.what, second.what);
            edit.ops.extend(second.ops);
            edit.urls.extend(second.urls);
        }
        if broken {
            edit.what += " (and the files the previous step broke are restored)";
        }
        for op in &edit.ops {
            project.apply(op);
        }
        if edit.sync {
            project.sync(&site.files(), &mut rng);
        }
        let ctx = format!("step {step} ({}), seed {seed}", edit.what);
        println!("step {step}: {}", edit.what);
        let reference = tmp.path().join(format!("ref-{step}"));
        let result = clean_build(&root, &reference, port);
        let prev = status.clone();
        let want = match result {
            Ok(files) => {
                // A build that changes nothing may be skipped: then the version
                // need not move.
                let same = files == good;
                let t0 = Instant::now();
                status = server.settle(Duration::from_millis(300), &ctx, |s| {
                    s.errors.is_none()
                        && s.indexed == s.version
                        && (s.version > prev.version
                            || (same && t0.elapsed() > Duration::from_secs(5)))
                });
                good = files;
                broken = false;
                good.clone()
            }
            Err(stderr) => {
                assert!(
                    !edit.valid,
                    "{ctx}: the edit should keep the site valid, but the clean build fails:\n{stderr}"
                );
                failed_steps += 1;
                status = server.settle(Duration::from_millis(300), &ctx, |s| {
                    s.errors.is_some() && s.indexed == s.version
                });
                assert_eq!(
                    status.version, prev.version,
                    "{ctx}: a failed build changed the version (an intermediate build succeeded?)"
                );
                broken = true;
                good.clone()
            }
        };
        compare(step, &edit.what, &want, &status);
        for url in &edit.urls {
            let file = match url.ends_with('/') {
                true => format!("{}index.html", &url[1..]),
                false => url[1..].to_string(),
            };
            let (code, body) = server.get(url);
            let Some(bytes) = want.get(&file) else {
                assert_eq!(code, 404, "{ctx}: GET {url} (not in the clean build)");
                continue;
            };
            assert_eq!(code, 200, "{ctx}: GET {url}");
            // What is served is the file, with the reload script before `</body>`.
            let end = bytes.windows(7).rposition(|w| w == b"</body>");
            let same = match end {
                Some(i) => {
                    body.len() >= bytes.len()
                        && body.starts_with(&bytes[..i])
                        && body.ends_with(&bytes[i..])
                }
                None => body == *bytes,
            };
            assert!(
                same,
                "{ctx}: GET {url} does not answer the file {file} of the clean build:\n{}",
                line_diff(&body, bytes)
            );
        }
        let _ = fs::remove_dir_all(&reference);
        if step == 1 {
            started = Instant::now();
        }
    }
    println!(
        "{steps} steps, {failed_steps} of them broke the site; {:.1} s after step 1",
        started.elapsed().as_secs_f64()
    );
    drop(server);
}
