//! The subcommands: each turns its flags into library calls and prints
//! what comes back. Only this tree (and `main`) prints or exits; the
//! library returns values and diagnostics.

use termcolor::{ColorChoice, WriteColor};

use remedy::Failure;

pub mod build;
pub mod diagnose;
pub mod init;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod triage;

/// The colour choice of each output stream.
pub struct Colors {
    pub stdout: ColorChoice,
    pub stderr: ColorChoice,
}

/// Prints a failure: every diagnostic as a build prints them (an I/O
/// error too, named by its stream), then, for a build, the summary line.
pub fn report(err: &mut dyn WriteColor, failure: Failure, is_build: bool) -> std::io::Result<()> {
    let diags = failure.into_diagnostics();
    for d in &diags {
        d.emit(err)?;
    }
    // No diagnostic: `remedy check` found dead links or stale pages, and
    // has said so on stdout.
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
