//! The `remedy` command line: a thin layer that turns flags into library
//! options (each subcommand in `cmd/`), prints what the library returns
//! and picks the exit code in one place (0 success, 1 the site has errors,
//! 2 a usage error, from clap; 130 when `serve` is stopped). A closed pipe
//! ends any command quietly with 0, as it does for `cat`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use termcolor::{ColorChoice, StandardStream};

mod cmd;

use cmd::build::{BuildArgs, CheckArgs};
use cmd::diagnose::DiagnoseArgs;
use cmd::init::InitArgs;
use cmd::search::SearchArgs;
#[cfg(feature = "serve")]
use cmd::serve::ServeArgs;
use cmd::triage::TriageArgs;
use cmd::Colors;

/// A build allocates and frees many small buffers on several threads
/// (tantivy's postings, syntect's scopes, tera's values): mimalloc keeps
/// them on per-thread pages, where glibc's malloc took 9% of a book's build
/// and another 9% went to page faults on fresh memory. Built without
/// transparent huge pages (Cargo.toml, `no_thp`): mimalloc's default asks
/// the kernel for them, and each first touch then cleared 2 MiB, half of a
/// book's CPU (Rustonomicon: 137 MB peak -> 64 MB, CPU -40%).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Read a pasted response or error message from stdin and let the tree answer its own questions.
    Triage(TriageArgs),
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
        Command::Build(b) => {
            cmd::build::build(b.common, b.output, b.quiet, b.verbose, true, &colors)
        }
        Command::Check(c) => cmd::build::check(c, &colors),
        Command::Diagnose(d) => cmd::diagnose::run(d),
        Command::Triage(t) => cmd::triage::run(t, &colors),
        Command::Init(i) => cmd::init::run(i),
        Command::Search(s) => cmd::search::run(s, &colors),
        #[cfg(feature = "serve")]
        Command::Serve(s) => cmd::serve::run(s, &colors),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) if f.is_broken_pipe() => ExitCode::SUCCESS,
        Err(f) => {
            let err = StandardStream::stderr(colors.stderr);
            // stderr itself may be gone; then nothing more can be said.
            let _ = cmd::report(&mut err.lock(), f, is_build);
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
