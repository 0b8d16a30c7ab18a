//! The bundled site in a real browser: Debian's Chromium, headless, driven
//! through chromedriver.
//!
//! The tests read the site the way a person does: open the home page,
//! follow the sidebar, jump through the table of contents, switch to dark
//! mode, copy a code sample, mistype a URL. axe-core then checks the main
//! kinds of page for accessibility in both colour schemes, and screenshots
//! of the home page and a guide are left in `target/screenshots/` for a
//! person to look at.
//!
//! The site is built once, served once (on 127.0.0.1:0) and one
//! chromedriver runs for the whole binary; each test gets its own browser
//! with an empty profile. To know when the last test is done and stop all
//! that, the binary has its own `main` (libtest-mimic, `harness = false`).
//!
//! Without Chromium the tests are reported as ignored after one line saying
//! how to install it; with `REMEDY_REQUIRE_ALL=1` they fail instead.

mod support;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};

use anyhow::{ensure, Context as _};
use fantoccini::key::Key;
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use serde::Deserialize;
use serde_json::{json, Value};

use support::chrome::{http_get, ChromeDriver, Tab};
use support::server::StaticServer;
use support::site::{build_bundled, BuiltSite};
use support::tools::{self, Tool};

/// A guide with a table of contents and a highlighted code block.
const GUIDE: &str = "/providers/stripe/";
/// A section page (lists its guides).
const SECTION: &str = "/providers/";
/// A URL that no page has, at some depth (the 404 page must work anywhere).
const MISSING: &str = "/no/such/guide/";

/// The decision-tree page (questions, remedies and an SVG map).
const TREE: &str = "/troubleshoot/402/";

/// The pages axe-core checks, in light and dark mode, one test each. The
/// search page joins this list when it exists.
const AXE_PAGES: &[(&str, &str)] = &[
    ("home", "/"),
    ("guide", GUIDE),
    ("section", SECTION),
    ("tree", TREE),
    ("404", MISSING),
];

/// One trial per scenario function, named after it (as `#[test]` would).
macro_rules! tests {
    ($harness:expr, $needs:expr, [$($scenario:ident),* $(,)?]) => {
        vec![$($harness.trial(stringify!($scenario), $needs, $scenario)),*]
    };
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let harness = Arc::new(Harness::new());

    let mut trials = tests!(
        harness,
        Needs::Browser,
        [
            home_page_lists_every_section,
            home_page_pastes_to_the_fix_in_one_tap,
            every_paste_shows_its_remedy_above_the_fold,
            sidebar_leads_to_a_guide,
            table_of_contents_jumps_to_heading,
            dark_mode_persists_across_pages,
            copy_button_copies_code,
            missing_url_shows_404_page,
            missing_url_under_a_sub_path_shows_a_working_404_page,
            drawer_opens_where_the_reader_is_and_keeps_focus,
            phone_header_is_one_row_with_a_search_button,
            screenshots_light_and_dark,
            tree_walks_to_a_remedy_back_and_reload,
            tree_paste_walks_to_the_remedy_and_can_be_overridden,
            tree_paste_uses_evidence_where_signals_are_silent,
            pages_opened_from_disk_link_to_pages,
            search_shows_results_as_you_type,
            search_keyboard_opens_a_result_at_its_anchor,
            slash_focuses_search_and_escape_closes_it,
            search_chips_filter_by_kind_and_code,
            search_shows_markup_as_text_and_survives_bad_queries,
            search_opens_from_the_q_parameter,
            search_works_from_disk,
            search_works_under_a_sub_path,
            search_opens_a_tree_at_the_step,
            search_box_reads_a_pasted_response,
            search_cards_title_steps_by_their_heading_and_focus_whole,
            no_page_scrolls_sideways_at_360_px,
            anchors_and_tree_steps_land_below_the_header,
            sidebar_sections_fold_and_keep_the_current_page_in_view,
            tree_map_zooms_and_phones_get_an_outline,
        ]
    );
    trials.extend(tests!(
        harness,
        Needs::BrowserWithoutJs,
        [
            tree_works_without_javascript,
            tree_steps_land_below_the_header_without_javascript
        ]
    ));
    trials.extend(tests!(
        harness,
        Needs::Axe,
        [axe_detects_a_planted_violation, axe_search_results_panel]
    ));
    for &(name, path) in AXE_PAGES {
        trials.push(
            harness.trial(&format!("axe_{name}_page"), Needs::Axe, move |tab, env| {
                axe_page(tab, env, path)
            }),
        );
    }

    let conclusion = libtest_mimic::run(&args, trials);
    // Stops chromedriver and the server and deletes the site before exiting
    // (`Conclusion::exit` would skip destructors).
    drop(harness);
    conclusion.exit_code()
}

// ---------------------------------------------------------------------------
// A reader's paths through the site.

/// The id of the tree step in the URL, or the start step when there is none.
async fn tree_step(tab: &Tab) -> anyhow::Result<String> {
    tab.js(
        "return location.hash.slice(1) || document.getElementById('rm-tree').dataset.start",
        vec![],
    )
    .await
}

/// Clicks answer `n` (1-based) of the step on screen and waits for the URL
/// to name the step it leads to; returns that step's id.
async fn answer(tab: &Tab, n: usize) -> anyhow::Result<String> {
    let step = tree_step(tab).await?;
    let link = format!("section[id='{step}'] .tree-answers > li:nth-child({n}) > a");
    let target = tab
        .attr(&link, "href")
        .await?
        .with_context(|| format!("{link} has no href"))?;
    tab.click(&link).await?;
    wait_for_path(tab, &format!("{TREE}{target}")).await?;
    Ok(target.trim_start_matches('#').to_string())
}

/// The trail's text, opened first as a reader would after a paste folded
/// it into one line.
async fn trail_text(tab: &Tab) -> anyhow::Result<String> {
    let open: bool = tab
        .js(
            "return document.getElementById('rm-tree-trail-fold').open",
            vec![],
        )
        .await?;
    if !open {
        tab.click("#rm-tree-trail-summary").await?;
    }
    tab.js(
        "return document.getElementById('rm-tree-trail-list').innerText",
        vec![],
    )
    .await
}

/// Steps shown on screen (exactly one is expected).
async fn shown_steps(tab: &Tab) -> anyhow::Result<Vec<String>> {
    let ids = tab
        .client
        .find_all(fantoccini::Locator::Css(".tree-node"))
        .await?;
    let mut shown = Vec::new();
    for e in ids {
        if e.is_displayed().await? {
            shown.push(e.attr("id").await?.unwrap_or_default());
        }
    }
    Ok(shown)
}

/// Issue 5: a reader clicks through to a remedy, sees the answers given so
/// far and the path on the map, goes back a step (with the page's button
/// and the browser's), and a reload of the shared URL lands on the same step.
async fn tree_walks_to_a_remedy_back_and_reload(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open(TREE).await?;
    let start = tree_step(&tab).await?;
    assert_eq!(
        shown_steps(&tab).await?,
        vec![start.clone()],
        "only the first question is shown"
    );
    assert_eq!(
        tab.attr("#rm-tree-trail", "hidden").await?.as_deref(),
        Some("true")
    );

    let mut path = vec![start];
    for n in [2, 1, 1, 1] {
        path.push(answer(&tab, n).await?);
    }
    let remedy = path.last().cloned().unwrap_or_default();
    assert_eq!(remedy, "stripe-card-declined");
    assert_eq!(shown_steps(&tab).await?, vec![remedy.clone()]);
    assert!(tab
        .text(&format!("section[id='{remedy}'] .tree-guides"))
        .await?
        .contains("Card declined"));
    assert_eq!(
        tab.count("#rm-tree-trail-list > li").await?,
        4,
        "one line per answer given"
    );
    assert!(
        !tab.is_displayed("#rm-tree-trail").await?
            || tab.attr("#rm-tree-trail", "hidden").await?.is_none()
    );
    let focused: String = tab.js("return document.activeElement.id", vec![]).await?;
    assert_eq!(
        focused, remedy,
        "focus moves to the new step for screen readers"
    );
    assert_eq!(
        tab.attr(".map-node.current", "data-node").await?.as_deref(),
        Some(remedy.as_str())
    );
    assert_eq!(
        tab.count(".map-edge.on-path").await?,
        4,
        "the map highlights the path taken"
    );

    // "Back one step" goes back in history instead of adding an entry, so
    // the browser's Back then goes one more step back, not forward.
    let entries: u64 = tab.js("return history.length", vec![]).await?;
    tab.click("#rm-tree-back").await?;
    wait_for_path(&tab, &format!("{TREE}#{}", path[3])).await?;
    assert_eq!(shown_steps(&tab).await?, vec![path[3].clone()]);
    assert_eq!(tab.count("#rm-tree-trail-list > li").await?, 3);
    let after: u64 = tab.js("return history.length", vec![]).await?;
    assert_eq!(after, entries, "Back one step added a history entry");

    tab.back().await?;
    wait_for_path(&tab, &format!("{TREE}#{}", path[2])).await?;
    assert_eq!(
        shown_steps(&tab).await?,
        vec![path[2].clone()],
        "the browser's back button goes further back"
    );
    tab.client.forward().await?;
    wait_for_path(&tab, &format!("{TREE}#{}", path[3])).await?;
    assert_eq!(shown_steps(&tab).await?, vec![path[3].clone()]);
    assert_eq!(tab.count("#rm-tree-trail-list > li").await?, 3);

    // A shared link: a fresh load of the step's URL.
    tab.open(&format!("{TREE}#{remedy}")).await?;
    tab.client.refresh().await?;
    assert_eq!(shown_steps(&tab).await?, vec![remedy.clone()]);
    let trail = trail_text(&tab).await?;
    assert!(
        trail.contains("api.stripe.com"),
        "the trail is rebuilt from the URL: {trail}"
    );
    // Opened from a link, "Back one step" replaces the URL in place.
    let entries: u64 = tab.js("return history.length", vec![]).await?;
    tab.click("#rm-tree-back").await?;
    wait_for_path(&tab, &format!("{TREE}#{}", path[3])).await?;
    assert_eq!(shown_steps(&tab).await?, vec![path[3].clone()]);
    let after: u64 = tab.js("return history.length", vec![]).await?;
    assert_eq!(after, entries, "Back one step added a history entry");

    tab.click("#rm-tree-restart").await?;
    wait_for_path(&tab, &format!("{TREE}#{}", path[0])).await?;
    assert_eq!(shown_steps(&tab).await?, vec![path[0].clone()]);
    Ok(())
}

/// Issue 13: a reader pastes a response into the tree page, lands on the
/// remedy with the deciding signal beside each answer, goes back and
/// overrides an answer, and shares the step's URL. Pasted markup stays text,
/// and a 5 MB paste is answered quickly.
async fn tree_paste_walks_to_the_remedy_and_can_be_overridden(
    tab: Tab,
    _env: Env,
) -> anyhow::Result<()> {
    tab.open(TREE).await?;
    ensure!(
        tab.attr("#rm-paste", "hidden").await?.is_none(),
        "the script shows the paste box"
    );
    let paste = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/triage/stripe-card-declined.txt"),
    )?;
    let set =
        "const t = document.getElementById('rm-paste-input'); t.focus(); t.value = arguments[0];
               t.dispatchEvent(new Event('input', {bubbles: true}));";
    let _: Value = tab.js(set, vec![json!(paste)]).await?;
    tab.click("#rm-paste-go").await?;
    wait_for_path(&tab, &format!("{TREE}#stripe-card-declined")).await?;
    assert_eq!(shown_steps(&tab).await?, vec!["stripe-card-declined"]);
    let said = tab.text("#rm-paste-result").await?;
    assert!(
        said.contains("answered 4 questions") && said.contains("Stripe"),
        "the live region announces the result: {said}"
    );
    // The remedy has the focus (before the reader opens the trail).
    let focused: String = tab.js("return document.activeElement.id", vec![]).await?;
    assert_eq!(focused, "stripe-card-declined");
    assert_eq!(tab.count("#rm-tree-trail-list > li").await?, 4);
    let trail = trail_text(&tab).await?;
    for signal in [
        "from the paste: status 402",
        "from the paste: JSON /error/type = \"card_error\"",
    ] {
        assert!(
            trail.contains(signal),
            "the trail shows `{signal}`: {trail}"
        );
    }

    // Back to the Stripe question from the trail, and another answer.
    tab.click("#rm-tree-trail-list a[href='#stripe-type']")
        .await?;
    wait_for_path(&tab, &format!("{TREE}#stripe-type")).await?;
    let overridden = answer(&tab, 2).await?;
    assert_eq!(overridden, "stripe-request-failed");
    wait_for_path(&tab, &format!("{TREE}#{overridden}")).await?;
    assert_eq!(shown_steps(&tab).await?, vec![overridden.clone()]);
    let trail = trail_text(&tab).await?;
    assert!(
        trail.contains("from the paste: status 402") && !trail.contains("card_error"),
        "earlier signals stay, the overridden one is gone: {trail}"
    );

    // The URL is the ordinary step URL: a fresh load shows the same step.
    tab.open(&format!("{TREE}#{overridden}")).await?;
    tab.client.refresh().await?;
    assert_eq!(shown_steps(&tab).await?, vec![overridden.clone()]);

    // From the keyboard: Ctrl+Enter in the box walks the tree too.
    let _: Value = tab
        .js(set, vec![json!("HTTP/2 402\nx-cashu: creqA1\n\n")])
        .await?;
    tab.type_into(
        "#rm-paste-input",
        &format!("{}{}{}", Key::Control, Key::Enter, Key::Null),
    )
    .await?;
    wait_for_path(&tab, &format!("{TREE}#cashu")).await?;

    // Markup in a paste is shown as text, never run.
    let hostile = "HTTP/1.1 402\nWWW-Authenticate: L402 <img src=x onerror=window.__pwned=1>\n\n";
    let _: Value = tab.js(set, vec![json!(hostile)]).await?;
    tab.click("#rm-paste-go").await?;
    wait_for_path(&tab, &format!("{TREE}#l402-pay")).await?;
    let trail = trail_text(&tab).await?;
    assert!(trail.contains("L402 <img src=x"), "{trail}");
    let pwned: Value = tab
        .js(
            "return [window.__pwned, document.querySelectorAll('#rm-tree-trail img').length]",
            vec![],
        )
        .await?;
    assert_eq!(pwned, json!([null, 0]));

    // 5 MB: answered in well under a second, the page stays usable.
    let big = format!(
        "HTTP/2 429\n\n{}",
        "{\"error\": [1, 2, 3]} ".repeat(250_000)
    );
    let _: Value = tab.js(set, vec![json!(big)]).await?;
    tab.click("#rm-paste-go").await?;
    let ms: String = tab
        .wait_for(
            "the 5 MB paste to be answered",
            "const r = document.getElementById('rm-paste-result');
             return r.dataset.node === 'status-429' && r.dataset.ms",
            vec![],
        )
        .await?;
    let ms: f64 = ms.parse()?;
    println!("paste box: a 5 MB paste answered in {ms} ms");
    // A hang guard, not a speed target (speed lives in the printed figure).
    ensure!(ms < 10_000.0, "a 5 MB paste took {ms} ms: the walk hangs");
    Ok(())
}

