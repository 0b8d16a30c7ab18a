//! "Keep it honest" checks on the bundled knowledge base in `content/`.
//!
//! These read the Markdown sources, not the built site:
//!
//! - every external URL a page cites in its text also appears in that
//!   page's `## Sources` section, so a reader (and an auditor) finds every
//!   source in one place;
//! - every provider and protocol page is dated: `checked = YYYY-MM-DD` in
//!   its front matter (the day the sources were read, shown at the end of
//!   the page by the theme), never a month or a date in the future;
//! - no link points at a moving branch (`/blob/main/`, `/tree/master/`, ...)
//!   of a repository: specs change, so a citation pins a commit;
//! - a source that is a user report (an issue thread, a forum post, a gist)
//!   says so in its Sources label, so it is not mistaken for documentation;
//! - every provider page declares the `hosts` its service answers from (an
//!   empty list only with a comment saying why there is none);
//! - every fenced `http` block is a well-formed message (a status or request
//!   line, then `Name: value` headers, and a JSON body that parses) and
//!   every fenced `json` block parses: readers paste these examples, and
//!   triage reads them;
//! - no "Last checked" anywhere in `content/` gives only a month.
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
/// GitHub repository: `github.com/o/r/{blob,tree,raw,...}/<branch>/...`,
/// `raw.githubusercontent.com/o/r/<branch>/...`, or the repository's front
/// page `github.com/o/r` (its default branch).
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
                // A repository's front page shows its default branch.
                ["github.com", _, repo] | ["github.com", _, repo, ""] if !repo.is_empty() => {
                    Some("HEAD")
                }
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

