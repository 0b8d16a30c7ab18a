//! `remedy build` and `remedy check`: the build's report, warnings and
//! timings printed; with `check`, the external links and dates.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use termcolor::StandardStream;

use remedy::config::Overrides;
use remedy::{BuildOptions, Failure};

use super::Colors;

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The project folder holding book.toml.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Include pages marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,

    /// Override `[output.html] site-url`, e.g. https://example.org/kb/.
    #[arg(long, value_name = "URL")]
    pub site_url: Option<String>,

    /// Do not run this `[preprocessor.NAME]` of an mdBook book (repeatable).
    #[arg(long, value_name = "NAME")]
    pub skip_preprocessor: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    #[command(flatten)]
    pub external: ExternalArgs,

    /// List pages whose `checked` date is more than DAYS days old (exit 0 unless --fail-on stale).
    #[arg(long, value_name = "DAYS")]
    pub stale: Option<u32>,

    /// The day --stale compares with, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub today: Option<remedy::content::date::Date>,

    /// What makes the exit code 1: dead, moved, blocked, timeout, anchor, error, stale (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "LIST", default_value = "dead", value_parser = parse_fail_on)]
    pub fail_on: Vec<FailOn>,
}

#[derive(Debug, Args)]
pub struct ExternalArgs {
    /// Also check every http(s) link of the pages (and its #fragment on HTML pages).
    #[arg(long)]
    pub external: bool,

    /// Requests at once, in all.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: u16,

    /// Requests at once to one host.
    #[arg(long, default_value_t = 2, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub per_host: u16,

    /// Seconds to wait for one request.
    #[arg(long, default_value_t = 20, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,

    /// Further tries after a timeout, a failed connection, 408, 429 or 5xx.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub retries: u32,

    /// Seconds the whole check may take; links not reached by then are listed as timed out.
    #[arg(long, default_value_t = 300, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_time: u64,

    /// The longest Retry-After (seconds) waited for; a server asking for more is listed as blocked.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub max_retry_after: u64,

    /// The cache file (default: .remedy-links.json in the project folder).
    #[arg(long, value_name = "FILE")]
    pub cache: Option<PathBuf>,

    /// Skip links that were fine less than this long ago: 90s, 30m, 12h, 7d; 0 asks again.
    #[arg(long, default_value = "1d", value_name = "AGE", value_parser = remedy::check::external::parse_age)]
    pub cache_age: std::time::Duration,

    /// Neither read nor write the cache file.
    #[arg(long, conflicts_with = "cache")]
    pub no_cache: bool,

    /// 'PREFIX REPLACEMENT': fetch URLs starting with PREFIX from REPLACEMENT (a mirror); repeatable.
    #[arg(long, value_name = "'PREFIX REPLACEMENT'", value_parser = remedy::check::external::parse_remap)]
    pub remap: Vec<(String, String)>,

    /// Only URLs matching this regular expression (repeatable).
    #[arg(long, value_name = "REGEX")]
    pub include: Vec<regex::Regex>,

    /// No URL matching this regular expression (repeatable).
    #[arg(long, value_name = "REGEX")]
    pub exclude: Vec<regex::Regex>,
}

/// A reason `remedy check` exits 1: a group of the link report, or stale pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Links(remedy::check::external::Group),
    Stale,
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    match s.trim() {
        "stale" => Ok(FailOn::Stale),
        other => remedy::check::external::Group::parse(other)
            .map(FailOn::Links)
            .ok_or_else(|| {
                format!(
                    "`{other}`: choose from dead, moved, blocked, timeout, anchor, error, stale"
                )
            }),
    }
}

fn parse_date(s: &str) -> Result<remedy::content::date::Date, String> {
    remedy::content::date::Date::parse(s).ok_or_else(|| format!("`{s}` is not a date: YYYY-MM-DD"))
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub common: CommonArgs,

    /// Write the site here instead of `[build] build-dir`; may be outside the project.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Print only warnings and errors.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also print how long each stage of the build took and the peak memory after it.
    #[arg(short, long)]
    pub verbose: bool,
}