/// Issue 27: where no signal decides, evidence does, and the trail says
/// so; the reader can still override it. Where evidence is not sure
/// either, the question shows its likeliest remedies and orders its
/// answers by likelihood.
async fn tree_paste_uses_evidence_where_signals_are_silent(
    tab: Tab,
    _env: Env,
) -> anyhow::Result<()> {
    tab.open(TREE).await?;
    let set =
        "const t = document.getElementById('rm-paste-input'); t.focus(); t.value = arguments[0];
               t.dispatchEvent(new Event('input', {bubbles: true}));";
    // No signal names Telnyx's host; its page declares it.
    let paste = "> POST /v2/messages HTTP/2\n> Host: api.telnyx.com\n>\n< HTTP/2 402\n< content-type: application/json\n<\n";
    let _: Value = tab.js(set, vec![json!(paste)]).await?;
    tab.click("#rm-paste-go").await?;
    wait_for_path(&tab, &format!("{TREE}#telnyx-insufficient-funds")).await?;
    let trail = trail_text(&tab).await?;
    assert!(
        trail.contains("from the paste: status 402")
            && trail.contains("likely, from the guides: `api.telnyx.com`"),
        "the trail tells signals from evidence: {trail}"
    );
    ensure!(
        tab.count("#rm-tree-trail-list .tree-evidence").await? == 2,
        "two answers came from evidence"
    );
    // Override the evidence: back to the host question, another answer.
    tab.click("#rm-tree-trail-list a[href='#api-host']").await?;
    wait_for_path(&tab, &format!("{TREE}#api-host")).await?;
    let other = answer(&tab, 1).await?;
    assert_ne!(other, "api-host-more");
    let trail = trail_text(&tab).await?;
    assert!(!trail.contains("api.telnyx.com"), "{trail}");

    // A body that names no service: the walk stops at the host question,
    // which lists the likeliest remedies and puts their answers first.
    let vague =
        "HTTP/1.1 402 Payment Required\n\n{\"error\":{\"message\":\"Insufficient credits.\"}}";
    let _: Value = tab.js(set, vec![json!(vague)]).await?;
    tab.click("#rm-paste-go").await?;
    wait_for_path(&tab, &format!("{TREE}#api-host")).await?;
    let likely: Vec<String> = tab
        .js(
            "return [...document.querySelectorAll('#api-host .tree-likely a')].map(a => a.getAttribute('href'))",
            vec![],
        )
        .await?;
    ensure!(!likely.is_empty(), "no likely remedies listed");
    ensure!(likely.iter().all(|h| h.starts_with('#')), "{likely:?}");
    let first: String = tab
        .js(
            "return document.querySelector('#api-host .tree-answers > li > a').dataset.target",
            vec![],
        )
        .await?;
    ensure!(
        first != "stripe-type",
        "the answers keep the page's order ({first} first) instead of likelihood"
    );
    // Start over: the page's own order and no list.
    tab.click("#rm-tree-restart").await?;
    wait_for_path(&tab, &format!("{TREE}#start")).await?;
    tab.open(&format!("{TREE}#api-host")).await?;
    ensure!(
        tab.count(".tree-likely").await? == 0,
        "the hint outlived a restart"
    );
    Ok(())
}

/// Opened from disk, the sidebar and breadcrumbs lead to pages, not to
/// folder listings.
async fn pages_opened_from_disk_link_to_pages(tab: Tab, env: Env) -> anyhow::Result<()> {
    let home = env.site_dir.join("index.html");
    tab.client
        .goto(&format!("file://{}", home.display()))
        .await?;
    let href = tab
        .attr(".sidebar a[href*='providers/']", "href")
        .await?
        .context("no providers link in the sidebar")?;
    assert_eq!(href, "providers/index.html");
    tab.click(".sidebar a[href*='providers/']").await?;
    tab.wait_for::<bool>(
        "the providers page",
        "return document.querySelector('h1') && location.pathname.endsWith('/providers/index.html')",
        vec![],
    )
    .await?;
    let crumb = tab.attr(".breadcrumbs a", "href").await?;
    assert_eq!(crumb.as_deref(), Some("../index.html"));
    Ok(())
}

/// Issue 5: with JavaScript off, answers are plain links and CSS shows the
/// step named in the URL.
async fn tree_works_without_javascript(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open(TREE).await?;
    let start = tab
        .attr("#rm-tree", "data-start")
        .await?
        .context("no data-start")?;
    assert_eq!(shown_steps(&tab).await?, vec![start.clone()]);
    // tree.js never ran: the trail stays hidden, the map is not marked.
    assert_eq!(
        tab.attr("#rm-tree-trail", "hidden").await?.as_deref(),
        Some("true")
    );
    assert_eq!(tab.count(".map-node.current").await?, 0);
    let mut step = start;
    for n in [2, 1, 1, 1] {
        let link = format!("section[id='{step}'] .tree-answers > li:nth-child({n}) > a");
        let href = tab
            .attr(&link, "href")
            .await?
            .context("answer without href")?;
        tab.client
            .find(fantoccini::Locator::Css(&link))
            .await?
            .click()
            .await?;
        step = href.trim_start_matches('#').to_string();
        assert_eq!(tab.path().await?, format!("{TREE}#{step}"));
        assert_eq!(shown_steps(&tab).await?, vec![step.clone()]);
    }
    assert_eq!(step, "stripe-card-declined");
    Ok(())
}

/// The home page introduces the site and links every top-level section,
/// the same ones the sidebar lists.
async fn home_page_lists_every_section(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open("/").await?;
    let lang: String = tab
        .js("return document.documentElement.lang", vec![])
        .await?;
    assert!(!lang.is_empty(), "<html> has no lang attribute");
    let h1 = tab.text("main h1").await?;
    assert!(!h1.trim().is_empty(), "the home page has an empty <h1>");
    assert!(
        tab.client.title().await?.contains("remedy"),
        "the home page's title names the site"
    );

    let listed = tab.count("main .home-sections .card-link").await?;
    let in_sidebar = tab.count("#rm-sidebar > ul > li").await?;
    assert!(listed > 0, "the home page lists no sections");
    assert_eq!(
        listed, in_sidebar,
        "sections on the home page vs. top-level sidebar entries"
    );
    Ok(())
}

/// Whether the element's box lies within the screen, below the sticky
/// header: `{top, bottom, header, height}` in CSS pixels.
async fn on_screen(tab: &Tab, css: &str) -> anyhow::Result<Value> {
    tab.js(
        "const e = document.querySelector(arguments[0]);
         if (!e) return null;
         const r = e.getBoundingClientRect();
         const h = document.querySelector('.site-header').getBoundingClientRect().bottom;
         return {top: r.top, bottom: r.bottom, header: h, height: innerHeight,
                 ok: r.top >= h - 1 && r.bottom <= innerHeight && r.height > 0};",
        vec![json!(css)],
    )
    .await
}

/// Issue 25: the home page starts with the job. At 360 x 740 the paste
/// box, its button and the search button are on screen before any scroll,
/// and one paste and one tap open the fix: its heading on screen, the
/// answers the paste gave folded into one line above it.
async fn home_page_pastes_to_the_fix_in_one_tap(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.client.set_window_size(360, 740).await?;
    tab.open("/").await?;
    for css in ["#rm-paste-input", "#rm-paste-go"] {
        let r = on_screen(&tab, css).await?;
        ensure!(
            r["ok"] == json!(true),
            "{css} is not above the fold at 360 px: {r}"
        );
    }
    let r: Value = tab
        .js("const r = document.getElementById('rm-search-open').getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight", vec![])
        .await?;
    ensure!(r == json!(true), "no search button on screen");
    let paste = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/triage/stripe-card-declined.txt"),
    )?;
    let _: Value = tab
        .js(
            "document.getElementById('rm-paste-input').value = arguments[0]",
            vec![json!(paste)],
        )
        .await?;
    tab.click("#rm-paste-go").await?;
    wait_for_path(&tab, &format!("{TREE}#stripe-card-declined")).await?;
    let summary: String = tab
        .wait_for(
            "the trail's summary",
            "const s = document.getElementById('rm-tree-trail-summary');
             return s && /from your paste/.test(s.textContent) && s.textContent",
            vec![],
        )
        .await?;
    assert_eq!(summary, "4 answers from your paste");
    let open: bool = tab
        .js(
            "return document.getElementById('rm-tree-trail-fold').open",
            vec![],
        )
        .await?;
    ensure!(!open, "the trail is not folded");
    let r: Value = tab
        .wait_for(
            "the remedy's heading on screen",
            "const e = document.getElementById('stripe-card-declined-title').getBoundingClientRect();
             const h = document.querySelector('.site-header').getBoundingClientRect().bottom;
             return e.top >= h - 1 && e.bottom <= innerHeight && {top: e.top, bottom: e.bottom}",
            vec![],
        )
        .await?;
    println!("home -> fix: the remedy's heading at {r}");
    // The trail opens from its line.
    tab.click("#rm-tree-trail-summary").await?;
    let open: bool = tab
        .js(
            "return document.getElementById('rm-tree-trail-fold').open",
            vec![],
        )
        .await?;
    ensure!(open, "the trail does not open");
    Ok(())
}

/// Issue 25: at 360 x 740, for every paste of the corpus that reaches a
/// remedy, the remedy's heading is on screen once the paste is read.
async fn every_paste_shows_its_remedy_above_the_fold(tab: Tab, env: Env) -> anyhow::Result<()> {
    let script = std::fs::read_to_string(env.site_dir.join("troubleshoot/402/triage-data.js"))?;
    let data = remedy::tree::triage::Data::from_script(&script).map_err(anyhow::Error::msg)?;
    let (cases, uncovered) = support::corpus::load();
    let files: Vec<String> = cases
        .into_iter()
        .map(|c| c.file)
        .chain(uncovered.into_iter().map(|u| u.file))
        .collect();
    tab.client.set_window_size(360, 740).await?;
    tab.open(TREE).await?;
    let mut checked = 0;
    let mut failed = Vec::new();
    for file in &files {
        let text = support::corpus::paste(file);
        let node = remedy::triage::walk_text(&data, &text).node;
        if data.questions.contains_key(&node) {
            continue;
        }
        let _: Value = tab
            .js(
                "const r = document.getElementById('rm-paste-result'); delete r.dataset.node;
                 document.getElementById('rm-paste-input').value = arguments[0];",
                vec![json!(text)],
            )
            .await?;
        tab.click("#rm-paste-go").await?;
        let reached: anyhow::Result<bool> = tab
            .wait_for(
                &format!("{file} to reach {node}"),
                "return document.getElementById('rm-paste-result').dataset.node === arguments[0]
                     && location.hash === '#' + arguments[0]",
                vec![json!(node)],
            )
            .await;
        if let Err(e) = reached {
            let state: Value = tab
                .js(
                    "const r = document.getElementById('rm-paste-result');
                     return {node: r.dataset.node, said: r.textContent, hash: location.hash}",
                    vec![],
                )
                .await?;
            return Err(e.context(format!("the page shows {state}")));
        }
        let title = format!("#{node}-title");
        let settled: anyhow::Result<Value> = tab
            .wait_for(
                "the remedy's heading to settle on screen",
                "const e = document.querySelector(arguments[0]).getBoundingClientRect();
                 const h = document.querySelector('.site-header').getBoundingClientRect().bottom;
                 const was = window.__lastTop; window.__lastTop = e.top;
                 return was === e.top && e.top >= h - 1 && e.bottom <= innerHeight && e.top",
                vec![json!(title)],
            )
            .await;
        if settled.is_err() {
            failed.push(format!(
                "{file} -> {node}: {}",
                on_screen(&tab, &title).await?
            ));
        }
        checked += 1;
    }
    println!("{checked} pastes reach a remedy; each one's heading is on screen at 360 x 740");
    ensure!(checked > 100, "only {checked} pastes reach a remedy");
    ensure!(failed.is_empty(), "below the fold:\n{}", failed.join("\n"));
    Ok(())
}