/// The `checked` date of a page's front matter: a TOML date (`checked =
/// 2026-12-01`, a day: a month is not enough), the day the sources were
/// read, so it cannot lie in the future.
fn parse_checked(value: &toml::Value, today: i64) -> Result<(), String> {
    let toml::Value::Datetime(dt) = value else {
        return Err(format!(
            "`checked = {value}` is not a TOML date: write `checked = YYYY-MM-DD`, unquoted"
        ));
    };
    let (Some(date), None, None) = (dt.date, dt.time, dt.offset) else {
        return Err(format!("`checked = {dt}`: write the day only (YYYY-MM-DD)"));
    };
    let (y, m, d) = (
        i64::from(date.year),
        i64::from(date.month),
        i64::from(date.day),
    );
    if days_from_civil(y, m, d) > today {
        return Err(format!(
            "`checked = {dt}` lies in the future: it must be the day the sources were read"
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

/// Checks a page's date: `checked` in its front matter (the theme shows
/// it, the sitemap and JSON-LD carry it), and no `Last checked:` line left
/// in the text, where it would be shown twice.
fn check_last_checked(markdown: &str, today: i64) -> Result<(), String> {
    let fm = front_matter(markdown).ok_or("no +++ front matter")?;
    let table: toml::Table = fm
        .parse()
        .map_err(|e| format!("front matter does not parse: {e}"))?;
    let value = table
        .get("checked")
        .ok_or("no `checked = YYYY-MM-DD` in the front matter")?;
    parse_checked(value, today)?;
    if markdown
        .lines()
        .any(|l| l.trim_start().starts_with("Last checked"))
    {
        return Err(
            "a `Last checked:` line in the text: the page shows `checked` already; remove it"
                .to_string(),
        );
    }
    Ok(())
}

/// The TOML front matter of a page (between the `+++` lines), if any.
fn front_matter(markdown: &str) -> Option<&str> {
    let rest = markdown.strip_prefix("+++\n")?;
    let end = rest.find("\n+++")?;
    Some(&rest[..end + 1])
}

/// Why a provider page's `hosts` is missing or unexplained, if it is. A
/// service that has no host of its own (a self-hosted server, a proxy that
/// answers from its customers' sites) writes `hosts = []` with a comment on
/// that line saying so.
fn hosts_problem(markdown: &str) -> Option<String> {
    let Some(fm) = front_matter(markdown) else {
        return Some("no +++ front matter".to_string());
    };
    let table: toml::Table = match fm.parse() {
        Ok(table) => table,
        Err(e) => return Some(format!("front matter does not parse: {e}")),
    };
    let Some(hosts) = table.get("hosts") else {
        return Some(
            "no `hosts`: list the hosts the service answers from (its API base URL)".to_string(),
        );
    };
    let Some(hosts) = hosts.as_array() else {
        return Some("`hosts` is not a list".to_string());
    };
    if hosts.iter().any(|h| h.as_str().is_none_or(str::is_empty)) {
        return Some("`hosts` holds something other than host names".to_string());
    }
    let explained = fm
        .lines()
        .any(|l| l.trim_start().starts_with("hosts") && l.contains('#'));
    if hosts.is_empty() && !explained {
        return Some(
            "`hosts = []` without a comment saying why the service has no host".to_string(),
        );
    }
    None
}

/// Fenced code blocks of a Markdown text: the line of the opening fence
/// (counting from 1), the first word of its info string, and its body.
fn code_blocks(markdown: &str) -> Vec<(usize, String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, &str, String, String)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some((start, marker, lang, mut body)) = open.take() {
            if trimmed.trim_end() == marker {
                blocks.push((start, lang, body));
            } else {
                body.push_str(line);
                body.push('\n');
                open = Some((start, marker, lang, body));
            }
            continue;
        }
        for marker in ["```", "~~~"] {
            if let Some(info) = trimmed.strip_prefix(marker) {
                let lang = info.split_whitespace().next().unwrap_or("").to_string();
                open = Some((index + 1, marker, lang, String::new()));
                break;
            }
        }
    }
    blocks
}

/// `HTTP/1.1 402 Payment Required`, `HTTP/2 402`: a status line.
fn is_status_line(line: &str) -> bool {
    let mut parts = line.split(' ');
    let version = parts.next().unwrap_or("");
    let code = parts.next().unwrap_or("");
    matches!(
        version,
        "HTTP/1.0" | "HTTP/1.1" | "HTTP/2" | "HTTP/2.0" | "HTTP/3"
    ) && code.len() == 3
        && code.chars().all(|c| c.is_ascii_digit())
        && ('1'..='5').contains(&code.chars().next().unwrap())
}

/// `GET /v1/quote HTTP/1.1`: a request line.
fn is_request_line(line: &str) -> bool {
    let parts: Vec<&str> = line.split(' ').collect();
    matches!(parts.as_slice(), [method, target, version]
        if !method.is_empty()
            && method.chars().all(|c| c.is_ascii_uppercase())
            && !target.is_empty()
            && version.starts_with("HTTP/"))
}

/// Why the body of an `http` block is not a message a reader could have
/// pasted, if it is not: a status line (or a request line), then header
/// lines `Name: value` up to a blank line (no folded continuation lines),
/// and a body that parses when a header says it is JSON.
fn http_block_problem(block: &str) -> Option<String> {
    let mut lines = block.lines();
    let start = lines.next().unwrap_or("");
    if !is_status_line(start) && !is_request_line(start) {
        return Some(format!(
            "`{start}` is neither a status line (`HTTP/1.1 402 Payment Required`) nor a request line"
        ));
    }
    let mut json = false;
    for line in lines.by_ref() {
        if line.trim().is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Some(format!("`{line}` is not a `Name: value` header line"));
        };
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || !name.chars().all(token) {
            return Some(format!("`{line}` is not a `Name: value` header line"));
        }
        if name.eq_ignore_ascii_case("content-type") && value.to_ascii_lowercase().contains("json")
        {
            json = true;
        }
    }
    let body: String = lines.collect::<Vec<_>>().join("\n");
    if json && !body.trim().is_empty() {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&body) {
            return Some(format!("the JSON body does not parse: {e}"));
        }
    }
    None
}

