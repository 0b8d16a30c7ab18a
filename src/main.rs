//! The `remedy` command line: a thin layer that turns flags into
//! [`remedy::BuildOptions`], prints diagnostics and picks the exit code
//! (0 success, 1 the site has errors, 2 a usage error, from clap).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use termcolor::{ColorChoice, StandardStream};

use remedy::config::Overrides;
use remedy::diagnose::{DiagnoseError, DiagnoseOptions};
use remedy::diagnostics::Diagnostic;
use remedy::{BuildFailure, BuildOptions};

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
    let color = match cli.color {
        Color::Auto if std::io::IsTerminal::is_terminal(&std::io::stderr()) => ColorChoice::Auto,
        Color::Auto | Color::Never => ColorChoice::Never,
        Color::Always => ColorChoice::Always,
    };
    let (common, output, quiet, verbose, write) = match cli.command {
        Command::Build(b) => (b.common, b.output, b.quiet, b.verbose, true),
        Command::Check(c) => (c, None, false, false, false),
        Command::Diagnose(d) => return diagnose(d, color),
        Command::Triage(t) => return triage(t, color),
        Command::Init(i) => return init(i, color),
        Command::Search(s) => return search(s, color),
        Command::Serve(s) => return serve(s, color),
    };
    let opts = BuildOptions {
        root: common.dir,
        overrides: Overrides {
            output,
            site_url: common.site_url,
            drafts: common.drafts,
            skip_preprocessors: common.skip_preprocessor,
        },
        write,
    };
    match remedy::build(&opts) {
        Ok(report) => {
            print_diagnostics(&report.warnings, color);
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
                println!("{what}{warnings}");
            }
            if verbose {
                for (stage, t) in &report.timings {
                    println!("  {:<36} {:>8.1} ms", stage, t.as_secs_f64() * 1000.0);
                }
            }
            ExitCode::SUCCESS
        }
        Err(BuildFailure { diagnostics }) => {
            print_diagnostics(&diagnostics, color);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let mut err = StandardStream::stderr(color);
            let _ = writeln!(
                err,
                "build failed with {errors} error{}; nothing was written",
                if errors == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
    }
}

fn serve(args: ServeArgs, color: ColorChoice) -> ExitCode {
    let opts = remedy::serve::ServeOptions {
        root: args.dir.clone(),
        addr: std::net::SocketAddr::new(args.bind, args.port),
        drafts: args.drafts,
    };
    let mut ready = |addr: std::net::SocketAddr| {
        println!(
            "serving {} at http://{addr}/ (rebuilds on change; Ctrl+C to stop)",
            args.dir.display()
        );
        let _ = std::io::stdout().flush();
    };
    let stderr = std::io::stderr();
    match remedy::serve::serve(&opts, &mut ready, &mut stderr.lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => {
            print_diagnostics(&[d], color);
            ExitCode::from(1)
        }
    }
}

fn init(args: InitArgs, color: ColorChoice) -> ExitCode {
    match remedy::init::init(&args.dir, args.title.as_deref()) {
        Ok(files) => {
            for f in &files {
                println!("created {}", f.display());
            }
            println!(
                "\nNext: `remedy build {0}` builds it into {0}/public; `remedy diagnose -C {0}` walks its tree.",
                args.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(d) => {
            print_diagnostics(&[d], color);
            ExitCode::from(1)
        }
    }
}

fn diagnose(args: DiagnoseArgs, color: ColorChoice) -> ExitCode {
    let opts = DiagnoseOptions {
        build: BuildOptions {
            root: args.dir,
            overrides: Overrides::default(),
            write: false,
        },
        tree: args.tree.as_deref(),
        answers: args.answers,
    };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let result = remedy::diagnose::run(&opts, &mut stdin.lock(), &mut stdout.lock());
    let mut err = StandardStream::stderr(color);
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(DiagnoseError::Site(BuildFailure { diagnostics })) => {
            print_diagnostics(&diagnostics, color);
            ExitCode::from(1)
        }
        Err(DiagnoseError::Walk(e)) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(1)
        }
        // A closed pipe (`remedy diagnose | head`) is not worth a message.
        Err(DiagnoseError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(DiagnoseError::Io(e)) => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(1)
        }
    }
}

fn triage(args: TriageArgs, color: ColorChoice) -> ExitCode {
    use remedy::triage::{TriageError, TriageOptions};
    let opts = TriageOptions {
        build: BuildOptions {
            root: args.dir,
            overrides: Overrides::default(),
            write: false,
        },
        tree: args.tree.as_deref(),
        json: args.json,
    };
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let _ = writeln!(
            StandardStream::stderr(color),
            "Paste the response or error message, then press Ctrl-D (Ctrl-Z Enter on Windows):"
        );
    }
    let result = remedy::triage::run(
        &opts,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(TriageError::Site(BuildFailure { diagnostics })) => {
            print_diagnostics(&diagnostics, color);
            ExitCode::from(1)
        }
        Err(TriageError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(TriageError::Io(e)) => {
            let _ = writeln!(StandardStream::stderr(color), "error: {e}");
            ExitCode::from(1)
        }
    }
}

fn search(args: SearchArgs, color: ColorChoice) -> ExitCode {
    let mut err = StandardStream::stderr(color);
    let (site, base) = match &args.site {
        Some(site) => (site.clone(), "/".to_string()),
        None => match remedy::config::Config::load(&args.dir, &Overrides::default()) {
            Ok(config) => {
                let base = config
                    .site_url
                    .absolute
                    .clone()
                    .unwrap_or(config.site_url.base_path.clone());
                (config.output_dir, base)
            }
            Err(diags) => {
                print_diagnostics(&diags.sorted(), color);
                return ExitCode::from(1);
            }
        },
    };
    let dir = site.join(remedy::search::INDEX_DIR);
    if !dir.join("meta.json").is_file() {
        let _ = writeln!(
            err,
            "error: no search index in {}\nhelp: run `remedy build` first (or pass --site with a built site)",
            dir.display()
        );
        return ExitCode::from(1);
    }
    let index = match remedy::search::SearchIndex::open(&dir) {
        Ok(i) => i,
        Err(e) => {
            let _ = writeln!(
                err,
                "error: {e:#}\nhelp: rebuild the site with this version of remedy"
            );
            return ExitCode::from(1);
        }
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
    let hits = match index.search(&query, &opts) {
        Ok(h) => h,
        Err(e) => {
            let _ = writeln!(err, "error: the search failed: {e:#}");
            return ExitCode::from(1);
        }
    };
    let out = StandardStream::stdout(color);
    let mut out = out.lock();
    let printed = if args.json {
        let rows: Vec<serde_json::Value> = hits
            .iter()
            .map(|h| {
                serde_json::json!({
                    "title": h.title,
                    "section": h.heading,
                    "url": format!("{base}{}", h.url),
                    "score": h.score,
                    "codes": h.codes,
                    "kind": h.kind,
                    "snippet": h.snippet,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &rows)
            .map_err(std::io::Error::other)
            .and_then(|_| writeln!(out))
    } else {
        print_hits(&mut out, &hits, &base, &query)
    };
    match printed {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            let _ = writeln!(err, "error: {e}");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
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

fn print_diagnostics(diags: &[Diagnostic], color: ColorChoice) {
    let stream = StandardStream::stderr(color);
    let mut lock = stream.lock();
    for d in diags {
        if d.emit(&mut lock).is_err() {
            // stderr is gone (e.g. a closed pipe): nothing more can be said.
            return;
        }
    }
}