/// Home -> sidebar "Providers" -> sidebar "Stripe": each click lands on the
/// page the link named, and the sidebar marks where the reader is.
async fn sidebar_leads_to_a_guide(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open("/").await?;
    tab.click("#rm-sidebar a[href$='providers/']").await?;
    wait_for_path(&tab, SECTION).await?;

    // The section is expanded now, so its guides are in the sidebar.
    let link = "#rm-sidebar a[href$='providers/stripe/']";
    let link_text = tab.text(link).await?;
    tab.click(link).await?;
    wait_for_path(&tab, GUIDE).await?;

    let h1 = tab.text("main h1").await?;
    // The sidebar shows the page's short label (front matter `short`).
    assert_eq!(link_text, "Stripe", "the sidebar's short label");
    assert!(
        h1.starts_with(&link_text) && h1.len() > link_text.len(),
        "the guide's heading {h1:?} is its full title, the sidebar's {link_text:?} is short"
    );
    let title = tab.client.title().await?;
    assert!(
        title.starts_with(&h1),
        "title {title:?} does not start with the heading {h1:?}"
    );
    let current = "#rm-sidebar a[aria-current='page']";
    assert_eq!(
        tab.count(current).await?,
        1,
        "exactly one sidebar link is the current page"
    );
    assert_eq!(tab.text(current).await?, link_text);
    assert_eq!(
        tab.count("nav.breadcrumbs a[href$='providers/']").await?,
        1,
        "breadcrumb to the section"
    );
    Ok(())
}

/// A table-of-contents link scrolls to its heading: the URL gets the
/// heading's fragment and the heading ends up in view, below the sticky
/// header (not hidden under it).
async fn table_of_contents_jumps_to_heading(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open(GUIDE).await?;
    // At 1280 px the contents are a column beside the text, the folded box
    // is not shown.
    assert!(
        tab.is_displayed("#rm-toc-side").await?,
        "no On this page column at 1280 px"
    );
    assert!(
        !tab.is_displayed("details.toc-box").await?,
        "the contents box shows beside the column"
    );
    let entries = tab.count("#rm-toc-side a").await?;
    assert!(
        entries > 2,
        "the guide has only {entries} table-of-contents entries"
    );

    // The last entry: the one furthest down, surely out of view at first.
    let link = "#rm-toc-side > ol > li:last-child > a";
    let href = tab
        .attr(link, "href")
        .await?
        .context("the ToC link has no href")?;
    let id = href
        .strip_prefix('#')
        .context("ToC links are fragments")?
        .to_string();
    let below: bool = tab
        .js(
            "return document.getElementById(arguments[0]).getBoundingClientRect().top > innerHeight",
            vec![json!(id)],
        )
        .await?;
    assert!(
        below,
        "#{id} is already in view before the click; the test would prove nothing"
    );

    tab.click(link).await?;
    wait_for_path(&tab, &format!("{GUIDE}#{id}")).await?;
    // The theme scrolls smoothly. Wait for the end state (heading in view,
    // scrolling stopped); if it never comes, the assertions below say how
    // far off it is, which is more useful than "timed out".
    let geometry = "const r = document.getElementById(arguments[0]).getBoundingClientRect();
         return [r.top, r.bottom, document.querySelector('.site-header').getBoundingClientRect().bottom]";
    let settled = "const r = document.getElementById(arguments[0]).getBoundingClientRect();
         const header = document.querySelector('.site-header').getBoundingClientRect().bottom;
         const y = scrollY, still = window.rmLastY === y; window.rmLastY = y;
         return still && r.top >= header - 1 && r.bottom <= innerHeight";
    let _ = tab
        .wait_for::<bool>("the heading to scroll into view", settled, vec![json!(id)])
        .await;
    let target: String = tab
        .js("return document.querySelector(':target').id", vec![])
        .await?;
    assert_eq!(target, id, ":target after clicking the ToC link");
    let (top, bottom, header): (f64, f64, f64) = tab.js(geometry, vec![json!(id)]).await?;
    let height: f64 = tab.js("return innerHeight", vec![]).await?;
    assert!(
        top >= header - 1.0,
        "#{id} (top {top}) is hidden under the sticky header (bottom {header})"
    );
    assert!(
        bottom <= height,
        "#{id} (bottom {bottom}) is below the viewport ({height})"
    );
    // The column marks the section being read.
    let active: String = tab
        .wait_for(
            "the column to mark the section in view",
            "const a = document.querySelector('#rm-toc-side a.active');
             return a && a.getAttribute('href') === '#' + arguments[0] && a.getAttribute('href');",
            vec![json!(id)],
        )
        .await?;
    assert_eq!(active, format!("#{id}"));
    assert_eq!(
        tab.count("#rm-toc-side a.active").await?,
        1,
        "one marked entry"
    );

    // Scrolled back to the top, the first section is the marked one.
    let _: Option<bool> = tab.js("window.scrollTo(0, 0)", vec![]).await?;
    let first: String = tab
        .attr("#rm-toc-side > ol > li:first-child > a", "href")
        .await?
        .context("first entry has no href")?;
    let _: String = tab
        .wait_for(
            "the first entry to be marked at the top of the page",
            "const a = document.querySelector('#rm-toc-side a.active');
             return a && a.getAttribute('href') === arguments[0] && 'ok';",
            vec![json!(first)],
        )
        .await?;

    // On a narrow screen the contents are a compact box, folded.
    tab.client.set_window_size(420, 900).await?;
    assert!(
        tab.is_displayed("details.toc-box").await?,
        "no contents box at 420 px"
    );
    assert!(
        !tab.is_displayed("#rm-toc-side").await?,
        "the column shows at 420 px"
    );
    let open: bool = tab
        .js(
            "return document.querySelector('details.toc-box').open",
            vec![],
        )
        .await?;
    assert!(!open, "the contents box starts folded");
    Ok(())
}

/// The colour-scheme switch offers system, light and dark, shows which is
/// chosen (aria-pressed), and the choice survives navigation; "system"
/// forgets it.
async fn dark_mode_persists_across_pages(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open(GUIDE).await?;
    assert_eq!(
        theme_attr(&tab).await?,
        None,
        "a first visit follows the system scheme"
    );
    assert_eq!(pressed_choices(&tab).await?, vec!["system"]);
    assert_eq!(
        tab.attr("#rm-theme-switch", "aria-label").await?.as_deref(),
        Some("Colour scheme"),
        "the switch is a labelled group"
    );
    let light = background(&tab).await?;
    assert!(
        luminance(light) > 0.8,
        "light mode background {light:?} is not light"
    );

    tab.click(&choice("dark")).await?;
    assert_eq!(theme_attr(&tab).await?.as_deref(), Some("dark"));
    assert_eq!(stored_theme(&tab).await?.as_deref(), Some("dark"));
    assert_eq!(pressed_choices(&tab).await?, vec!["dark"]);
    let dark = background(&tab).await?;
    assert!(
        luminance(dark) < 0.2,
        "dark mode background {dark:?} is not dark"
    );
    // Choosing dark again keeps it dark (the old toggle flipped back).
    tab.click(&choice("dark")).await?;
    assert_eq!(theme_attr(&tab).await?.as_deref(), Some("dark"));

    // Another page, reached by a link, starts dark (the script in <head>
    // applies the stored choice before the page is drawn).
    tab.click(".site-title").await?;
    wait_for_path(&tab, "/").await?;
    assert_eq!(
        theme_attr(&tab).await?.as_deref(),
        Some("dark"),
        "data-theme on the next page"
    );
    assert_eq!(pressed_choices(&tab).await?, vec!["dark"]);
    assert_eq!(background(&tab).await?, dark);

    tab.click(&choice("light")).await?;
    assert_eq!(theme_attr(&tab).await?.as_deref(), Some("light"));
    assert_eq!(stored_theme(&tab).await?.as_deref(), Some("light"));
    assert_eq!(background(&tab).await?, light);
    tab.open(SECTION).await?;
    assert_eq!(
        theme_attr(&tab).await?.as_deref(),
        Some("light"),
        "an explicit light choice persists too"
    );
    assert_eq!(pressed_choices(&tab).await?, vec!["light"]);

    tab.click(&choice("system")).await?;
    assert_eq!(theme_attr(&tab).await?, None, "system drops data-theme");
    assert_eq!(stored_theme(&tab).await?, None, "system forgets the choice");
    assert_eq!(pressed_choices(&tab).await?, vec!["system"]);
    tab.open(GUIDE).await?;
    assert_eq!(theme_attr(&tab).await?, None);
    Ok(())
}

/// The `data-theme-choice` of every pressed button of the switch.
async fn pressed_choices(tab: &Tab) -> anyhow::Result<Vec<String>> {
    tab.js(
        "return [...document.querySelectorAll('#rm-theme-switch [aria-pressed=\"true\"]')]
             .map(b => b.dataset.themeChoice)",
        vec![],
    )
    .await
}

/// The switch's button for `theme` (`system`, `light`, `dark`).
fn choice(theme: &str) -> String {
    format!("#rm-theme-switch [data-theme-choice='{theme}']")
}

/// Every highlighted code block has a Copy button; clicking it puts the
/// code on the clipboard and says "Copied".
async fn copy_button_copies_code(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open(GUIDE).await?;
    let blocks = tab.count("pre.hl-code").await?;
    assert!(blocks > 0, "{GUIDE} has no code block to copy");
    assert_eq!(
        tab.count(".code-block > pre.hl-code + button.copy-button")
            .await?,
        blocks,
        "a Copy button per block, beside the code (not inside what scrolls)"
    );
    let button = ".code-block > button.copy-button";
    // The button sits above the first line, not over the code, and stays
    // put when a wide block scrolls sideways.
    let (over, moved): (bool, f64) = tab
        .js(
            "const blocks = [...document.querySelectorAll('.code-block')];
             let over = false, moved = 0;
             for (const b of blocks) {
                 const pre = b.querySelector('pre'), button = b.querySelector('.copy-button');
                 const code = pre.querySelector('code').getBoundingClientRect();
                 const r = button.getBoundingClientRect();
                 const lineTop = code.top;
                 if (r.bottom > lineTop + 1) over = true;
                 if (pre.scrollWidth > pre.clientWidth) {
                     const before = r.left;
                     pre.scrollLeft = 200;
                     moved = Math.max(moved, Math.abs(button.getBoundingClientRect().left - before));
                     pre.scrollLeft = 0;
                 }
             }
             return [over, moved];",
            vec![],
        )
        .await?;
    assert!(!over, "a Copy button covers the first line of code");
    assert_eq!(moved, 0.0, "a Copy button scrolls along with the code");
    assert_eq!(tab.text(button).await?, "Copy");
    assert_eq!(
        tab.attr(button, "aria-label").await?.as_deref(),
        Some("Copy code to clipboard")
    );

    tab.grant("clipboard-read").await?;
    tab.grant("clipboard-write").await?;
    let expected: String = tab
        .js(
            "return document.querySelector('pre.hl-code code').innerText",
            vec![],
        )
        .await?;
    assert!(
        expected.trim().len() > 10,
        "the first code block is nearly empty: {expected:?}"
    );
    // The label says "Copied" only briefly: record every label it shows
    // rather than racing to read it.
    let _: Option<bool> = tab
        .js(
            "const b = document.querySelector(arguments[0]); window.rmLabels = [];
             new MutationObserver(() => window.rmLabels.push(b.textContent))
                 .observe(b, {childList: true, characterData: true, subtree: true});",
            vec![json!(button)],
        )
        .await?;
    tab.click(button).await?;
    let _: bool = tab
        .wait_for(
            "the Copied label",
            "return window.rmLabels.includes('Copied')",
            vec![],
        )
        .await?;
    let copied = tab
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.clipboard.readText().then(done, e => done({error: String(e)}));",
            vec![],
        )
        .await?;
    assert_eq!(
        copied.as_str(),
        Some(expected.as_str()),
        "clipboard contents"
    );
    Ok(())
}

/// A mistyped URL answers 404 with the site's own page, styled and with
/// working links although it is served at an arbitrary depth.
async fn missing_url_shows_404_page(tab: Tab, env: Env) -> anyhow::Result<()> {
    let (status, body) = http_get(env.server_port, MISSING)?;
    assert_eq!(status, 404, "HTTP status for {MISSING}");
    assert!(
        body.contains("Page not found"),
        "the 404 body is not the site's 404 page"
    );

    tab.open(MISSING).await?;
    assert_eq!(tab.text("main h1").await?, "Page not found");
    assert!(tab.client.title().await?.starts_with("Page not found"));
    // The stylesheet loaded from three folders down: the header is sticky.
    let position: String = tab
        .js(
            "return getComputedStyle(document.querySelector('.site-header')).position",
            vec![],
        )
        .await?;
    assert_eq!(position, "sticky", "the 404 page at {MISSING} is unstyled");
    assert!(
        tab.count("#rm-sidebar a").await? > 0,
        "the 404 page offers the guide list"
    );
    tab.click("main .prose a").await?;
    wait_for_path(&tab, "/").await?;
    Ok(())
}