/// Problems of the `http` and `json` blocks of a page, as `line: problem`.
fn example_problems(markdown: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (line, lang, body) in code_blocks(markdown) {
        let problem = match lang.as_str() {
            "http" => http_block_problem(&body),
            "json" => serde_json::from_str::<serde_json::Value>(&body)
                .err()
                .map(|e| format!("the json block does not parse: {e}")),
            _ => None,
        };
        if let Some(problem) = problem {
            problems.push(format!("{line}: {problem}"));
        }
    }
    problems
}

/// Month names, lowercase, as `month_precision_checks` looks for them.
const MONTHS: &str =
    "january february march april may june july august september october november december";

/// "Last checked" mentions anywhere in a text that give a month, not a day:
/// `Last checked: 2026-11`, `last checked in November 2026`, as `line: text`.
fn month_precision_checks(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let lower = line.to_lowercase();
        for (pos, _) in lower.match_indices("last checked") {
            let rest = lower[pos + "last checked".len()..]
                .trim_start_matches(|c: char| c == ':' || c == '*' || c.is_whitespace());
            let rest = rest.strip_prefix("in ").unwrap_or(rest);
            let digits = |b: &[u8]| b.iter().all(u8::is_ascii_digit);
            let b = rest.as_bytes();
            let iso_month = b.len() >= 7
                && digits(&b[..4])
                && b[4] == b'-'
                && digits(&b[5..7])
                && !(b.len() >= 10 && b[7] == b'-' && digits(&b[8..10]));
            let named_month = MONTHS.split(' ').any(|m| {
                rest.strip_prefix(m)
                    .map(|r| r.trim_start_matches([' ', ',']).as_bytes())
                    .is_some_and(|r| r.len() >= 4 && digits(&r[..4]))
            });
            if iso_month || named_month {
                found.push(format!("{}: {}", index + 1, line.trim()));
            }
        }
    }
    found
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
fn provider_and_protocol_pages_are_dated_in_front_matter() {
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
    // A repository's front page is its default branch; an issue is not.
    let text = "[repo](https://github.com/o/spec) and [slash](https://github.com/o/spec/)\n\
                [user](https://github.com/o) [pr](https://github.com/o/spec/pull/3)\n";
    let hits = moving_branch_links(text);
    assert_eq!(
        hits,
        [
            "1: https://github.com/o/spec",
            "1: https://github.com/o/spec/"
        ]
    );
}

