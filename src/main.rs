//! The `remedy` command line: a thin layer that turns flags into library
//! options, prints what the library returns and picks the exit code in one
//! place (0 success, 1 the site has errors, 2 a usage error, from clap). A
//! closed pipe ends any command quietly with 0, as it does for `cat`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use termcolor::{ColorChoice, StandardStream, WriteColor};

/// A build allocates and frees many small buffers on several threads
/// (tantivy's postings, syntect's scopes, tera's values): mimalloc keeps
/// them on per-thread pages, where glibc's malloc took 9% of a book's build
/// and another 9% went to page faults on fresh memory. Built without
/// transparent huge pages (Cargo.toml, `no_thp`): mimalloc's default asks
/// the kernel for them, and each first touch then cleared 2 MiB, half of a
/// book's CPU (Rustonomicon: 137 MB peak -> 64 MB, CPU -40%).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use remedy::config::Overrides;
use remedy::diagnose::DiagnoseOptions;
use remedy::{BuildOptions, Failure};

/// A static site generator for troubleshooting knowledge bases.
#[derive(Debug, Parser)]
#[command(name = "remedy", version, about, propagate_version = true)]
struct Cli {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder (`[build] build-dir`, default `public/`).
    Build(BuildArgs),
    /// Check the site (config, front matter, links, anchors, templates) without writing anything;
    /// with --external its links to other sites, with --stale the age of its `checked` dates.
    Check(CheckArgs),
    /// Walk a decision tree in the terminal: answer questions, get the remedy and its guides.
    Diagnose(DiagnoseArgs),
    /// Start a new knowledge base: book.toml, a home page, a guide and a decision tree.
    Init(InitArgs),
    /// Search the built site's index from the terminal.
    Search(SearchArgs),
    /// Serve the site on localhost, rebuild on every change and reload the page.
    Serve(ServeArgs),
    /// Read a pasted response or error message from stdin and let the tree answer its own questions.
    Triage(TriageArgs),
}

#[derive(Debug, Args)]
struct TriageArgs {
    /// The tree, as for `diagnose`. Optional when the site has one tree.
    tree: Option<String>,

    /// The project folder holding book.toml.
    #[arg(short = 'C', long = "dir", value_name = "DIR", default_value = ".")]
    dir: PathBuf,

    /// Print one JSON object: node, kind, title, url, guides, answered.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The project folder holding book.toml.
    #[arg(default_value = ".")]
    dir: PathBuf,

    /// Port to listen on (0 picks a free one).
    #[arg(short, long, default_value_t = 3000)]
    port: u16,

    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,

    /// Include pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,

    /// Build into this folder (kept after stopping) instead of a temporary one.
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,

    /// Print the time each stage of each build took.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Debug, Args)]
struct SearchArgs {
    /// What to look for: words, an error string, a "quoted phrase".
    #[arg(required = true, num_args = 1..)]
    query: Vec<String>,

    /// The project folder holding book.toml (its build-dir must hold a built site).
    #[arg(short = 'C', long = "dir", value_name = "DIR", default_value = ".")]
    dir: PathBuf,

    /// A built site to search instead (a folder with search/index/).
    #[arg(long, value_name = "DIR", conflicts_with = "dir")]
    site: Option<PathBuf>,

    /// How many pages to print.
    #[arg(short = 'n', long, default_value_t = 10)]
    limit: usize,

    /// Only sections of pages about this status code.
    #[arg(long, value_name = "CODE")]
    code: Option<u16>,

    /// Only guides or only decision-tree steps.
    #[arg(long, value_enum)]
    kind: Option<SearchKind>,

    /// Print JSON (an array of results) for scripts.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SearchKind {
    Guide,
    Step,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// Where to create it (created if missing; must not hold a book.toml or content/).
    #[arg(default_value = ".")]
    dir: PathBuf,

    /// The site's title (default: the folder's name).
    #[arg(long)]
    title: Option<String>,
}

#[derive(Debug, Args)]
struct DiagnoseArgs {
    /// The tree: its file name without `.toml` (`402`) or its path in the
    /// content folder (`troubleshoot/402`). Optional when the site has one tree.
    tree: Option<String>,