/// Issue 25: served under `/kb/` with no setting saying so (a server that
/// answers every miss with the site's `404.html`, as nginx's `error_page`
/// does), the 404 page is styled, loads its scripts from `/kb/static/`, and
/// its links, "Go to the home page" first, lead into the site. Opened as
/// `/kb/404.html` (what `python3 -m http.server` run in the parent folder
/// shows), its links point into `/kb/` too.
async fn missing_url_under_a_sub_path_shows_a_working_404_page(
    tab: Tab,
    env: Env,
) -> anyhow::Result<()> {
    let root = tempfile::tempdir()?;
    std::os::unix::fs::symlink(&env.site_dir, root.path().join("kb"))?;
    // The server answers a miss with the root's 404.html: the site's own.
    std::fs::copy(env.site_dir.join("404.html"), root.path().join("404.html"))?;
    let server = StaticServer::start(root.path())?;
    for (url, status) in [("/kb/no/such/guide/", 404), ("/kb/404.html", 200)] {
        let (got, _) = http_get(server.addr().port(), url)?;
        assert_eq!(got, status, "HTTP status of {url}");
        tab.client.goto(&server.url(url)).await?;
        assert_eq!(tab.text("main h1").await?, "Page not found");
        let position: String = tab
            .js(
                "return getComputedStyle(document.querySelector('.site-header')).position",
                vec![],
            )
            .await?;
        assert_eq!(position, "sticky", "the 404 page at {url} is unstyled");
        // The page's script found the root and corrected the links.
        let home: String = tab
            .wait_for(
                "the home link to point into /kb/",
                "const a = document.querySelector('main .prose a');
                 return a.getAttribute('href') === '/kb/' && a.getAttribute('href')",
                vec![],
            )
            .await
            .with_context(|| format!("at {url}"))?;
        assert_eq!(home, "/kb/");
        let outside: Vec<String> = tab
            .js(
                "return [...document.querySelectorAll('[href], [src]')]
                     .map(e => e.getAttribute('href') || e.getAttribute('src'))
                     .filter(u => u.startsWith('/') && !u.startsWith('/kb/'))",
                vec![],
            )
            .await?;
        assert!(
            outside.is_empty(),
            "links outside /kb/ at {url}: {outside:?}"
        );
        // remedy.js came from /kb/static/ and ran: the switch is shown.
        let _: bool = tab
            .wait_for(
                "remedy.js to show the colour-scheme switch",
                "return !document.getElementById('rm-theme-switch').hidden",
                vec![],
            )
            .await?;
        let scripts: Vec<String> = tab
            .js(
                "return performance.getEntriesByType('resource').map(e => e.name)
                     .filter(n => n.includes('/static/') && n.includes('.js'))",
                vec![],
            )
            .await?;
        assert!(
            !scripts.is_empty() && scripts.iter().all(|u| u.contains("/kb/static/")),
            "scripts not loaded from /kb/static/: {scripts:?}"
        );
    }
    tab.client.goto(&server.url("/kb/no/such/guide/")).await?;
    let _: bool = tab
        .wait_for(
            "the home link to point into /kb/",
            "return document.querySelector('main .prose a').getAttribute('href') === '/kb/'",
            vec![],
        )
        .await?;
    tab.click("main .prose a").await?;
    wait_for_path(&tab, "/kb/").await?;
    let title = tab.client.title().await?;
    assert!(
        !tab.text("main h1").await?.contains("Page not found") && title.contains("remedy"),
        "the home link led to {title:?}"
    );
    // And a guide from the sidebar.
    tab.client.goto(&server.url("/kb/no/such/guide/")).await?;
    let _: bool = tab
        .wait_for(
            "the sidebar to point into /kb/",
            "const a = document.querySelector('#rm-sidebar a[href$=\"providers/\"]');
             return a.getAttribute('href') === '/kb/providers/'",
            vec![],
        )
        .await?;
    tab.click("#rm-sidebar a[href$='providers/']").await?;
    wait_for_path(&tab, "/kb/providers/").await?;
    let h1 = tab.text("main h1").await?;
    assert!(
        h1.starts_with("Providers"),
        "the sidebar link led to {h1:?}"
    );
    Ok(())
}

/// Clicks `css` where it is: [`Tab::click`] first scrolls it to the middle
/// of the screen, which for a control in the sticky header moves the page.
async fn click_in_place(tab: &Tab, css: &str) -> anyhow::Result<()> {
    tab.client
        .find(fantoccini::Locator::Css(css))
        .await
        .with_context(|| format!("find `{css}`"))?
        .click()
        .await
        .with_context(|| format!("click `{css}`"))
}

/// Opens the phone drawer from the menu button and waits until it has slid
/// in: a click on its close button while it moves lands on the header.
async fn open_drawer(tab: &Tab) -> anyhow::Result<()> {
    click_in_place(tab, "#rm-menu-toggle").await?;
    let _: f64 = tab
        .wait_for(
            "the drawer to slide in",
            "const r = document.getElementById('rm-sidebar').getBoundingClientRect();
             return r.left >= -0.5 && r.left + 1",
            vec![],
        )
        .await?;
    Ok(())
}

/// Presses `key` with Shift held, on whatever has focus.
async fn press_shifted(tab: &Tab, key: Key) -> anyhow::Result<()> {
    use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};
    let shift = char::from(Key::Shift);
    let key = char::from(key);
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: shift })
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key })
        .then(KeyAction::Up { value: shift });
    tab.client
        .perform_actions(actions)
        .await
        .context("press a shifted key")
}

/// Where the drawer is, whether it is open, the page's scroll position and
/// where focus is (inside the drawer, or the element's id).
#[derive(Debug, Deserialize)]
struct Drawer {
    top: f64,
    bottom: f64,
    right: f64,
    open: bool,
    scroll: f64,
    focus_inside: bool,
    focus: String,
    main_inert: bool,
}

async fn drawer(tab: &Tab) -> anyhow::Result<Drawer> {
    tab.js(
        "const s = document.getElementById('rm-sidebar'), r = s.getBoundingClientRect();
         const a = document.activeElement;
         return {top: r.top, bottom: r.bottom, right: r.right,
                 open: s.classList.contains('open') && getComputedStyle(s).visibility === 'visible',
                 scroll: scrollY, focus_inside: s.contains(a), focus: a.id || a.className,
                 main_inert: !!document.getElementById('rm-main').inert};",
        vec![],
    )
    .await
}

/// Issue 25: on a phone the sidebar is a drawer. Opened far down a guide,
/// it covers the screen where the reader is (it used to open 1,900 px
/// above); the page behind is inert and stays put; Tab and Shift+Tab cycle
/// inside it; Esc, the close button and the backdrop close it, and focus
/// returns to the menu button.
async fn drawer_opens_where_the_reader_is_and_keeps_focus(
    tab: Tab,
    _env: Env,
) -> anyhow::Result<()> {
    tab.client.set_window_size(360, 740).await?;
    tab.open(GUIDE).await?;
    let menu = "#rm-menu-toggle";
    assert!(tab.is_displayed(menu).await?, "no menu button at 360 px");
    assert!(
        !tab.is_displayed("#rm-sidebar").await?,
        "the drawer is open before asking"
    );
    let _: Option<bool> = tab
        .js("window.scrollTo({top: 2500, behavior: 'instant'})", vec![])
        .await?;
    let at: f64 = tab.js("return scrollY", vec![]).await?;
    assert!(at > 2000.0, "the guide is too short to scroll ({at})");
    click_in_place(&tab, menu).await?;
    let open = drawer(&tab).await?;
    let (width, height): (f64, f64) = tab.js("return [innerWidth, innerHeight]", vec![]).await?;
    assert!(
        open.open,
        "the menu button did not open the drawer: {open:?}"
    );
    assert!(
        open.top >= -1.0 && open.top < 1.0 && open.bottom >= height - 1.0,
        "the drawer is not on screen from top to bottom: {open:?}"
    );
    // It slides in; wait for it to arrive before measuring its left edge.
    let left: f64 = tab
        .wait_for(
            "the drawer to slide in",
            "const r = document.getElementById('rm-sidebar').getBoundingClientRect();
             return r.left >= -0.5 && r.left + 0.5",
            vec![],
        )
        .await?;
    assert!(left - 0.5 < 1.0, "the drawer's left edge is at {left}");
    assert!(open.right <= width, "the drawer is wider than the screen");
    assert_eq!(open.scroll, at, "opening the drawer scrolled the page");
    assert!(
        open.focus_inside,
        "focus stayed outside the drawer: {open:?}"
    );
    assert!(open.main_inert, "the page behind the drawer is not inert");
    assert!(tab.is_displayed(".drawer-backdrop").await?, "no backdrop");
    assert_eq!(
        tab.attr(menu, "aria-expanded").await?.as_deref(),
        Some("true")
    );

    // Tab goes round inside the drawer, both ways.
    let stops: usize = tab
        .js(
            "return [...document.querySelectorAll('#rm-sidebar a[href], #rm-sidebar button')]
                 .filter(e => e.getClientRects().length).length",
            vec![],
        )
        .await?;
    for i in 0..stops + 2 {
        tab.press(&Key::Tab.to_string()).await?;
        let now = drawer(&tab).await?;
        assert!(now.focus_inside, "Tab {} left the drawer: {now:?}", i + 1);
    }
    click_in_place(&tab, ".drawer-close").await?;
    open_drawer(&tab).await?;
    press_shifted(&tab, Key::Tab).await?;
    let back = drawer(&tab).await?;
    assert!(back.focus_inside, "Shift+Tab left the drawer: {back:?}");

    tab.press(&Key::Escape.to_string()).await?;
    let closed = drawer(&tab).await?;
    assert!(!closed.open, "Esc did not close the drawer");
    assert_eq!(
        closed.focus, "rm-menu-toggle",
        "focus did not return to the menu button"
    );
    assert_eq!(closed.scroll, at, "closing the drawer scrolled the page");
    assert!(!closed.main_inert, "the page stayed inert");
    assert_eq!(
        tab.attr(menu, "aria-expanded").await?.as_deref(),
        Some("false")
    );
    // It slides out, then is hidden (out of the Tab order).
    let _: bool = tab
        .wait_for(
            "the drawer to be hidden",
            "return getComputedStyle(document.getElementById('rm-sidebar')).visibility === 'hidden'",
            vec![],
        )
        .await?;
    assert!(!tab.is_displayed(".drawer-backdrop").await?);

    // The close button and the backdrop (a tap beside the drawer).
    open_drawer(&tab).await?;
    click_in_place(&tab, ".drawer-close").await?;
    let closed = drawer(&tab).await?;
    assert!(
        !closed.open && closed.focus == "rm-menu-toggle",
        "{closed:?}"
    );
    open_drawer(&tab).await?;
    let hit: String = tab
        .js(
            "const e = document.elementFromPoint(document.documentElement.clientWidth - 10, innerHeight / 2);
             const name = e.className; e.click(); return name;",
            vec![],
        )
        .await?;
    assert_eq!(
        hit, "drawer-backdrop",
        "beside the drawer is not the backdrop"
    );
    let closed = drawer(&tab).await?;
    assert!(
        !closed.open && closed.focus == "rm-menu-toggle",
        "{closed:?}"
    );
    Ok(())
}

/// Issue 25: the phone header is one row (about 56 px, it used to be two)
/// with a search button; the button turns the row into a full-width search
/// box whose results take the screen's width, and Esc or the close button
/// gives the row back. The placeholder says nothing about a "/" key.
async fn phone_header_is_one_row_with_a_search_button(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.client.set_window_size(360, 740).await?;
    tab.open(GUIDE).await?;
    let height: f64 = tab
        .js(
            "return document.querySelector('.site-header').getBoundingClientRect().height",
            vec![],
        )
        .await?;
    assert!(
        (48.0..=60.0).contains(&height),
        "the header is {height} px tall at 360 px"
    );
    let placeholder = tab
        .attr(SEARCH_INPUT, "placeholder")
        .await?
        .unwrap_or_default();
    assert!(!placeholder.contains('/'), "placeholder {placeholder:?}");
    assert!(
        !tab.is_displayed(SEARCH_INPUT).await?,
        "the box shows before asking"
    );
    let opener = "#rm-search-open";
    assert!(
        tab.is_displayed(opener).await?,
        "no search button at 360 px"
    );
    tab.click(opener).await?;
    let (left, right, page, focus): (f64, f64, f64, String) = tab
        .js(
            "const r = document.getElementById('rm-search').getBoundingClientRect();
             return [r.left, r.right, document.documentElement.clientWidth, document.activeElement.id]",
            vec![],
        )
        .await?;
    assert_eq!(
        focus, "rm-search-input",
        "the search button did not focus the box"
    );
    assert!(
        left <= 1.0 && right >= page - 1.0,
        "the search box spans {left}..{right}, not the page's {page} px"
    );
    assert_eq!(
        tab.attr(opener, "aria-expanded").await?.as_deref(),
        Some("true")
    );
    tab.type_into(SEARCH_INPUT, "card_declined").await?;
    wait_for_results(&tab).await?;
    let (left, right): (f64, f64) = tab
        .js(
            "const r = document.getElementById('rm-search-results').getBoundingClientRect();
             return [r.left, r.right]",
            vec![],
        )
        .await?;
    assert!(
        left <= 1.0 && right >= page - 1.0,
        "results span {left}..{right} of {page} px"
    );
    // Esc empties the box; a second Esc closes it.
    tab.press(&Key::Escape.to_string()).await?;
    tab.press(&Key::Escape.to_string()).await?;
    let focus: String = tab.js("return document.activeElement.id", vec![]).await?;
    assert_eq!(focus, "rm-search-open", "Esc did not give the row back");
    assert!(!tab.is_displayed(SEARCH_INPUT).await?);
    assert!(tab.is_displayed(".site-header .site-title").await?);
    tab.click(opener).await?;
    tab.click("#rm-search-close").await?;
    let focus: String = tab.js("return document.activeElement.id", vec![]).await?;
    assert_eq!(
        focus, "rm-search-open",
        "the close button did not give the row back"
    );
    // "/" opens it too (a phone with a keyboard).
    tab.press("/").await?;
    let focus: String = tab.js("return document.activeElement.id", vec![]).await?;
    assert_eq!(focus, "rm-search-input", "/ did not open the search");
    Ok(())
}

