//! `remedy serve`: the temporary folder it builds into (removed when the
//! process is stopped, even by a signal) and the lines it prints for each
//! build. The serving itself is `remedy::serve`.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use termcolor::StandardStream;

use remedy::diagnostics::Diagnostic;
use remedy::serve::{Event, ServeOptions};
use remedy::Failure;

use super::Colors;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The project folder holding book.toml.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Port to listen on (0 picks a free one).
    #[arg(short, long, default_value_t = 3000)]
    pub port: u16,

    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,

    /// Include pages marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,

    /// Build into this folder (kept after stopping) instead of a temporary one.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Print the time each stage of each build took.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Serves until stopped; Ctrl+C or SIGTERM removes the temporary site and
/// exits with 130, as a shell reports a process stopped by Ctrl+C.
pub fn run(args: ServeArgs, colors: &Colors) -> Result<(), Failure> {
    let tmp = tempfile::Builder::new()
        .prefix("remedy-serve-")
        .tempdir()
        .map_err(|e| {
            Diagnostic::error(format!(
                "cannot create a temporary folder in {}: {e}",
                std::env::temp_dir().display()
            ))
        })?;
    // A signal ends the process without running destructors: remove the
    // temporary site first, or every stopped serve leaves a copy in /tmp.
    let tmp_path = tmp.path().to_path_buf();
    let _ = ctrlc::set_handler(move || {
        let _ = std::fs::remove_dir_all(&tmp_path);
        std::process::exit(130);
    });
    let opts = ServeOptions {
        root: args.dir.clone(),
        addr: std::net::SocketAddr::new(args.bind, args.port),
        drafts: args.drafts,
        output: args
            .output
            .clone()
            .unwrap_or_else(|| tmp.path().join("site")),
    };
    let (dir, verbose, stderr) = (args.dir, args.verbose, colors.stderr);
    // Nothing reading stdout or stderr is no reason to stop serving: write
    // errors are ignored.
    let events = move |event: Event<'_>| {
        let err = StandardStream::stderr(stderr);
        let mut err = err.lock();
        match event {
            Event::Ready(addr) => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(
                    out,
                    "serving {} at http://{addr}/ (rebuilds on change; Ctrl+C to stop)",
                    dir.display()
                )
                .and_then(|()| out.flush());
            }
            Event::Built(report) => {
                let _ = writeln!(
                    err,
                    "built {} pages in {:.0} ms ({} rendered, {} files changed)",
                    report.pages,
                    report.elapsed.as_secs_f64() * 1000.0,
                    report.rendered,
                    report.files
                );
                if verbose {
                    for lap in &report.timings {
                        let _ = writeln!(err, "{lap}");
                    }
                }
                for w in &report.warnings {
                    let _ = w.emit(&mut err);
                }
            }
            Event::Failed(diags) => {
                let _ = writeln!(err, "build failed; still serving the last good build:");
                for d in diags {
                    let _ = d.emit(&mut err);
                }
            }
            Event::IndexFailed(d) => {
                let _ = d.emit(&mut err);
            }
        }
    };
    let served = remedy::serve::serve(&opts, Arc::new(events));
    drop(tmp);
    served
}