    /// The project folder holding book.toml.
    #[arg(short = 'C', long = "dir", value_name = "DIR", default_value = ".")]
    dir: PathBuf,

    /// Answer numbers to give in order, e.g. `1,3,2` (`b` goes back); no prompts.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    answers: Option<Vec<String>>,
}

#[derive(Debug, Args)]
struct CommonArgs {
    /// The project folder holding book.toml.
    #[arg(default_value = ".")]
    dir: PathBuf,

    /// Include pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,

    /// Override `[output.html] site-url`, e.g. https://example.org/kb/.
    #[arg(long, value_name = "URL")]
    site_url: Option<String>,

    /// Do not run this `[preprocessor.NAME]` of an mdBook book (repeatable).
    #[arg(long, value_name = "NAME")]
    skip_preprocessor: Vec<String>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    common: CommonArgs,

    #[command(flatten)]
    external: ExternalArgs,

    /// List pages whose `checked` date is more than DAYS days old (exit 0 unless --fail-on stale).
    #[arg(long, value_name = "DAYS")]
    stale: Option<u32>,

    /// The day --stale compares with, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    today: Option<remedy::content::date::Date>,

    /// What makes the exit code 1: dead, moved, blocked, timeout, anchor, error, stale (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "LIST", default_value = "dead", value_parser = parse_fail_on)]
    fail_on: Vec<FailOn>,
}

#[derive(Debug, Args)]
struct ExternalArgs {
    /// Also check every http(s) link of the pages (and its #fragment on HTML pages).
    #[arg(long)]
    external: bool,

    /// Requests at once, in all.
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: u16,

    /// Requests at once to one host.
    #[arg(long, default_value_t = 2, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    per_host: u16,

    /// Seconds to wait for one request.
    #[arg(long, default_value_t = 20, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,

    /// Further tries after a timeout, a failed connection, 408, 429 or 5xx.
    #[arg(long, default_value_t = 2, value_name = "N")]
    retries: u32,

    /// Seconds the whole check may take; links not reached by then are listed as timed out.
    #[arg(long, default_value_t = 300, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    max_time: u64,

    /// The longest Retry-After (seconds) waited for; a server asking for more is listed as blocked.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    max_retry_after: u64,

    /// The cache file (default: .remedy-links.json in the project folder).
    #[arg(long, value_name = "FILE")]
    cache: Option<PathBuf>,

    /// Skip links that were fine less than this long ago: 90s, 30m, 12h, 7d; 0 asks again.
    #[arg(long, default_value = "1d", value_name = "AGE", value_parser = remedy::check::external::parse_age)]
    cache_age: std::time::Duration,

    /// Neither read nor write the cache file.
    #[arg(long, conflicts_with = "cache")]
    no_cache: bool,

    /// 'PREFIX REPLACEMENT': fetch URLs starting with PREFIX from REPLACEMENT (a mirror); repeatable.
    #[arg(long, value_name = "'PREFIX REPLACEMENT'", value_parser = remedy::check::external::parse_remap)]
    remap: Vec<(String, String)>,

    /// Only URLs matching this regular expression (repeatable).
    #[arg(long, value_name = "REGEX")]
    include: Vec<regex::Regex>,

    /// No URL matching this regular expression (repeatable).
    #[arg(long, value_name = "REGEX")]
    exclude: Vec<regex::Regex>,
}

/// A reason `remedy check` exits 1: a group of the link report, or stale pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FailOn {
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
struct BuildArgs {
    #[command(flatten)]
    common: CommonArgs,

    /// Write the site here instead of `[build] build-dir`; may be outside the project.
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,

    /// Print only warnings and errors.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,