/// Pictures for a person: five kinds of page at a phone's, a tablet's and
/// a desktop's width, light and dark (`target/screenshots/NAME-WIDTH-SCHEME.png`).
async fn screenshots_light_and_dark(tab: Tab, env: Env) -> anyhow::Result<()> {
    let pages = [
        ("home", "/".to_string()),
        ("guide", GUIDE.to_string()),
        ("section", SECTION.to_string()),
        ("tree", format!("{TREE}#stripe-card-declined")),
        ("404", MISSING.to_string()),
    ];
    for width in [360u32, 768, 1440] {
        tab.client.set_window_size(width, 900).await?;
        for (name, path) in &pages {
            for theme in ["light", "dark"] {
                tab.open(path).await?;
                set_theme(&tab, theme).await?;
                // Clicking the switch scrolled to the top: back to the step.
                let _: Option<bool> = tab
                    .js(
                        "const t = location.hash && document.getElementById(location.hash.slice(1));
                         if (t) t.scrollIntoView({behavior: 'instant'});",
                        vec![],
                    )
                    .await?;
                let file = env.screenshots.join(format!("{name}-{width}-{theme}.png"));
                tab.screenshot(&file).await?;
                tools::announce(&format!("screenshot: {}", file.display()));
                if *name == "tree" {
                    // The map (the outline on a phone), with the path taken.
                    let _: Option<bool> = tab
                        .js(
                            "document.querySelector('.tree-overview').scrollIntoView({behavior: 'instant'});",
                            vec![],
                        )
                        .await?;
                    let file = env
                        .screenshots
                        .join(format!("tree-map-{width}-{theme}.png"));
                    tab.screenshot(&file).await?;
                    tools::announce(&format!("screenshot: {}", file.display()));
                }
            }
        }
    }
    Ok(())
}

/// The site's page paths, from its sitemap.
fn sitemap_paths(env: &Env) -> anyhow::Result<Vec<String>> {
    let (status, xml) = http_get(env.server_port, "/sitemap.xml")?;
    ensure!(status == 200, "sitemap.xml answered {status}");
    let paths: Vec<String> = xml
        .split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</loc>"))
        .filter_map(|(url, _)| {
            let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
            after_scheme
                .find('/')
                .map(|i| after_scheme[i..].to_string())
        })
        .collect();
    ensure!(
        paths.len() > 20,
        "the sitemap lists only {} pages",
        paths.len()
    );
    Ok(paths)
}

/// Issue 15: at 360 px (a small phone) no page of the sitemap, nor the 404
/// page, is wider than the screen. Wide tables and code scroll in their
/// own boxes; the page itself never scrolls sideways.
async fn no_page_scrolls_sideways_at_360_px(tab: Tab, env: Env) -> anyhow::Result<()> {
    tab.client.set_window_size(360, 800).await?;
    let mut paths = sitemap_paths(&env)?;
    paths.push(MISSING.to_string());
    let mut wide = Vec::new();
    for path in &paths {
        tab.open(path).await?;
        let (width, scroll, culprits): (f64, f64, Vec<String>) = tab
            .js(
                "const w = document.documentElement.clientWidth;
                 const out = [...document.body.querySelectorAll('*')]
                     .filter(e => e.getBoundingClientRect().right > w + 0.5
                         && ![...e.querySelectorAll('*')].some(c => c.getBoundingClientRect().right > w + 0.5))
                     .slice(0, 3)
                     .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ': '
                         + (e.textContent || '').trim().slice(0, 40));
                 return [w, document.documentElement.scrollWidth, out];",
                vec![],
            )
            .await?;
        ensure!(width <= 360.0, "the window is {width} px wide, not 360");
        if scroll > width {
            wide.push(format!(
                "{path}: {scroll} px wide ({})",
                culprits.join("; ")
            ));
        }
    }
    assert!(
        wide.is_empty(),
        "{} of {} pages scroll sideways at 360 px:\n{}",
        wide.len(),
        paths.len(),
        wide.join("\n")
    );
    Ok(())
}

/// Where `selector`'s top is, and the sticky header's bottom.
async fn top_and_header(tab: &Tab, selector: &str) -> anyhow::Result<(f64, f64)> {
    tab.js(
        "const e = document.querySelector(arguments[0]);
         return [e.getBoundingClientRect().top,
                 document.querySelector('.site-header').getBoundingClientRect().bottom];",
        vec![json!(selector)],
    )
    .await
}

/// Waits until the page stops scrolling (the theme scrolls smoothly).
async fn settle(tab: &Tab) -> anyhow::Result<()> {
    let _: bool = tab
        .wait_for(
            "the page to stop scrolling",
            "const y = scrollY, still = window.rmLastY === y; window.rmLastY = y; return still;",
            vec![],
        )
        .await?;
    Ok(())
}

/// Issue 15: a shared link to a tree step or a heading (search results are
/// such links) and an answer clicked show their target below the sticky
/// header, on a phone (tall header: the search box wraps) and a desktop.
async fn anchors_and_tree_steps_land_below_the_header(tab: Tab, _env: Env) -> anyhow::Result<()> {
    for width in [360u32, 1280] {
        tab.client.set_window_size(width, 800).await?;
        tab.open(&format!("{TREE}#stripe-card-declined")).await?;
        settle(&tab).await?;
        let (top, header) = top_and_header(&tab, "#stripe-card-declined").await?;
        assert!(
            top >= header - 1.0,
            "at {width} px the shared step (top {top}) is under the header (bottom {header})"
        );

        tab.open(TREE).await?;
        let next = answer(&tab, 2).await?;
        settle(&tab).await?;
        let (top, header) = top_and_header(&tab, &format!("section[id='{next}']")).await?;
        assert!(
            top >= header - 1.0,
            "at {width} px the answered step (top {top}) is under the header (bottom {header})"
        );

        tab.open(&format!("{GUIDE}#card-declined")).await?;
        settle(&tab).await?;
        let (top, header) = top_and_header(&tab, "#card-declined").await?;
        assert!(
            top >= header - 1.0,
            "at {width} px the heading (top {top}) is under the header (bottom {header})"
        );
        assert!(
            top < 400.0,
            "at {width} px the heading is not at the top of the view ({top})"
        );
    }
    Ok(())
}

/// The same for a shared step with JavaScript off (CSS alone shows it).
async fn tree_steps_land_below_the_header_without_javascript(
    tab: Tab,
    _env: Env,
) -> anyhow::Result<()> {
    for width in [360u32, 1280] {
        tab.client.set_window_size(width, 800).await?;
        // Another page first: opening the same URL again would only move
        // within the page already laid out at the other width.
        tab.open("/").await?;
        tab.open(&format!("{TREE}#stripe-card-declined")).await?;
        settle(&tab).await?;
        let (top, header) = top_and_header(&tab, "#stripe-card-declined").await?;
        assert!(
            top >= header - 1.0,
            "at {width} px without JS the step (top {top}) is under the header (bottom {header})"
        );
    }
    Ok(())
}

/// Sidebar sections fold with a button that reports its state, and on a
/// page far down a long section the current entry is scrolled into view.
async fn sidebar_sections_fold_and_keep_the_current_page_in_view(
    tab: Tab,
    _env: Env,
) -> anyhow::Result<()> {
    tab.client.set_window_size(1280, 600).await?;
    tab.open("/providers/wandb-inference/").await?;
    let in_view: bool = tab
        .js(
            "const s = document.getElementById('rm-sidebar').getBoundingClientRect();
             const c = document.querySelector('#rm-sidebar [aria-current=\"page\"]').getBoundingClientRect();
             return c.top >= s.top && c.bottom <= s.bottom;",
            vec![],
        )
        .await?;
    assert!(
        in_view,
        "the current page's sidebar entry is scrolled out of view"
    );

    let toggle = "#rm-sidebar li.nav-section > button.nav-toggle";
    assert_eq!(
        tab.count(toggle).await?,
        1,
        "one open section, one fold button"
    );
    assert_eq!(
        tab.attr(toggle, "aria-expanded").await?.as_deref(),
        Some("true")
    );
    let list = tab
        .attr(toggle, "aria-controls")
        .await?
        .context("the fold button controls nothing")?;
    assert!(tab.is_displayed(&format!("#{list}")).await?);
    tab.click(toggle).await?;
    assert_eq!(
        tab.attr(toggle, "aria-expanded").await?.as_deref(),
        Some("false")
    );
    assert!(
        !tab.is_displayed(&format!("#{list}")).await?,
        "folding did not hide the section's pages"
    );
    tab.click(toggle).await?;
    assert_eq!(
        tab.attr(toggle, "aria-expanded").await?.as_deref(),
        Some("true")
    );
    assert!(tab.is_displayed(&format!("#{list}")).await?);
    Ok(())
}

