//! "Keep it honest" checks on the bundled knowledge base in `content/`.
//!
//! These read the Markdown sources, not the built site:
//!
//! - every external URL a page cites in its text also appears in that
//!   page's `## Sources` section, so a reader (and an auditor) finds every
//!   source in one place;
//! - every provider and protocol page ends with a `Last checked:` date, and
//!   that line holds a date only (the day the sources were read), never a
//!   note such as the date of the source itself;
//! - no link points at a moving branch (`/blob/main/`, `/tree/master/`, ...)
//!   of a repository: specs change, so a citation pins a commit;
//! - a source that is a user report (an issue thread, a forum post, a gist)
//!   says so in its Sources label, so it is not mistaken for documentation.
//!
//! That every tree remedy links to a guide section that exists is checked
//! where it always was: the build fails on a broken guide link
//! (`tests/trees.rs`, `broken_guide_anchor_in_a_tree_fails_at_its_line`).
//!
//! Each checker has a unit test with a planted failure, so a checker that
//! silently finds nothing is caught.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// Every file under `content/` whose name ends in `ext`, sorted.
fn files(ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![content_dir()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn rel(path: &Path) -> String {
    path.strip_prefix(content_dir())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The text of a page with fenced code blocks and inline code spans blanked
/// out (lengths kept, so line numbers stay right). URLs in examples, such as
/// a `doc_url` in a JSON body, are not citations.
fn prose(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut fence: Option<&str> = None;
    for line in markdown.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            out.extend(line.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            out.extend(line.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
            continue;
        }
        let mut in_code = false;
        for c in line.chars() {
            if c == '`' {
                in_code = !in_code;
                out.push(' ');
            } else if in_code && c != '\n' {
                out.push(' ');
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// External (http/https) URLs cited in Markdown prose, with their line
/// numbers: inline link targets `[text](url)`, autolinks `<url>` and
/// reference definitions `[label]: url`.
fn external_urls(markdown: &str) -> Vec<(usize, String)> {
    let text = prose(markdown);
    let mut urls = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut starts = Vec::new();
        for (pos, _) in line.match_indices("](") {
            starts.push(pos + 2);
        }
        for (pos, _) in line.match_indices('<') {
            starts.push(pos + 1);
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            if let Some(pos) = trimmed.find("]: ") {
                starts.push(line.len() - trimmed.len() + pos + 3);
            }
        }
        for start in starts {
            let rest = &line[start..];
            if !(rest.starts_with("http://") || rest.starts_with("https://")) {
                continue;
            }
            let end = rest
                .find(|c: char| c.is_whitespace() || c == ')' || c == '>' || c == '"')
                .unwrap_or(rest.len());
            urls.push((index + 1, rest[..end].to_string()));
        }
    }
    urls
}

/// Splits a page into the text before its `## Sources` heading and the
/// Sources section itself (up to the next `## ` heading). `None` when the
/// page has no Sources section.
fn split_sources(markdown: &str) -> Option<(&str, &str)> {
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        let heading = line.trim_end();
        if heading == "## Sources" || heading.starts_with("## Sources ") {
            let before = &markdown[..offset];
            let after = &markdown[offset + line.len()..];
            let end = after
                .match_indices("\n## ")
                .map(|(pos, _)| pos + 1)
                .next()
                .unwrap_or(after.len());
            return Some((before, &after[..end]));
        }
        offset += line.len();
    }
    None
}

/// Every external URL of the text before `## Sources` that the Sources
/// section does not list, as `line: url`.
fn unlisted_urls(markdown: &str) -> Vec<String> {
    let (body, sources) = split_sources(markdown).unwrap_or((markdown, ""));
    let listed: BTreeSet<String> = external_urls(sources).into_iter().map(|(_, u)| u).collect();
    external_urls(body)
        .into_iter()
        .filter(|(_, url)| !listed.contains(url))
        .map(|(line, url)| format!("{line}: {url}"))
        .collect()
}

/// Links whose target is a user report rather than documentation: issue and
/// pull-request threads, discussions, gists and forums.
fn is_report_url(url: &str) -> bool {
    let rest = url
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let parts: Vec<&str> = rest.split('/').collect();
    let host = parts.first().copied().unwrap_or("");
    let github_thread = host == "github.com"
        && parts.len() > 3
        && matches!(parts[3], "issues" | "pull" | "discussions");
    github_thread
        || host == "gist.github.com"
        || host.starts_with("community.")
        || host.starts_with("discuss.")
        || host.starts_with("forum.")
        || host.starts_with("forums.")
        || host.ends_with("reddit.com")
        || host.ends_with("stackoverflow.com")
        || host.ends_with("csdn.net")
        || host == "doublepost.link"
}

/// `[label](url)` pairs of a Markdown text (labels may hold one level of
/// nested brackets), code blanked out as in `prose`.
fn labelled_links(markdown: &str) -> Vec<(String, String)> {
    let text = prose(markdown);
    let mut out = Vec::new();
    for (pos, _) in text.match_indices("](") {
        let before = &text[..pos];
        let mut depth = 0usize;
        let mut start = None;
        for (i, c) in before.char_indices().rev() {
            match c {
                ']' => depth += 1,
                '[' if depth == 0 => {
                    start = Some(i);
                    break;
                }
                '[' => depth -= 1,
                '\n' => break,
                _ => {}
            }
        }
        let Some(start) = start else { continue };
        let rest = &text[pos + 2..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ')')
            .unwrap_or(rest.len());
        out.push((before[start + 1..].to_string(), rest[..end].to_string()));
    }
    out
}

/// Report links in the Sources section whose label does not say "report".
fn unlabelled_reports(markdown: &str) -> Vec<String> {
    let Some((_, sources)) = split_sources(markdown) else {
        return Vec::new();
    };
    labelled_links(sources)
        .into_iter()
        .filter(|(label, url)| is_report_url(url) && !label.to_lowercase().contains("report"))
        .map(|(label, url)| format!("[{label}]({url})"))
        .collect()
}

/// Branch names that move: a link to one of them shows whatever the branch
/// holds today, not the text that was read.
const MOVING_BRANCHES: &[&str] = &["main", "master", "HEAD", "develop", "trunk", "gh-pages"];

/// URLs in `text` (Markdown or TOML) that point at a moving branch of a
/// GitHub repository: `github.com/o/r/{blob,tree,raw,...}/<branch>/...` or
/// `raw.githubusercontent.com/o/r/<branch>/...`.
fn moving_branch_links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        for (start, _) in line.match_indices("https://") {
            let rest = &line[start..];
            let end = rest
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | '`' | ']')
                })
                .unwrap_or(rest.len());
            let url = &rest[..end];
            let parts: Vec<&str> = url.trim_start_matches("https://").split('/').collect();
            let branch = match parts.as_slice() {
                ["github.com", _, _, "blob" | "tree" | "raw" | "commits" | "edit", branch, ..] => {
                    Some(*branch)
                }
                ["raw.githubusercontent.com", _, _, branch, ..] => Some(*branch),
                _ => None,
            };
            if branch.is_some_and(|b| MOVING_BRANCHES.contains(&b)) {
                found.push(format!("{}: {url}", index + 1));
            }
        }
    }
    found
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a `Last checked:` line: `YYYY-MM-DD`, or `YYYY-MM` for pages
/// checked before day precision was kept, and nothing else on the line. It
/// is the day the sources were read, so it cannot lie in the future.
fn parse_last_checked(line: &str, today: i64) -> Result<(), String> {
    let value = line
        .strip_prefix("Last checked: ")
        .ok_or_else(|| format!("`{line}` does not start with `Last checked: `"))?;
    let parts: Vec<&str> = value.split('-').collect();
    let numbers: Vec<i64> = parts
        .iter()
        .map(|p| p.parse::<i64>().ok().filter(|_| p.chars().all(|c| c.is_ascii_digit())))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| format!("`{value}` is not a bare date (YYYY-MM-DD): write only the day the sources were read"))?;
    let (y, m, d) = match (parts.as_slice(), numbers.as_slice()) {
        ([ys, ms], [y, m]) if ys.len() == 4 && ms.len() == 2 => (*y, *m, 1),
        ([ys, ms, ds], [y, m, d]) if ys.len() == 4 && ms.len() == 2 && ds.len() == 2 => {
            (*y, *m, *d)
        }
        _ => return Err(format!("`{value}` is not a date of the form YYYY-MM-DD")),
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(format!("`{value}` is not a valid date"));
    }
    if days_from_civil(y, m, d) > today {
        return Err(format!(
            "`{value}` lies in the future: it must be the day the sources were read"
        ));
    }
    Ok(())
}

