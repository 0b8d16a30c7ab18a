//! `remedy init`: writes the starting site and says what to do next.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use remedy::Failure;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create it (created if missing; must not hold a book.toml or content/).
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The site's title (default: the folder's name).
    #[arg(long)]
    pub title: Option<String>,
}

pub fn run(args: InitArgs) -> Result<(), Failure> {
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
