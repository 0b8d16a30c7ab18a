//! The report: one group after another, each line starting with the place
//! the link is written (`file:line:col`, which editors and CI annotations
//! jump to), then a summary line.

use termcolor::{Color, ColorSpec, WriteColor};

use super::outcome::{Group, Outcome};
use super::Report;

/// Prints `report`; groups in `failing` are marked as failing the run.
pub fn print(report: &Report, failing: &[Group], out: &mut dyn WriteColor) -> std::io::Result<()> {
    for w in &report.warnings {
        writeln!(out, "warning: {w}")?;
    }
    for group in Group::ALL {
        let mut lines: Vec<(String, String)> = Vec::new();
        for c in report.in_group(group) {
            let what = describe(&c.url, &c.outcome);
            for p in &c.places {
                lines.push((p.to_string(), what.clone()));
            }
        }
        if lines.is_empty() {
            continue;
        }
        let links = report.in_group(group).count();
        let fails = failing.contains(&group);
        out.set_color(ColorSpec::new().set_bold(true).set_fg(Some(if fails {
            Color::Red
        } else {
            Color::Yellow
        })))?;
        let (name, hint) = heading(group);
        write!(out, "{name}")?;
        out.reset()?;
        writeln!(
            out,
            " ({links} link{}{}){hint}",
            if links == 1 { "" } else { "s" },
            if fails { "" } else { ", not failed" }
        )?;
        for (place, what) in lines {
            writeln!(out, "  {place}: {what}")?;
        }
    }
    let count = |g| report.in_group(g).count();
    writeln!(
        out,
        "checked {} external link{} ({} from the cache{}) in {:.1} s: {} dead, {} moved, {} blocked, {} timed out, {} missing anchor{}, {} other error{}",
        report.links.len(),
        if report.links.len() == 1 { "" } else { "s" },
        report.cached(),
        match report.excluded {
            0 => String::new(),
            n => format!(", {n} excluded"),
        },
        report.elapsed.as_secs_f64(),
        count(Group::Dead),
        count(Group::Moved),
        count(Group::Blocked),
        count(Group::Timeout),
        count(Group::Anchor),
        if count(Group::Anchor) == 1 { "" } else { "s" },
        count(Group::Error),
        if count(Group::Error) == 1 { "" } else { "s" },
    )
}

/// A group's name and what to do about its links.
fn heading(group: Group) -> (&'static str, &'static str) {
    match group {
        Group::Dead => ("dead", ": fix or remove these links"),
        Group::Moved => ("moved", ": link the new URL"),
        Group::Blocked => ("blocked", ": the server would not say; check by hand"),
        Group::Timeout => ("timed out", ""),
        Group::Anchor => (
            "missing anchor",
            ": the page answers, the #fragment is gone",
        ),
        Group::Error => ("other errors", ""),
    }
}

fn describe(url: &str, outcome: &Outcome) -> String {
    match outcome {
        Outcome::Ok { .. } => url.to_string(),
        Outcome::Dead { why } | Outcome::Timeout { why } | Outcome::Error { why } => {
            format!("{url} ({why})")
        }
        Outcome::Blocked { why, .. } => format!("{url} ({why})"),
        Outcome::Moved { code, to } => {
            format!("{url} -> {to} ({})", super::fetch::status_text(*code))
        }
        Outcome::Anchor { fragment } => format!("{url} (no element with id `{fragment}`)"),
    }
}