/// The tree map shows every label whole, zooms with its buttons, and a
/// phone gets an outline of the questions instead, with the path marked.
/// Issue 25: no zoom, Fit included, draws labels below 11 px; a map wider
/// than that pans in its box instead.
async fn tree_map_zooms_and_phones_get_an_outline(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open(&format!("{TREE}#stripe-card-declined")).await?;
    assert!(
        tab.is_displayed(".tree-map-wrap").await?,
        "no map at 1280 px"
    );
    assert!(
        !tab.is_displayed(".tree-outline").await?,
        "the outline shows beside the map"
    );
    let cut: usize = tab
        .js(
            "return [...document.querySelectorAll('.map-node text')]
                 .filter(t => t.textContent.endsWith('…')).length",
            vec![],
        )
        .await?;
    assert_eq!(cut, 0, "labels cut short on the map");
    let width = |tab: &Tab| {
        let tab = tab.clone();
        async move {
            tab.js::<f64>(
                "return document.querySelector('svg.tree-map').getBoundingClientRect().width",
                vec![],
            )
            .await
        }
    };
    let label_px = |tab: &Tab| {
        let tab = tab.clone();
        async move {
            tab.js::<f64>(
                "const t = document.querySelector('.map-node text');
                 const svg = t.closest('svg');
                 return parseFloat(getComputedStyle(t).fontSize)
                     * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width",
                vec![],
            )
            .await
        }
    };
    let natural = width(&tab).await?;
    tab.click("#rm-tree-zoom [data-zoom='fit']").await?;
    let fit = width(&tab).await?;
    let (column, scrolls): (f64, bool) = tab
        .js(
            "const w = document.querySelector('.tree-map-wrap');
             return [w.clientWidth, w.scrollWidth > w.clientWidth]",
            vec![],
        )
        .await?;
    let px = label_px(&tab).await?;
    assert!(px >= 10.99, "Fit draws labels at {px:.1} px");
    assert!(
        fit <= natural && (fit <= column + 1.0 || scrolls),
        "Fit: {fit} px in a {column} px box that does not scroll"
    );
    for _ in 0..4 {
        tab.click("#rm-tree-zoom [data-zoom='out']").await?;
    }
    let px = label_px(&tab).await?;
    assert!(px >= 10.99, "Zoom out draws labels at {px:.1} px");
    tab.click("#rm-tree-zoom [data-zoom='in']").await?;
    assert!(width(&tab).await? > fit, "Zoom in did not enlarge the map");

    tab.client.set_window_size(360, 800).await?;
    assert!(
        tab.is_displayed(".tree-outline").await?,
        "no outline at 360 px"
    );
    assert!(
        !tab.is_displayed(".tree-map-wrap").await?,
        "the map shows at 360 px"
    );
    assert_eq!(
        tab.count(".tree-outline li[data-from].on-path").await?,
        4,
        "the outline marks the four answers given"
    );
    assert_eq!(
        tab.count(".tree-outline li[data-node].current").await?,
        0,
        "a remedy is not a question of the outline"
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Search (themes/default/static/search.js over the exported index).

const SEARCH_INPUT: &str = "#rm-search-input";
const SEARCH_PANEL: &str = "#rm-search-results";
const SEARCH_LINKS: &str = "#rm-search-results .search-link";

/// Waits until the results panel shows the results for what is in the box
/// (typing is debounced, so earlier keystrokes may have rendered first).
/// On timeout, says what the box and the panel held instead.
async fn wait_for_results(tab: &Tab) -> anyhow::Result<()> {
    let waited: anyhow::Result<bool> = tab
        .wait_for(
            "the search results for the query in the box",
            "const p = document.getElementById('rm-search-results');
             const q = document.getElementById('rm-search-input').value;
             return !p.hidden && p.dataset.query === q.slice(0, 20000);",
            vec![],
        )
        .await;
    if let Err(e) = waited {
        let state: Value = tab
            .js(
                "const p = document.getElementById('rm-search-results');
                 return {box: document.getElementById('rm-search-input').value.slice(0, 80),
                         shown: p.dataset.query, hidden: p.hidden,
                         focus: document.activeElement.id || document.activeElement.tagName,
                         url: location.href, dbg: window.__dbg}",
                vec![],
            )
            .await?;
        return Err(e.context(format!("search state: {state}")));
    }
    Ok(())
}

/// Types `query` into the search box and waits for its results.
async fn search_for(tab: &Tab, query: &str) -> anyhow::Result<()> {
    tab.click(SEARCH_INPUT).await?;
    tab.type_into(SEARCH_INPUT, query).await?;
    wait_for_results(tab)
        .await
        .with_context(|| format!("search for {query:?}"))
}

/// The `href` attributes of the result links, in order.
async fn result_links(tab: &Tab) -> anyhow::Result<Vec<String>> {
    tab.js(
        "return [...document.querySelectorAll(arguments[0])].map(a => a.getAttribute('href'))",
        vec![json!(SEARCH_LINKS)],
    )
    .await
}

/// The URLs of the search files the page has loaded so far.
async fn search_files_loaded(tab: &Tab) -> anyhow::Result<Vec<String>> {
    tab.js(
        "return performance.getEntriesByType('resource').map(e => e.name)
             .filter(n => n.includes('/search/'))",
        vec![],
    )
    .await
}

/// Waits for the page the click or key press started to load, then checks
/// that the URL names a section (`#id`) and that the page has that id.
async fn wait_for_anchor(tab: &Tab, href_end: &str) -> anyhow::Result<String> {
    let hash: String = tab
        .wait_for(
            &format!("a page whose URL ends with {href_end}"),
            "return document.readyState === 'complete'
                 && (location.pathname + location.hash).endsWith(arguments[0])
                 && location.hash",
            vec![json!(href_end)],
        )
        .await?;
    let id = hash.trim_start_matches('#').to_string();
    let exists: bool = tab
        .js(
            "return !!document.getElementById(decodeURIComponent(arguments[0]))",
            vec![json!(id)],
        )
        .await?;
    assert!(exists, "the page has no element with the result's id #{id}");
    Ok(id)
}

/// Waits for a result's page to open: at its section when the link names
/// one (a page's lead has no #id), else at the page itself.
async fn wait_for_result(tab: &Tab, href: &str) -> anyhow::Result<()> {
    if href.contains('#') {
        wait_for_anchor(tab, href).await?;
    } else {
        let _: bool = tab
            .wait_for(
                &format!("a page whose URL ends with {href}"),
                "return document.readyState === 'complete'
                     && location.pathname.endsWith(arguments[0])",
                vec![json!(href)],
            )
            .await?;
    }
    Ok(())
}

/// Pastes `text` into the search box as a reader does (the box drops its
/// line breaks; the clipboard keeps them) and waits for the results.
async fn paste_into_search(tab: &Tab, text: &str) -> anyhow::Result<()> {
    let _: Value = tab
        .js(
            "const i = document.getElementById('rm-search-input'), t = arguments[0];
             i.focus(); i.select();
             const dt = new DataTransfer(); dt.setData('text', t);
             i.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
             i.value = t.replace(/[\\r\\n]/g, '');
             i.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![json!(text)],
        )
        .await?;
    let _: bool = tab
        .wait_for(
            "the results for the paste",
            "const p = document.getElementById('rm-search-results');
             return !p.hidden && p.dataset.query === arguments[0].slice(0, 20000);",
            vec![json!(text)],
        )
        .await?;
    Ok(())
}

/// Issue 27: a response pasted into the search box shows where it leads
/// above the results, and the remedy's guide comes first. An ordinary
/// query loads nothing of the triage; a 20 KB paste is read quickly.
async fn search_box_reads_a_pasted_response(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open("/providers/").await?;
    search_for(&tab, "card declined").await?;
    ensure!(
        tab.count(".search-triage").await? == 0,
        "a typed query got a triage card"
    );
    let loaded: Vec<String> = tab
        .js("return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('triage'))", vec![])
        .await?;
    ensure!(loaded.is_empty(), "an ordinary query loaded {loaded:?}");

    let paste = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/triage/stripe-curl-v.txt"),
    )?;
    paste_into_search(&tab, &paste).await?;
    let node = tab.attr(".search-triage", "data-node").await?;
    assert_eq!(node.as_deref(), Some("stripe-card-declined"));
    let card = tab.text(".search-triage").await?;
    assert!(
        card.to_lowercase().contains("this looks like") && card.contains("Stripe"),
        "{card}"
    );
    let links = result_links(&tab).await?;
    assert!(
        links[0].ends_with("troubleshoot/402/#stripe-card-declined"),
        "the card's link comes first: {links:?}"
    );
    assert!(
        links[1].contains("providers/stripe/"),
        "the remedy's guide leads the results: {links:?}"
    );
    // The card is the first stop for the keyboard too.
    tab.type_into(SEARCH_INPUT, &format!("{}", Key::Down))
        .await?;
    let focused: String = tab
        .js("return document.activeElement.getAttribute('href')", vec![])
        .await?;
    assert!(focused.ends_with("#stripe-card-declined"), "{focused}");

    // 20 KB: the walk itself, in the page, with what the box fetched.
    let mut big = paste.clone();
    while big.len() < 20_000 {
        big.push_str("* TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):\n");
    }
    paste_into_search(&tab, &big).await?;
    let timing: Value = tab
        .js(
            "const d = performance.getEntriesByType('resource').filter(e => /search|triage/.test(e.name));
             return {ms: +document.querySelector('.search-triage').dataset.ms,
                     bytes: d.reduce((n, e) => n + e.encodedBodySize, 0),
                     files: d.map(e => e.name.split('/').pop())}",
            vec![],
        )
        .await?;
    println!(
        "search box: a 20 KB paste walked in {} ms; fetched {}",
        timing["ms"], timing
    );
    // The walk recorded its time (it ran); 10 s is a hang guard, not a
    // speed target: the figure above is the measurement.
    ensure!(
        timing["ms"].as_f64().is_some_and(|ms| ms < 10_000.0),
        "the 20 KB paste was not walked: {timing}"
    );

    // Markup in a paste stays text in the card.
    let hostile = "HTTP/1.1 402\nWWW-Authenticate: L402 <img src=x onerror=window.__pwned=1>\n\n";
    paste_into_search(&tab, hostile).await?;
    let pwned: Value = tab
        .js(
            "return [window.__pwned, document.querySelectorAll('#rm-search-results img').length]",
            vec![],
        )
        .await?;
    assert_eq!(pwned, json!([null, 0]));
    Ok(())
}

/// Results appear as you type: the Stripe guide first for its error code,
/// with the typed word marked and the count announced. Nothing of the index
/// is fetched until the box is used.
async fn search_shows_results_as_you_type(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open("/").await?;
    assert!(
        tab.is_displayed("#rm-search").await?,
        "search.js did not show the search form"
    );
    // The "/" shortcut is shown beside the box (not on touch screens) and
    // announced as a key shortcut, not written into the placeholder.
    assert_eq!(
        tab.attr(SEARCH_INPUT, "placeholder").await?.as_deref(),
        Some("Search")
    );
    assert_eq!(
        tab.attr(SEARCH_INPUT, "aria-keyshortcuts")
            .await?
            .as_deref(),
        Some("/")
    );
    assert!(
        tab.is_displayed(".search-key").await?,
        "no / hint at 1280 px"
    );
    let early = search_files_loaded(&tab).await?;
    assert!(
        early.is_empty(),
        "search files loaded before the box was used: {early:?}"
    );

    search_for(&tab, "card_declined").await?;
    let links = result_links(&tab).await?;
    assert!(!links.is_empty(), "no results for card_declined");
    assert!(
        links[0].starts_with("providers/stripe/"),
        "the first result is {}, not the Stripe guide (all: {links:?})",
        links[0]
    );
    // A guide is listed once, at its best section; each tree step is a
    // result of its own.
    let mut pages: Vec<&str> = links
        .iter()
        .map(|l| match l.split_once('#') {
            Some((page, _)) if !page.starts_with("troubleshoot/") => page,
            _ => l.as_str(),
        })
        .collect();
    pages.sort_unstable();
    pages.dedup();
    assert_eq!(
        pages.len(),
        links.len(),
        "a page is listed twice: {links:?}"
    );
    let marked: Vec<String> = tab
        .js(
            "return [...document.querySelectorAll('#rm-search-results mark')].map(m => m.textContent)",
            vec![],
        )
        .await?;
    assert!(
        marked.iter().any(|m| m.to_lowercase().contains("declined")),
        "no matched word is marked: {marked:?}"
    );
    let status = tab.text("#rm-search-status").await;
    let status = match status {
        Ok(s) if !s.is_empty() => s,
        // Visually hidden: WebDriver reports no rendered text.
        _ => {
            tab.js(
                "return document.getElementById('rm-search-status').textContent",
                vec![],
            )
            .await?
        }
    };
    assert_eq!(
        status,
        format!("{} results", links.len()),
        "the live region's announcement"
    );
    let loaded = search_files_loaded(&tab).await?;
    assert!(
        loaded.iter().any(|u| u.ends_with("/search/meta.js")),
        "meta.js was not loaded: {loaded:?}"
    );
    assert!(
        loaded
            .iter()
            .filter(|u| !u.ends_with("meta.js"))
            .all(|u| u.contains("?v=")),
        "shard URLs without the ?v= version: {loaded:?}"
    );
    Ok(())
}

/// ArrowDown and ArrowUp walk the result links; Enter on one opens it at
/// its section. Enter in the box opens the first result.
async fn search_keyboard_opens_a_result_at_its_anchor(tab: Tab, _env: Env) -> anyhow::Result<()> {
    let focused = "return document.activeElement.id
        || [...document.querySelectorAll(arguments[0])].indexOf(document.activeElement)";
    tab.open("/").await?;
    search_for(&tab, "idempotency key").await?;
    let links = result_links(&tab).await?;
    assert!(links.len() >= 2, "two results needed, got {links:?}");
    let down = Key::Down.to_string();
    let up = Key::Up.to_string();
    tab.press(&down).await?;
    assert_eq!(
        tab.js::<Value>(focused, vec![json!(SEARCH_LINKS)]).await?,
        json!(0)
    );
    tab.press(&down).await?;
    assert_eq!(
        tab.js::<Value>(focused, vec![json!(SEARCH_LINKS)]).await?,
        json!(1)
    );
    tab.press(&up).await?;
    assert_eq!(
        tab.js::<Value>(focused, vec![json!(SEARCH_LINKS)]).await?,
        json!(0)
    );
    tab.press(&up).await?;
    assert_eq!(
        tab.js::<Value>(focused, vec![json!(SEARCH_LINKS)]).await?,
        json!("rm-search-input"),
        "ArrowUp from the first result returns to the box"
    );
    // Enter on the first result that opens at a section (a page's lead
    // has no #id).
    let at = links
        .iter()
        .position(|l| l.contains('#'))
        .context("no result opens at a section")?;
    for _ in 0..=at {
        tab.press(&down).await?;
    }
    tab.press(&Key::Enter.to_string()).await?;
    wait_for_anchor(&tab, &links[at]).await?;

    // A result on the page being read only changes the #fragment: the
    // panel must still get out of the way.
    tab.open(GUIDE).await?;
    search_for(&tab, "idempotency key").await?;
    let links = result_links(&tab).await?;
    ensure!(
        links[0].ends_with("providers/stripe/#idempotency"),
        "the Stripe guide's idempotency section should come first: {links:?}"
    );
    tab.press(&down).await?;
    tab.press(&Key::Enter.to_string()).await?;
    wait_for_path(&tab, &format!("{GUIDE}#idempotency")).await?;
    assert!(
        !tab.is_displayed(SEARCH_PANEL).await?,
        "the results stay open over the section they led to"
    );

    tab.open(SECTION).await?;
    search_for(&tab, "card_declined").await?;
    let links = result_links(&tab).await?;
    tab.press(&Key::Enter.to_string()).await?;
    // Links are relative to the page they are on (here ../).
    let first = links[0].trim_start_matches("../");
    wait_for_result(&tab, first).await?;
    Ok(())
}

/// `/` anywhere but in a text field jumps to the box; Esc empties the box,
/// closes the results and leaves focus in the box.
async fn slash_focuses_search_and_escape_closes_it(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open(GUIDE).await?;
    tab.press("/").await?;
    let active: String = tab.js("return document.activeElement.id", vec![]).await?;
    assert_eq!(active, "rm-search-input", "/ did not focus the search box");
    let value: String = tab
        .js("return document.activeElement.value", vec![])
        .await?;
    assert_eq!(value, "", "the / was typed into the box");

    tab.type_into(SEARCH_INPUT, "retry").await?;
    wait_for_results(&tab).await?;
    assert!(tab.is_displayed(SEARCH_PANEL).await?);
    // Esc from a result link, not only from the box.
    tab.press(&Key::Down.to_string()).await?;
    tab.press(&Key::Escape.to_string()).await?;
    let (hidden, value, active): (bool, String, String) = tab
        .js(
            "return [document.getElementById('rm-search-results').hidden,
                     document.getElementById('rm-search-input').value,
                     document.activeElement.id]",
            vec![],
        )
        .await?;
    assert!(hidden, "Esc left the results open");
    assert_eq!(value, "", "Esc did not clear the box");
    assert_eq!(
        active, "rm-search-input",
        "Esc from a result returns focus to the box"
    );
    Ok(())
}