    /// Also print how long each stage of the build took.
    #[arg(short, long)]
    verbose: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Each stream gets its own choice: `remedy search x > file` must not
    // write escape codes because stderr is a terminal.
    let colors = Colors {
        stdout: cli.color.choice(std::io::stdout().is_terminal()),
        stderr: cli.color.choice(std::io::stderr().is_terminal()),
    };
    let is_build = matches!(cli.command, Command::Build(_) | Command::Check(_));
    let result = match cli.command {
        Command::Build(b) => build(b.common, b.output, b.quiet, b.verbose, true, &colors),
        Command::Check(c) => check(c, &colors),
        Command::Diagnose(d) => diagnose(d),
        Command::Triage(t) => triage(t, &colors),
        Command::Init(i) => init(i),
        Command::Search(s) => search(s, &colors),
        Command::Serve(s) => serve(s),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) if f.is_broken_pipe() => ExitCode::SUCCESS,
        Err(f) => {
            let err = StandardStream::stderr(colors.stderr);
            // stderr itself may be gone; then nothing more can be said.
            let _ = report(&mut err.lock(), &f, is_build);
            ExitCode::from(1)
        }
    }
}

impl Color {
    fn choice(self, is_terminal: bool) -> ColorChoice {
        match self {
            Color::Auto if is_terminal => ColorChoice::Auto,
            Color::Auto | Color::Never => ColorChoice::Never,
            Color::Always => ColorChoice::Always,
        }
    }
}

/// The colour choice of each output stream.
struct Colors {
    stdout: ColorChoice,
    stderr: ColorChoice,
}

/// Prints a failure: its diagnostics, or the I/O error.
fn report(err: &mut dyn WriteColor, failure: &Failure, is_build: bool) -> std::io::Result<()> {
    match failure {
        Failure::Diagnostics(diags) => {
            for d in diags {
                d.emit(err)?;
            }
            // No diagnostic: `remedy check` found dead links or stale
            // pages, and has said so on stdout.
            if is_build && !diags.is_empty() {
                let errors = diags.iter().filter(|d| d.is_error()).count();
                writeln!(
                    err,
                    "build failed with {errors} error{}; nothing was written",
                    if errors == 1 { "" } else { "s" }
                )?;
            }
            Ok(())
        }
        Failure::Io(e) => writeln!(err, "error: {e}"),
    }
}

fn build(
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
        for (stage, t) in &report.timings {
            writeln!(out, "  {:<36} {:>8.1} ms", stage, t.as_secs_f64() * 1000.0)?;
        }
    }
    Ok(())
}

/// `remedy check`: the build's checks, then the external links and the
/// dates when asked. A broken site stops before the network is touched.
fn check(args: CheckArgs, colors: &Colors) -> Result<(), Failure> {
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

fn serve(args: ServeArgs) -> Result<(), Failure> {
    let opts = remedy::serve::ServeOptions {
        root: args.dir.clone(),
        addr: std::net::SocketAddr::new(args.bind, args.port),
        drafts: args.drafts,
        output: args.output.clone(),
        verbose: args.verbose,
    };
    let mut ready = |addr: std::net::SocketAddr| {
        let mut out = std::io::stdout().lock();
        // Nobody reading stdout is no reason to stop serving.
        let _ = writeln!(
            out,
            "serving {} at http://{addr}/ (rebuilds on change; Ctrl+C to stop)",
            args.dir.display()
        )
        .and_then(|()| out.flush());
    };
    remedy::serve::serve(&opts, &mut ready, &mut std::io::stderr().lock())
}

fn init(args: InitArgs) -> Result<(), Failure> {
    let files = remedy::init::init(&args.dir, args.title.as_deref())?;
    let mut out = std::io::stdout().lock();
    for f in &files {
        writeln!(out, "created {}", f.display())?;
    }
    writeln!(
        out,
        "\nNext: `remedy build {0}` builds it into {0}/public; `remedy diagnose -C {0}` walks its tree.",
        args.dir.display()
    )?;
    Ok(())
}

fn diagnose(args: DiagnoseArgs) -> Result<(), Failure> {
    let opts = DiagnoseOptions {
        build: BuildOptions {
            root: args.dir,
            overrides: Overrides::default(),
            write: false,
        },
        tree: args.tree.as_deref(),
        answers: args.answers,
    };
    remedy::diagnose::run(
        &opts,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
    )
    .map(|_| ())
}

fn triage(args: TriageArgs, colors: &Colors) -> Result<(), Failure> {
    use remedy::triage::TriageOptions;
    let opts = TriageOptions {
        build: BuildOptions {
            root: args.dir,
            overrides: Overrides::default(),
            write: false,
        },
        tree: args.tree.as_deref(),
        json: args.json,
    };
    if std::io::stdin().is_terminal() {
        writeln!(
            StandardStream::stderr(colors.stderr),
            "Paste the response or error message, then press Ctrl-D (Ctrl-Z Enter on Windows):"
        )?;
    }
    remedy::triage::run(
        &opts,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
    )
}

fn search(args: SearchArgs, colors: &Colors) -> Result<(), Failure> {
    let site = match &args.site {
        Some(site) => remedy::lookup::Site::built(site),
        None => remedy::lookup::Site::of_project(&args.dir)?,
    };
    let opts = remedy::search::Options {
        limit: args.limit,
        code: args.code,
        kind: args.kind.map(|k| match k {
            SearchKind::Guide => remedy::search::Kind::Guide,
            SearchKind::Step => remedy::search::Kind::Step,
        }),
    };
    let query = args.query.join(" ");
    let mut hits = site.search(&query, &opts)?;
    let out = StandardStream::stdout(colors.stdout);
    let mut out = out.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &site.json(&hits)).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        if let Some(t) = site.triage(&query) {
            print_outcome(&mut out, &t)?;
            t.lead(&mut hits);
        }
        print_hits(&mut out, &hits, &site.base, &query)?;
    }
    Ok(())
}

