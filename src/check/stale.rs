//! `remedy check --stale DAYS`: the pages whose `checked` date is more
//! than DAYS before today. Only this command compares dates with today;
//! a build shows the date as written.

use std::io::Write;

use crate::content::date::Date;
use crate::content::Library;

/// A page whose sources were read too long ago.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// Where `checked` is written: `file:line:col`.
    pub place: String,
    /// The page's site path.
    pub path: String,
    /// Its date.
    pub checked: Date,
    /// Days from it to today.
    pub age: i64,
}

/// What `--stale` found.
#[derive(Debug)]
pub struct Freshness {
    /// Pages older than the limit, oldest first.
    pub stale: Vec<Stale>,
    /// Pages with a `checked` date.
    pub dated: usize,
    /// The limit, in days.
    pub max_age: u32,
    /// The day compared with.
    pub today: Date,
}

/// The pages whose `checked` date is more than `max_age` days before `today`.
pub fn stale_pages(library: &Library, today: Date, max_age: u32) -> Freshness {
    let mut stale = Vec::new();
    let mut dated = 0;
    for page in &library.pages {
        let (Some(date), Some(spanned)) = (page.meta.checked(), &page.meta.checked) else {
            continue;
        };
        dated += 1;
        let age = today.days() - date.days();
        if age > i64::from(max_age) {
            let (line, col) = page
                .source
                .line_col(page.front_matter_offset + spanned.span().start);
            stale.push(Stale {
                place: format!("{}:{line}:{col}", page.source.path.display()),
                path: page.path.clone(),
                checked: date,
                age,
            });
        }
    }
    stale.sort_by(|a, b| b.age.cmp(&a.age).then_with(|| a.place.cmp(&b.place)));
    Freshness {
        stale,
        dated,
        max_age,
        today,
    }
}

/// Prints the stale pages, one `file:line:col` line each, and a summary.
pub fn print(f: &Freshness, out: &mut dyn Write) -> std::io::Result<()> {
    for s in &f.stale {
        writeln!(
            out,
            "{}: warning: checked {}, {} days ago (more than {}): read its sources again, then update `checked`",
            s.place, s.checked, s.age, f.max_age
        )?;
    }
    writeln!(
        out,
        "{} of {} dated page{} checked more than {} days before {}",
        f.stale.len(),
        f.dated,
        if f.dated == 1 { "" } else { "s" },
        f.max_age,
        f.today
    )
}