/// The kind chips keep only troubleshooter steps; a status code chip keeps
/// only pages about that code. Chips say whether they are on.
async fn search_chips_filter_by_kind_and_code(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open("/").await?;
    search_for(&tab, "402").await?;
    let all = tab.count(SEARCH_LINKS).await?;
    let steps_before = tab.count("#rm-search-results .search-kind").await?;
    assert!(all > steps_before, "402 should find guides too");
    assert_eq!(
        tab.attr("[data-chip='knull']", "aria-pressed")
            .await?
            .as_deref(),
        Some("true"),
        "All is on at first"
    );

    tab.click("[data-chip='kstep']").await?;
    let _: bool = tab
        .wait_for(
            "the steps chip to be on",
            "return !!document.querySelector(\"[data-chip='kstep'][aria-pressed='true']\")",
            vec![],
        )
        .await?;
    let shown = tab.count(SEARCH_LINKS).await?;
    assert!(shown > 0, "no troubleshooter step matches 402");
    assert_eq!(
        tab.count("#rm-search-results .search-link .search-kind")
            .await?,
        shown,
        "a result that is not a troubleshooter step is left"
    );
    assert_eq!(
        tab.attr("[data-chip='knull']", "aria-pressed")
            .await?
            .as_deref(),
        Some("false")
    );
    let focused: Option<String> = tab
        .js("return document.activeElement.dataset.chip || null", vec![])
        .await?;
    assert_eq!(focused.as_deref(), Some("kstep"), "focus stays on the chip");

    tab.click("[data-chip='knull']").await?;
    tab.client
        .find(fantoccini::Locator::Css(SEARCH_INPUT))
        .await?
        .clear()
        .await?;
    search_for(&tab, "rate limit retry").await?;
    let code: String = tab
        .js(
            "const c = [...document.querySelectorAll('[data-chip^=c]')].map(b => b.textContent)
                 .find(t => t !== '402');
             return c || null",
            vec![],
        )
        .await
        .context("no status code chip other than 402")?;
    tab.click(&format!("[data-chip='c{code}']")).await?;
    let _: bool = tab
        .wait_for(
            "the code chip to be on",
            "return !!document.querySelector(`[data-chip='c${arguments[0]}'][aria-pressed='true']`)",
            vec![json!(code)],
        )
        .await?;
    let badges: Vec<Vec<String>> = tab
        .js(
            "return [...document.querySelectorAll('#rm-search-results .search-hit')]
                 .map(li => [...li.querySelectorAll('.code-badge')].map(b => b.textContent))",
            vec![],
        )
        .await?;
    assert!(!badges.is_empty(), "no result for the {code} chip");
    assert!(
        badges.iter().all(|b| b.contains(&code)),
        "a result without a {code} badge: {badges:?}"
    );
    Ok(())
}

/// Markup typed into the box is shown as text, never run; broken queries
/// (unbalanced quotes, regex characters, 10,000 characters) raise no error
/// and the box keeps working.
async fn search_shows_markup_as_text_and_survives_bad_queries(
    tab: Tab,
    _env: Env,
) -> anyhow::Result<()> {
    tab.open("/").await?;
    let _: Option<bool> = tab
        .js(
            "window.rmErrors = []; window.rmAlerted = false;
             window.alert = () => { window.rmAlerted = true; };
             addEventListener('error', e => rmErrors.push(String(e.message)));
             addEventListener('unhandledrejection', e => rmErrors.push(String(e.reason)));",
            vec![],
        )
        .await?;
    let images: usize = tab.count("img").await?;
    let xss = "\"<img src=x onerror=alert(1)>\"";
    search_for(&tab, xss).await?;
    assert_eq!(
        tab.count("img").await?,
        images,
        "the query created an <img>"
    );
    // `=` makes it a paste (quotes are not a phrase), so its words may find
    // pages; when they find none, the query is shown back as text. One of
    // the two must be on screen: an empty panel is a failure, not a pass.
    let (empty, links, panel): (Option<String>, usize, String) = tab
        .js(
            "const p = document.getElementById('rm-search-results');
             const e = p.querySelector('.search-empty');
             return [e ? e.textContent : null,
                     p.querySelectorAll(arguments[0]).length,
                     p.textContent.slice(0, 300)];",
            vec![json!(SEARCH_LINKS.trim_start_matches("#rm-search-results "))],
        )
        .await?;
    match empty {
        Some(text) => assert!(
            text.contains("<img src=x onerror=alert(1)>"),
            "the query is not shown as text: {text:?}"
        ),
        None => assert!(
            links > 0,
            "the panel shows neither results nor the query: {panel:?}"
        ),
    }
    tab.press(&Key::Escape.to_string()).await?;
    search_for(&tab, "\"<b>zzqqy</b>\"").await?;
    let text: String = tab
        .js(
            "return document.getElementById('rm-search-results').textContent",
            vec![],
        )
        .await?;
    assert!(
        text.contains("<b>zzqqy</b>"),
        "the query is not shown as text: {text:?}"
    );
    assert_eq!(
        tab.count("#rm-search-results b").await?,
        0,
        "the query created a <b>"
    );

    let long = "a1 ".repeat(3400);
    for query in [
        "",
        "!!! ??? ...",
        "\"unbalanced quote",
        ".*+?^${}()|[]\\",
        "\"\"",
        long.as_str(),
        "card_declined",
    ] {
        let _: Option<bool> = tab
            .js(
                "const i = document.getElementById('rm-search-input');
                 i.value = arguments[0];
                 i.dispatchEvent(new Event('input'));",
                vec![json!(query)],
            )
            .await?;
        if query.is_empty() {
            continue;
        }
        wait_for_results(&tab)
            .await
            .with_context(|| format!("no results panel for {:.40?}", query))?;
    }
    assert!(
        tab.count(SEARCH_LINKS).await? > 0,
        "search stopped working after the bad queries"
    );
    let (errors, alerted): (Vec<String>, bool) = tab
        .js("return [window.rmErrors, window.rmAlerted]", vec![])
        .await?;
    assert!(errors.is_empty(), "errors in the page: {errors:?}");
    assert!(!alerted, "the query's onerror ran");
    Ok(())
}

/// `/?q=...` (what opensearch.xml's template and a shared link open) and
/// `?q=` on any other page show the results for it; markup in it stays
/// text.
async fn search_opens_from_the_q_parameter(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open("/?q=card+declined").await?;
    wait_for_results(&tab).await.context("no results for ?q=")?;
    let links = result_links(&tab).await?;
    assert!(
        links
            .first()
            .is_some_and(|l| l.contains("providers/stripe/")),
        "the first result for ?q=card+declined: {links:?}"
    );
    let value: String = tab
        .js(
            "return document.getElementById('rm-search-input').value",
            vec![],
        )
        .await?;
    assert_eq!(value, "card declined");

    let images: usize = {
        tab.open("/402/").await?;
        tab.count("img").await?
    };
    tab.open("/402/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%20zzqqy")
        .await?;
    wait_for_results(&tab)
        .await
        .context("no results panel for markup")?;
    assert_eq!(tab.count("img").await?, images, "?q= created an <img>");
    let value: String = tab
        .js(
            "return document.getElementById('rm-search-input').value",
            vec![],
        )
        .await?;
    assert_eq!(value, "<img src=x onerror=alert(1)> zzqqy");
    // A query that finds nothing is shown back, as text.
    tab.open("/402/?q=%22%3Cb%3Ezzqqy%3C%2Fb%3E%22").await?;
    wait_for_results(&tab)
        .await
        .context("no results panel for <b>")?;
    let text: String = tab
        .js(
            "return document.getElementById('rm-search-results').textContent",
            vec![],
        )
        .await?;
    assert!(
        text.contains("<b>zzqqy</b>"),
        "?q= is not shown as text: {text:?}"
    );
    assert_eq!(
        tab.count("#rm-search-results b").await?,
        0,
        "?q= created a <b>"
    );
    Ok(())
}

/// Opened from disk (`file://`, where fetch is blocked), search loads its
/// files as scripts and its links name index.html files.
async fn search_works_from_disk(tab: Tab, env: Env) -> anyhow::Result<()> {
    let home = env.site_dir.join("index.html");
    tab.client
        .goto(&format!("file://{}", home.display()))
        .await?;
    search_for(&tab, "card_declined").await?;
    let links = result_links(&tab).await?;
    assert!(
        links[0].starts_with("providers/stripe/index.html"),
        "from disk the first result links {}",
        links[0]
    );
    tab.click(SEARCH_LINKS).await?;
    wait_for_result(&tab, &links[0]).await?;
    Ok(())
}

/// Served under `/kb/` (the same build: every URL the pages and the search
/// client use is relative), search loads its files from `/kb/search/` and
/// its results open under `/kb/`.
async fn search_works_under_a_sub_path(tab: Tab, env: Env) -> anyhow::Result<()> {
    let root = tempfile::tempdir()?;
    std::os::unix::fs::symlink(&env.site_dir, root.path().join("kb"))?;
    let server = StaticServer::start(root.path())?;
    tab.client
        .goto(&server.url("/kb/providers/stripe/"))
        .await?;
    search_for(&tab, "insufficient_quota").await?;
    let loaded = search_files_loaded(&tab).await?;
    assert!(
        !loaded.is_empty() && loaded.iter().all(|u| u.contains("/kb/search/")),
        "search files not loaded from /kb/search/: {loaded:?}"
    );
    let links = result_links(&tab).await?;
    let first = links.first().context("no results under /kb/")?;
    assert!(
        first.starts_with("../../providers/openai/#"),
        "the first result links {first}"
    );
    tab.click(SEARCH_LINKS).await?;
    let (_, anchor) = first
        .split_once('#')
        .context("a result names its section")?;
    wait_for_path(&tab, &format!("/kb/providers/openai/#{anchor}")).await?;
    Ok(())
}

/// A troubleshooter step found by search opens the tree at that step.
async fn search_opens_a_tree_at_the_step(tab: Tab, _env: Env) -> anyhow::Result<()> {
    tab.open(GUIDE).await?;
    search_for(&tab, "DEPLOYMENT_DISABLED").await?;
    let step: Option<String> = tab
        .js(
            "const a = [...document.querySelectorAll(arguments[0])]
                 .find(a => a.querySelector('.search-kind'));
             return a ? a.getAttribute('href') : null",
            vec![json!(SEARCH_LINKS)],
        )
        .await?;
    let href = step.context("no troubleshooter step among the results")?;
    let label: String = tab.text("#rm-search-results .search-kind").await?;
    assert_eq!(label.to_lowercase(), "troubleshooter step");
    let (path, node) = href
        .trim_start_matches("../../")
        .split_once('#')
        .context("a step's link names its node")?;
    tab.click(&format!("#rm-search-results a[href='{href}']"))
        .await?;
    wait_for_path(&tab, &format!("/{path}#{node}")).await?;
    assert_eq!(shown_steps(&tab).await?, vec![node.to_string()]);
    Ok(())
}

/// Issue 25: a troubleshooter step's card is titled by the step's own
/// heading, under its tree's title (every step used to be titled "Why am I
/// getting a 402?"); each card is one link, so focus outlines all of it;
/// the panel ends with the keys it answers to.
async fn search_cards_title_steps_by_their_heading_and_focus_whole(
    tab: Tab,
    _env: Env,
) -> anyhow::Result<()> {
    tab.open(TREE).await?;
    let tree_title = tab.text("main h1").await?;
    search_for(&tab, "DEPLOYMENT_DISABLED").await?;
    let steps: Vec<(String, String)> = tab
        .js(
            "return [...document.querySelectorAll('#rm-search-results .search-link')]
                 .filter(a => a.querySelector('.search-kind'))
                 .map(a => [a.querySelector('.search-title').textContent,
                            (a.querySelector('.search-parent') || {}).textContent || ''])",
            vec![],
        )
        .await?;
    assert!(steps.len() >= 2, "two steps needed, got {steps:?}");
    for (title, parent) in &steps {
        assert_eq!(parent, &tree_title, "a step's parent is its tree");
        assert_ne!(
            title, &tree_title,
            "a step is titled by its tree: {steps:?}"
        );
    }
    let mut titles: Vec<&String> = steps.iter().map(|(t, _)| t).collect();
    titles.dedup();
    assert_eq!(titles.len(), steps.len(), "steps share a title: {steps:?}");

    // The first card, from the keyboard: the link is the whole card.
    tab.press(&Key::Down.to_string()).await?;
    let (whole, outline): (bool, String) = tab
        .js(
            "const a = document.activeElement, li = a.closest('.search-hit');
             const r = a.getBoundingClientRect(), c = li.getBoundingClientRect();
             const inside = [...li.querySelectorAll('*')].every(e => a === e || a.contains(e));
             return [inside && Math.abs(r.height - c.height) < 1 && Math.abs(r.width - c.width) < 1,
                     getComputedStyle(a).outlineStyle];",
            vec![],
        )
        .await?;
    assert!(whole, "the focused link is not the whole card");
    assert_eq!(outline, "solid", "the focused card has no outline");
    let keys: String = tab
        .js(
            "const k = document.querySelector('#rm-search-results .search-keys');
             return k && getComputedStyle(k).display !== 'none'
                 ? [...k.querySelectorAll('kbd')].map(e => e.textContent).join(' ') + ' | ' + k.textContent
                 : ''",
            vec![],
        )
        .await?;
    assert!(
        keys.starts_with("↵ ↑ ↓ esc") && keys.contains("open") && keys.contains("close"),
        "the key hints: {keys:?}"
    );
    Ok(())
}