#[test]
fn last_checked_must_be_a_bare_past_date() {
    let today = days_from_civil(2026, 12, 1);
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    let page = |fm: &str, body: &str| format!("+++\ntitle = \"x\"\n{fm}+++\n\n{body}");
    assert!(check_last_checked(&page("checked = 2026-12-01\n", "x\n"), today).is_ok());
    let bad = [
        page("checked = \"2026-12-01\"\n", ""),
        page("checked = 2026-12-01T10:00:00\n", ""),
        page("checked = 2027-01-01\n", ""),
        page("checked = 2026-11\n", ""),
        page("", "Last checked: 2026-12-01\n"),
        page("checked = 2026-12-01\n", "Last checked: 2026-12-01\n"),
        "No front matter\n".to_string(),
    ];
    for page in bad {
        assert!(
            check_last_checked(&page, today).is_err(),
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

#[test]
fn every_provider_page_declares_its_hosts() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for page in files(".md") {
        let r = rel(&page);
        if !r.starts_with("providers/") || r.ends_with("_index.md") {
            continue;
        }
        checked += 1;
        if let Some(problem) = hosts_problem(&fs::read_to_string(&page).unwrap()) {
            problems.push(format!("{r}: {problem}"));
        }
    }
    assert!(checked >= 15, "only {checked} provider pages");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn missing_or_unexplained_hosts_are_flagged() {
    let page = |fm: &str| format!("+++\ntitle = \"x\"\n{fm}+++\n\nText.\n");
    assert_eq!(
        hosts_problem(&page("hosts = [\"api.x.com\", \"*.x.net\"]\n")),
        None
    );
    assert_eq!(
        hosts_problem(&page(
            "hosts = []  # self-hosted: answers from the operator's server\n"
        )),
        None
    );
    assert!(hosts_problem(&page("")).unwrap().contains("no `hosts`"));
    assert!(hosts_problem(&page("hosts = []\n"))
        .unwrap()
        .contains("comment"));
    assert!(hosts_problem(&page("hosts = \"api.x.com\"\n")).is_some());
    assert!(hosts_problem(&page("hosts = [\"\"]\n")).is_some());
    assert!(hosts_problem("No front matter.\n").is_some());
}

#[test]
fn example_responses_and_json_blocks_parse() {
    let mut blocks = 0;
    let mut problems = Vec::new();
    for page in files(".md") {
        let text = fs::read_to_string(&page).unwrap();
        blocks += code_blocks(&text)
            .iter()
            .filter(|(_, lang, _)| lang == "http" || lang == "json")
            .count();
        for problem in example_problems(&text) {
            problems.push(format!("{}:{problem}", rel(&page)));
        }
    }
    assert!(
        blocks > 40,
        "only {blocks} http and json blocks: is the reader broken?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn malformed_example_responses_are_flagged() {
    let good =
        "Text.\n\n```http\nHTTP/1.1 402 Payment Required\nContent-Type: application/json\n\n\
                {\"error\": {\"code\": \"insufficient_quota\"}}\n```\n\n\
                ```http\nHTTP/2 402\ncrawler-price: USD 0.01\n```\n\n\
                ```http\nGET /v1/quote HTTP/1.1\nHost: api.example.com\n```\n\n\
                ```json\n{\"message\": \"ok\"}\n```\n\n```text\nnot checked\n```\n";
    assert_eq!(example_problems(good), Vec::<String>::new());
    assert_eq!(code_blocks(good).len(), 5);
    let bad = [
        // A header without its status line.
        "```http\nAllow: GET, HEAD\n```\n",
        // A status code that is not three digits.
        "```http\nHTTP/1.1 4020 Payment Required\n```\n",
        // A folded (continuation) header line.
        "```http\nHTTP/1.1 402 Payment Required\nWWW-Authenticate: Payment id=\"1\",\n    realm=\"x\"\n```\n",
        // A header line without a colon.
        "```http\nHTTP/1.1 402 Payment Required\nContent-Type application/json\n```\n",
        // A JSON body with a trailing comma.
        "```http\nHTTP/1.1 402 Payment Required\nContent-Type: application/json\n\n{\"a\": 1,}\n```\n",
        // A json block with a comment in it.
        "```json\n{\"a\": 1} // the body\n```\n",
        "```json\n{\"error\": ...}\n```\n",
    ];
    for page in bad {
        let problems = example_problems(page);
        assert_eq!(problems.len(), 1, "{page:?}: {problems:?}");
        assert!(problems[0].starts_with("1: "), "{problems:?}");
    }
}

#[test]
fn no_last_checked_gives_only_a_month() {
    let mut problems = Vec::new();
    let mut sources = files(".md");
    sources.extend(files(".toml"));
    for file in sources {
        for hit in month_precision_checks(&fs::read_to_string(&file).unwrap()) {
            problems.push(format!(
                "{}:{hit}: give the day the sources were read (YYYY-MM-DD)",
                rel(&file)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn month_precision_last_checked_is_flagged_anywhere() {
    let text = "Last checked: 2026-12-01\n\
                Intro. Last checked: 2026-11.\n\
                **Last checked:** 2026-10\n\
                The table was last checked in November 2026.\n\
                Last checked: 7 December 2026\n\
                \"Last checked\" is the day the sources were read.\n";
    let hits = month_precision_checks(text);
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert!(hits[0].starts_with("2: ") && hits[1].starts_with("3: ") && hits[2].starts_with("4: "));
}
