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
/// and another 9% went to page faults on fresh memory.
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
    /// Check the site (config, front matter, links, anchors, templates) without writing anything.
    Check(CommonArgs),
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
        Command::Check(c) => build(c, None, false, false, false, &colors),
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
            if is_build {
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