/// The open results panel (chips, marks, badges) passes axe in light and
/// dark mode; a screenshot of each is left for a person to look at.
async fn axe_search_results_panel(tab: Tab, env: Env) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    for theme in ["light", "dark"] {
        tab.open(GUIDE).await?;
        // Before searching: the theme button is outside the form, and a
        // click outside closes the panel.
        set_theme(&tab, theme).await?;
        search_for(&tab, "402 payment").await?;
        assert!(tab.count("#rm-search-results mark").await? > 0);
        assert!(tab.count("#rm-search-results .code-badge").await? > 0);
        let file = env.screenshots.join(format!("search-{theme}.png"));
        tab.screenshot(&file).await?;
        tools::announce(&format!("screenshot: {}", file.display()));
        let report = run_axe(&tab, &env).await?;
        tools::announce(&format!("axe search panel ({theme}): {}", report.summary()));
        problems.extend(report.blocking().map(|v| format!("{theme}: {v}")));
    }
    // On a phone the search button turns the header row into the box, and
    // the panel takes the width; axe checks that state too.
    tab.client.set_window_size(420, 900).await?;
    tab.open(GUIDE).await?;
    tab.click("#rm-search-open").await?;
    search_for(&tab, "card_declined").await?;
    let report = run_axe(&tab, &env).await?;
    tools::announce(&format!("axe search panel (phone): {}", report.summary()));
    problems.extend(report.blocking().map(|v| format!("phone: {v}")));
    let file = env.screenshots.join("search-phone.png");
    tab.screenshot(&file).await?;
    tools::announce(&format!("screenshot: {}", file.display()));
    let (left, right): (f64, f64) = tab
        .js(
            "const r = document.getElementById('rm-search-results').getBoundingClientRect();
             return [r.left, r.right]",
            vec![],
        )
        .await?;
    assert!(
        left >= 0.0 && right <= 420.0,
        "the results panel ({left}..{right}) overflows a 420px screen"
    );
    assert!(
        problems.is_empty(),
        "axe on the search panel:\n{}",
        problems.join("\n")
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Accessibility.

/// No serious or critical axe-core violation on `path`, in light and in
/// dark mode. Lesser findings are printed, not failed.
async fn axe_page(tab: Tab, env: Env, path: &'static str) -> anyhow::Result<()> {
    tab.open(path).await?;
    let mut problems = Vec::new();
    for theme in ["light", "dark"] {
        set_theme(&tab, theme).await?;
        let report = run_axe(&tab, &env).await?;
        tools::announce(&format!("axe {path} ({theme}): {}", report.summary()));
        assert!(
            report.passes.len() > 10,
            "axe passed only {} rules on {path}",
            report.passes.len()
        );
        problems.extend(report.blocking().map(|v| format!("{theme}: {v}")));
    }
    assert!(
        problems.is_empty(),
        "axe on {path}:\n{}",
        problems.join("\n")
    );
    Ok(())
}

/// axe really reports what it should: a button without a name, planted in
/// the home page, is a critical violation. Guards against a harness that
/// always finds nothing.
async fn axe_detects_a_planted_violation(tab: Tab, env: Env) -> anyhow::Result<()> {
    tab.open("/").await?;
    let _: Option<bool> = tab
        .js(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<button></button>')",
            vec![],
        )
        .await?;
    let report = run_axe(&tab, &env).await?;
    let found: Vec<&Violation> = report
        .blocking()
        .filter(|v| v.id == "button-name")
        .collect();
    assert_eq!(
        found.len(),
        1,
        "axe missed the planted nameless button: {}",
        report.summary()
    );
    assert_eq!(found[0].impact.as_deref(), Some("critical"));
    Ok(())
}

/// What one axe-core run found.
#[derive(Debug, Deserialize)]
struct AxeReport {
    version: String,
    violations: Vec<Violation>,
    /// Rule ids by outcome: together, every rule that ran.
    passes: Vec<String>,
    incomplete: Vec<String>,
    inapplicable: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Violation {
    id: String,
    impact: Option<String>,
    help: String,
    /// CSS selectors of the offending elements, with axe's explanation.
    nodes: Vec<String>,
}

/// How many offending elements of a violation are printed.
const SHOWN_NODES: usize = 4;

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let impact = self.impact.as_deref().unwrap_or("unknown");
        write!(
            f,
            "[{impact}] {} on {} elements: {}",
            self.id,
            self.nodes.len(),
            self.help
        )?;
        // A few examples say what to fix; all of them would drown the log.
        for node in self.nodes.iter().take(SHOWN_NODES) {
            write!(f, "\n    {node}")?;
        }
        if self.nodes.len() > SHOWN_NODES {
            write!(f, "\n    ... and {} more", self.nodes.len() - SHOWN_NODES)?;
        }
        Ok(())
    }
}

impl AxeReport {
    /// Violations that fail the test.
    fn blocking(&self) -> impl Iterator<Item = &Violation> {
        self.violations
            .iter()
            .filter(|v| matches!(v.impact.as_deref(), Some("serious" | "critical")))
    }

    fn summary(&self) -> String {
        let rules = self.passes.len()
            + self.violations.len()
            + self.incomplete.len()
            + self.inapplicable.len();
        let mut s = format!(
            "axe-core {}: {rules} rules run ({} applicable), {} violations ({} serious or critical)",
            self.version,
            rules - self.inapplicable.len(),
            self.violations.len(),
            self.blocking().count(),
        );
        if !self.incomplete.is_empty() {
            s.push_str(&format!(
                ", to review by hand: {}",
                self.incomplete.join(", ")
            ));
        }
        for v in &self.violations {
            s.push_str(&format!("\n  {v}"));
        }
        s
    }
}

/// Injects axe-core into the current page and runs all its default rules
/// (WCAG 2.x A and AA plus best practices).
async fn run_axe(tab: &Tab, env: &Env) -> anyhow::Result<AxeReport> {
    let source = env.axe.as_deref().context("axe-core is not installed")?;
    let _: Option<bool> = tab.js(source, vec![]).await.context("inject axe.min.js")?;
    let result = tab
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document).then(r => done({
                 version: r.testEngine.version,
                 violations: r.violations.map(v => ({
                     id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
                 })),
                 passes: r.passes.map(x => x.id),
                 incomplete: r.incomplete.map(x => x.id),
                 inapplicable: r.inapplicable.map(x => x.id),
             }), e => done({error: String(e)}));",
            vec![],
        )
        .await
        .context("run axe")?;
    if let Some(error) = result.get("error") {
        anyhow::bail!("axe failed: {error}");
    }
    serde_json::from_value(result).context("read axe's results")
}

// ---------------------------------------------------------------------------
// Helpers.

async fn theme_attr(tab: &Tab) -> anyhow::Result<Option<String>> {
    tab.js(
        "return document.documentElement.getAttribute('data-theme')",
        vec![],
    )
    .await
}

async fn stored_theme(tab: &Tab) -> anyhow::Result<Option<String>> {
    tab.js("return localStorage.getItem('remedy-theme')", vec![])
        .await
}

/// The scheme the page shows: its `data-theme`, else the system's.
async fn shown_theme(tab: &Tab) -> anyhow::Result<String> {
    tab.js(
        "return document.documentElement.dataset.theme
             || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light')",
        vec![],
    )
    .await
}

/// Chooses `theme` (light or dark) with the colour-scheme switch, once
/// remedy.js has shown it (the 404 page loads it after finding the root).
async fn set_theme(tab: &Tab, theme: &str) -> anyhow::Result<()> {
    let _: bool = tab
        .wait_for(
            "the colour-scheme switch",
            "return !document.getElementById('rm-theme-switch').hidden",
            vec![],
        )
        .await?;
    tab.click(&choice(theme)).await?;
    let now = shown_theme(tab).await?;
    ensure!(
        now == theme,
        "the theme button did not switch to {theme} (the page shows {now})"
    );
    Ok(())
}

/// The body's computed background colour as RGB.
async fn background(tab: &Tab) -> anyhow::Result<[u8; 3]> {
    let css: String = tab
        .js(
            "return getComputedStyle(document.body).backgroundColor",
            vec![],
        )
        .await?;
    let channels: Vec<u8> = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(',')
        .take(3)
        .map(|c| c.trim().parse())
        .collect::<Result<_, _>>()
        .with_context(|| format!("parse the colour {css}"))?;
    channels
        .try_into()
        .map_err(|_| anyhow::anyhow!("not an rgb() colour: {css}"))
}

/// Relative luminance (WCAG), 0 for black to 1 for white.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// Waits until the URL's path (and fragment) is `expected`: clicks return
/// before the navigation they start has finished.
async fn wait_for_path(tab: &Tab, expected: &str) -> anyhow::Result<()> {
    let _: bool = tab
        .wait_for(
            &format!("the URL to become {expected}"),
            "return document.readyState === 'complete'
                 && location.pathname + location.hash === arguments[0]",
            vec![json!(expected)],
        )
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// The harness: one site, server and chromedriver for all tests.

/// What a test needs beyond the site.
#[derive(Clone, Copy)]
enum Needs {
    /// Chromium and chromedriver.
    Browser,
    /// The same, with JavaScript turned off in the page.
    BrowserWithoutJs,
    /// Those and axe-core.
    Axe,
}

/// What a test may use besides its tab.
#[derive(Clone)]
struct Env {
    server_port: u16,
    /// The built site's folder, for `file://` tests.
    site_dir: PathBuf,
    axe: Option<Arc<str>>,
    screenshots: PathBuf,
}

struct Harness {
    /// Started by the first test that runs (so `--list` starts nothing).
    fixture: OnceLock<Result<Fixture, String>>,
    /// Why browser tests cannot run, if they cannot.
    browser_missing: Option<String>,
    /// Why axe tests cannot run, if they cannot.
    axe_missing: Option<String>,
}

/// Fields drop in order: browsers and driver first, then the server, then
/// the site's folder.
struct Fixture {
    driver: ChromeDriver,
    server: StaticServer,
    env: Env,
    _site: BuiltSite,
}

impl Harness {
    fn new() -> Harness {
        let browser = [Tool::chromium(), Tool::chromedriver()];
        let browser_missing = tools::missing("browser tests", &browser);
        let axe_missing = tools::missing(
            "axe tests",
            &[browser[0].clone(), browser[1].clone(), Tool::axe()],
        );
        // One line per cause: the axe line would repeat a missing browser.
        if let Some(line) = browser_missing.as_ref().or(axe_missing.as_ref()) {
            if !tools::require_all() {
                tools::announce(line);
            }
        }
        Harness {
            fixture: OnceLock::new(),
            browser_missing,
            axe_missing,
        }
    }

    fn trial<F, Fut>(self: &Arc<Self>, name: &str, needs: Needs, scenario: F) -> Trial
    where
        F: FnOnce(Tab, Env) -> Fut + Send + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let harness = Arc::clone(self);
        Trial::ignorable_test(name, move || harness.run(needs, scenario))
    }

    /// Runs one scenario in a browser of its own, closing the browser
    /// whatever happens (a panic is re-raised after the close).
    fn run<F, Fut>(&self, needs: Needs, scenario: F) -> Result<Completion, Failed>
    where
        F: FnOnce(Tab, Env) -> Fut + Send + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let missing = match needs {
            Needs::Browser | Needs::BrowserWithoutJs => &self.browser_missing,
            Needs::Axe => &self.axe_missing,
        };
        if let Some(line) = missing {
            return if tools::require_all() {
                Err(line.as_str().into())
            } else {
                Ok(Completion::ignored_with(
                    "a tool is missing, see the SKIPPED line above",
                ))
            };
        }
        let fixture = self
            .fixture
            .get_or_init(Fixture::start)
            .as_ref()
            .map_err(|e| Failed::from(e.as_str()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("start a tokio runtime: {e}"))?;
        runtime.block_on(async {
            let session = fixture
                .driver
                .session_with(
                    &fixture.server.url(""),
                    !matches!(needs, Needs::BrowserWithoutJs),
                )
                .await
                .map_err(|e| format!("{e:#}"))?;
            let outcome = tokio::spawn(scenario(session.tab(), fixture.env.clone())).await;
            let closed = session.close().await;
            match outcome {
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => Err(format!("the test was cancelled: {e}").into()),
                Ok(Err(e)) => Err(format!("{e:#}").into()),
                Ok(Ok(())) => closed
                    .map(|()| Completion::Completed)
                    .map_err(|e| format!("{e:#}").into()),
            }
        })
    }
}

impl Fixture {
    fn start() -> Result<Fixture, String> {
        let site = build_bundled();
        let server =
            StaticServer::start(&site.dir).map_err(|e| format!("start the test server: {e}"))?;
        let driver = ChromeDriver::start(&Tool::chromedriver().path, &Tool::chromium().path)
            .map_err(|e| format!("{e:#}"))?;
        let axe = std::fs::read_to_string(Tool::axe().path)
            .ok()
            .map(Arc::from);
        Ok(Fixture {
            driver,
            env: Env {
                server_port: server.addr().port(),
                site_dir: site.dir.clone(),
                axe,
                screenshots: screenshot_dir(),
            },
            server,
            _site: site,
        })
    }
}

/// `target/screenshots/`, wherever the target folder is.
fn screenshot_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("screenshots")
}
