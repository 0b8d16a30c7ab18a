//! `remedy search`: the built site's index, queried from the terminal.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use termcolor::StandardStream;

use remedy::Failure;

use super::Colors;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for: words, an error string, a "quoted phrase".
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,

    /// The project folder holding book.toml (its build-dir must hold a built site).
    #[arg(short = 'C', long = "dir", value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// A built site to search instead (a folder with search/index/).
    #[arg(long, value_name = "DIR", conflicts_with = "dir")]
    pub site: Option<PathBuf>,

    /// How many pages to print.
    #[arg(short = 'n', long, default_value_t = 10)]
    pub limit: usize,

    /// Only sections of pages about this status code.
    #[arg(long, value_name = "CODE")]
    pub code: Option<u16>,

    /// Only guides or only decision-tree steps.
    #[arg(long, value_enum)]
    pub kind: Option<SearchKind>,

    /// Print JSON (an array of results) for scripts.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SearchKind {
    Guide,
    Step,
}

pub fn run(args: SearchArgs, colors: &Colors) -> Result<(), Failure> {
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
