//! `remedy diagnose`: walk a site's decision tree in a terminal.
//!
//! Loads only what the walk needs (config, content, trees); the trees are
//! validated exactly as in a build, so a tree that would break the build
//! cannot be walked either.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use clap::Args;

use remedy::config::Overrides;
use remedy::diagnostics::{Diagnostic, Failure, Stream};
use remedy::tree::walk::{self, Outcome};
use remedy::BuildOptions;

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// The tree: its file name without `.toml` (`402`) or its path in the
    /// content folder (`troubleshoot/402`). Optional when the site has one tree.
    pub tree: Option<String>,

    /// The project folder holding book.toml.
    #[arg(short = 'C', long = "dir", value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Answer numbers to give in order, e.g. `1,3,2` (`b` goes back); no prompts.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub answers: Option<Vec<String>>,
}

/// Runs the walk, reading answers from standard input (or `--answers`)
/// and printing to standard output.
pub fn run(args: DiagnoseArgs) -> Result<(), Failure> {
    let build = BuildOptions {
        root: args.dir,
        overrides: Overrides::default(),
        write: false,
    };
    walk_tree(
        &build,
        args.tree.as_deref(),
        args.answers,
        &mut std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
    )
    .map(|_| ())
}

/// Walks the tree `name`, reading answers from `input` (or `answers`) and
/// printing to `out`.
fn walk_tree(
    build: &BuildOptions,
    name: Option<&str>,
    answers: Option<Vec<String>>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let opened = remedy::open_tree(build, name)?;
    let tree = opened.tree();
    let guides = |node: usize| opened.guides(node);
    let result = match &answers {
        Some(list) => {
            let script = list.join("\n");
            let mut reader = std::io::Cursor::new(script.into_bytes());
            walk::walk(tree, &guides, &mut reader, out, true)
        }
        None => walk::walk(tree, &guides, input, out, false),
    };
    match result {
        Ok(Ok(outcome)) => {
            if let Outcome::Remedy(node) = outcome {
                let url = opened.step_url(node);
                writeln!(out, "\nThis step on the site: {url}")?;
            }
            Ok(outcome)
        }
        Ok(Err(e)) => Err(Diagnostic::error(e.to_string()).into()),
        // The walk reads answers and prints questions: either stream.
        Err(e) => Err(Failure::Io(Stream::Stdin, e)),
    }
}