pub fn build(
    common: CommonArgs,
    output: Option<PathBuf>,
    quiet: bool,
    verbose: bool,
    write: bool,
    colors: &Colors,
) -> Result<(), Failure> {
    let opts = BuildOptions {
        root: common.dir,
        overrides: Overrides {
            output,
            site_url: common.site_url,
            drafts: common.drafts,
            skip_preprocessors: common.skip_preprocessor,
            write_sources: write,
        },
        write,
    };
    let report = remedy::build(&opts)?;
    {
        let err = StandardStream::stderr(colors.stderr);
        let mut err = err.lock();
        for w in &report.warnings {
            w.emit(&mut err)?;
        }
        match (report.unchecked.len(), verbose) {
            (0, _) => {}
            (_, true) => {
                writeln!(err, "links that leave the book (not checked):")?;
                for link in &report.unchecked {
                    writeln!(err, "  {link}")?;
                }
            }
            (_, false) if quiet => {}
            (1, false) => writeln!(
                err,
                "note: 1 link leaves the book and is not checked (--verbose lists it)"
            )?,
            (n, false) => writeln!(
                err,
                "note: {n} links leave the book and are not checked (--verbose lists them)"
            )?,
        }
    }
    let mut out = std::io::stdout().lock();
    if !quiet {
        let secs = report.elapsed.as_secs_f64();
        let what = if write {
            format!(
                "built {} pages ({} files) into {} in {secs:.2} s",
                report.pages,
                report.files,
                report.output_dir.display()
            )
        } else {
            format!("checked {} pages in {secs:.2} s: no errors", report.pages)
        };
        let warnings = match report.warnings.len() {
            0 => String::new(),
            1 => ", 1 warning".into(),
            n => format!(", {n} warnings"),
        };
        writeln!(out, "{what}{warnings}")?;
    }
    if verbose {
        for lap in &report.timings {
            writeln!(out, "{lap}")?;
        }
    }
    Ok(())
}

/// `remedy check`: the build's checks, then the external links and the
/// dates when asked. A broken site stops before the network is touched.
pub fn check(args: CheckArgs, colors: &Colors) -> Result<(), Failure> {
    use remedy::check::external::{self, Group};
    let root = args.common.dir.clone();
    let overrides = Overrides {
        output: None,
        site_url: args.common.site_url.clone(),
        drafts: args.common.drafts,
        skip_preprocessors: args.common.skip_preprocessor.clone(),
        write_sources: false,
    };
    build(args.common, None, false, false, false, colors)?;
    if !args.external.external && args.stale.is_none() {
        return Ok(());
    }
    let config = remedy::config::Config::load(&root, &overrides)?;
    let mut diags = remedy::diagnostics::Diagnostics::new();
    let library = remedy::site::load_library(&config, &mut diags);
    if diags.has_errors() {
        return Err(diags.into());
    }
    let mut failed = false;
    if let Some(days) = args.stale {
        let today = args
            .today
            .unwrap_or_else(remedy::content::date::Date::today);
        let found = remedy::check::stale::stale_pages(&library, today, days);
        remedy::check::stale::print(&found, &mut std::io::stdout().lock())?;
        failed |= !found.stale.is_empty() && args.fail_on.contains(&FailOn::Stale);
    }
    if args.external.external {
        let e = args.external;
        let opts = external::Options {
            jobs: usize::from(e.jobs),
            per_host: usize::from(e.per_host),
            timeout: std::time::Duration::from_secs(e.timeout),
            retries: e.retries,
            max_time: std::time::Duration::from_secs(e.max_time),
            max_retry_after: std::time::Duration::from_secs(e.max_retry_after),
            cache: (!e.no_cache).then(|| {
                let file = e.cache.unwrap_or_else(|| root.join(".remedy-links.json"));
                (file, e.cache_age)
            }),
            remap: e.remap,
            include: e.include,
            exclude: e.exclude,
            ..external::Options::default()
        };
        let report = external::check(external::external_links(&config, &library), &opts);
        let failing: Vec<Group> = args
            .fail_on
            .iter()
            .filter_map(|f| match f {
                FailOn::Links(g) => Some(*g),
                FailOn::Stale => None,
            })
            .collect();
        let out = StandardStream::stdout(colors.stdout);
        external::print(&report, &failing, &mut out.lock())?;
        failed |= failing.iter().any(|&g| report.in_group(g).next().is_some());
    }
    if failed {
        return Err(Failure::Diagnostics(Vec::new()));
    }
    Ok(())
}