/// The card above the results when the query is a pasted response.
fn print_outcome(
    out: &mut impl termcolor::WriteColor,
    t: &remedy::lookup::PasteOutcome,
) -> std::io::Result<()> {
    use termcolor::ColorSpec;
    out.set_color(ColorSpec::new().set_bold(true))?;
    if t.remedy {
        write!(out, "This looks like: {}", t.heading)?;
    } else {
        write!(
            out,
            "The paste answers {} question(s) of {}; next: {}",
            t.answered, t.tree, t.heading
        )?;
    }
    out.reset()?;
    writeln!(out)?;
    if let Some(b) = &t.because {
        writeln!(out, "   from the paste: {b}")?;
    }
    writeln!(out, "   {}", t.url)?;
    for (heading, url) in &t.candidates {
        writeln!(out, "   likely: {heading}\n     {url}")?;
    }
    writeln!(out)
}

fn print_hits(
    out: &mut impl termcolor::WriteColor,
    hits: &[remedy::search::PageHit],
    base: &str,
    query: &str,
) -> std::io::Result<()> {
    use termcolor::ColorSpec;
    if hits.is_empty() {
        return writeln!(out, "no results for {query:?}");
    }
    for (i, h) in hits.iter().enumerate() {
        out.set_color(ColorSpec::new().set_bold(true))?;
        write!(out, "{}. {}", i + 1, h.title)?;
        out.reset()?;
        if let Some(heading) = &h.heading {
            write!(out, " › {heading}")?;
        }
        if h.kind == "step" {
            write!(out, " (troubleshooter step)")?;
        }
        writeln!(out)?;
        write!(out, "   {base}{}", h.url)?;
        if !h.codes.is_empty() {
            let codes: Vec<String> = h.codes.iter().map(u16::to_string).collect();
            write!(out, "  [{}]", codes.join(", "))?;
        }
        writeln!(out)?;
        let text = h.snippet.replace(['\n', '\t'], " ");
        write!(out, "   ")?;
        let mut at = 0;
        for r in &h.highlighted {
            if r.start < at || r.end > text.len() {
                continue;
            }
            write!(out, "{}", &text[at..r.start])?;
            out.set_color(
                ColorSpec::new()
                    .set_bold(true)
                    .set_fg(Some(termcolor::Color::Yellow)),
            )?;
            write!(out, "{}", &text[r.clone()])?;
            out.reset()?;
            at = r.end;
        }
        writeln!(out, "{}", &text[at..])?;
    }
    Ok(())
}