fn today() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs / 86_400).unwrap()
}

/// Checks the `Last checked:` line of a page: exactly one, after Sources.
fn check_last_checked(markdown: &str, today: i64) -> Result<(), String> {
    let lines: Vec<&str> = markdown
        .lines()
        .filter(|l| l.trim_start().starts_with("Last checked"))
        .collect();
    match lines.as_slice() {
        [] => Err("no `Last checked: YYYY-MM-DD` line".to_string()),
        [line] => parse_last_checked(line.trim(), today),
        _ => Err(format!("{} `Last checked` lines; keep one", lines.len())),
    }
}

#[test]
fn every_external_url_cited_in_a_page_is_listed_in_its_sources() {
    let pages = files(".md");
    assert!(pages.len() > 40, "only {} pages found", pages.len());
    let mut problems = Vec::new();
    let mut cited = 0;
    for page in &pages {
        let text = fs::read_to_string(page).unwrap();
        cited += external_urls(&text).len();
        for miss in unlisted_urls(&text) {
            problems.push(format!(
                "{}:{miss} is cited but not listed under ## Sources",
                rel(page)
            ));
        }
    }
    assert!(
        cited > 100,
        "only {cited} external URLs found: is the extractor broken?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn provider_and_protocol_pages_have_a_last_checked_date() {
    let today = today();
    let mut checked = 0;
    let mut problems = Vec::new();
    for page in files(".md") {
        let r = rel(&page);
        if !(r.starts_with("providers/") || r.starts_with("protocols/")) {
            continue;
        }
        checked += 1;
        let text = fs::read_to_string(&page).unwrap();
        if let Err(e) = check_last_checked(&text, today) {
            problems.push(format!("{r}: {e}"));
        }
    }
    assert!(checked >= 15, "only {checked} provider and protocol pages");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_link_points_at_a_moving_branch() {
    let mut problems = Vec::new();
    let mut sources = files(".md");
    sources.extend(files(".toml"));
    for file in sources {
        let text = fs::read_to_string(&file).unwrap();
        for hit in moving_branch_links(&text) {
            problems.push(format!(
                "{}:{hit} links a moving branch: pin a commit",
                rel(&file)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn extractor_finds_links_and_skips_code() {
    let page = "Intro [RFC](https://example.org/rfc#s1) and <https://example.org/auto>.\n\
                \n\
                ```json\n\
                {\"doc_url\": \"https://example.org/in-code\"}\n\
                ```\n\
                Inline `https://example.org/span` code.\n\
                [ref]: https://example.org/ref\n";
    let urls: Vec<String> = external_urls(page).into_iter().map(|(_, u)| u).collect();
    assert_eq!(
        urls,
        [
            "https://example.org/rfc#s1",
            "https://example.org/auto",
            "https://example.org/ref"
        ]
    );
    assert_eq!(external_urls(page)[2].0, 7, "line numbers count from 1");
}

#[test]
fn a_url_missing_from_sources_is_reported() {
    let page = "See [a](https://a.example/x) and [b](https://b.example/y).\n\n\
                ## Sources\n\n\
                - [a](https://a.example/x)\n\n\
                Last checked: 2026-12-01\n";
    assert_eq!(unlisted_urls(page), ["1: https://b.example/y"]);
    // A fragment is part of the citation: another section is another source.
    let page = "See [a](https://a.example/x#s2).\n\n## Sources\n\n- [a](https://a.example/x#s1)\n";
    assert_eq!(unlisted_urls(page), ["1: https://a.example/x#s2"]);
    // No Sources section at all: every cited URL is missing.
    assert_eq!(unlisted_urls("[a](https://a.example/x)\n").len(), 1);
    // A later section does not count as Sources.
    let page =
        "## Sources\n\n- [a](https://a.example/x)\n\n## Examples\n\n[b](https://b.example/y)\n";
    let (_, sources) = split_sources(page).unwrap();
    assert!(!sources.contains("b.example"));
}

#[test]
fn moving_branches_are_flagged_and_commits_are_not() {
    let text = "[s](https://github.com/o/spec/blob/main/draft-01.md)\n\
                [t](https://github.com/o/spec/tree/master/specs)\n\
                [r](https://raw.githubusercontent.com/o/spec/main/a.md)\n\
                [ok](https://github.com/o/spec/blob/8320d5b52e5594e836ca4ca4e60d81d03d194d2c/a.md)\n\
                [issue](https://github.com/o/spec/issues/12)\n";
    let hits = moving_branch_links(text);
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert!(hits[0].starts_with("1: ") && hits[2].starts_with("3: "));
}

#[test]
fn last_checked_must_be_a_bare_past_date() {
    let today = days_from_civil(2026, 12, 1);
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert!(check_last_checked("x\n\nLast checked: 2026-12-01\n", today).is_ok());
    assert!(check_last_checked("Last checked: 2026-11\n", today).is_ok());
    let bad = [
        "Last checked: 2026-09-09 (date of draft-httpauth-payment-01)\n",
        "Last checked: 2027-01-01\n",
        "Last checked: 2026-13-01\n",
        "Last checked: soon\n",
        "Last checked: 2026-12-01\nLast checked: 2026-11-30\n",
        "No date here\n",
    ];
    for page in bad {
        assert!(
            check_last_checked(page, today).is_err(),
            "accepted {page:?}"
        );
    }
}

#[test]
fn user_reports_are_labelled_as_reports_in_sources() {
    let mut problems = Vec::new();
    let mut reports = 0;
    for page in files(".md") {
        let text = fs::read_to_string(&page).unwrap();
        if let Some((_, sources)) = split_sources(&text) {
            reports += labelled_links(sources)
                .iter()
                .filter(|(_, url)| is_report_url(url))
                .count();
        }
        for link in unlabelled_reports(&text) {
            problems.push(format!(
                "{}: {link} is a user report: start its label with \"User report\"",
                rel(&page)
            ));
        }
    }
    assert!(
        reports > 5,
        "only {reports} report links found: is the matcher broken?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn report_links_without_the_word_report_are_flagged() {
    let page = "Text.\n\n## Sources\n\n\
                - [Vendor docs](https://docs.example.com/errors)\n\
                - [owner/repo issue 12 (same message)](https://github.com/owner/repo/issues/12)\n\
                - [User report: [nested] thread](https://community.example.com/t/1)\n\
                - [A gist](https://gist.github.com/someone)\n";
    assert_eq!(
        unlabelled_reports(page),
        [
            "[owner/repo issue 12 (same message)](https://github.com/owner/repo/issues/12)",
            "[A gist](https://gist.github.com/someone)"
        ]
    );
    assert!(!is_report_url(
        "https://github.com/owner/repo/blob/0123abc/spec.md"
    ));
    assert!(is_report_url("https://github.com/owner/repo/pull/7"));
}
