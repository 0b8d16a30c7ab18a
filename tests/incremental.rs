//! Incremental rebuilds of `remedy serve` (#12): a seeded random sequence of
//! edits (pages added, deleted, renamed and moved, titles, weights, links
//! broken and fixed, headings others link to, the decision tree, a template,
//! assets, aliases) is applied to a small site while `remedy serve --output`
//! watches it. After every edit the served folder must equal a clean
//! `remedy build` of the same files byte for byte, or, when the edit broke
//! the site, the last good clean build, with the errors in the status.
//!
//! The seed is printed; `REMEDY_TEST_SEED=N` replays a run and
//! `REMEDY_TEST_STEPS=N` changes its length (default 30).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

mod common;

type Files = BTreeMap<String, Vec<u8>>;

// ---------------------------------------------------------------------------
// A seeded PRNG (xorshift64*).

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0);
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------
// The site as a model: every file is rendered from it, so the edits can keep
// it valid (or break it on purpose, on disk only).

#[derive(Clone, Debug)]
struct Heading {
    text: String,
    /// `Some` for `{#id}`; `None`: the id is derived from the text.
    explicit: Option<String>,
}

impl Heading {
    fn id(&self) -> String {
        match &self.explicit {
            Some(id) => id.clone(),
            None => self.text.to_lowercase().replace(' ', "-"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Link {
    /// Content-relative path of the target (`guides/a.md`).
    to: String,
    anchor: Option<String>,
}

#[derive(Clone, Debug)]
struct Page {
    title: String,
    description: Option<String>,
    weight: Option<i64>,
    codes: Vec<u16>,
    aliases: Vec<String>,
    intro: String,
    links: Vec<Link>,
    headings: Vec<Heading>,
    code: bool,
    /// Raw Markdown lines with fixed targets (assets), relative to the page.
    extra: Vec<String>,
    short: Option<String>,
    /// Drafts are not built (`serve` runs without `--drafts`).
    draft: bool,
}

impl Page {
    fn new(title: &str) -> Page {
        Page {
            title: title.to_string(),
            description: None,
            weight: None,
            codes: Vec::new(),
            aliases: Vec::new(),
            intro: format!("This page is about {}.", title.to_lowercase()),
            links: Vec::new(),
            headings: Vec::new(),
            code: false,
            extra: Vec::new(),
            short: None,
            draft: false,
        }
    }
}

#[derive(Clone, Debug)]
struct Tree {
    question: String,
    answers: [String; 2],
    remedies: [(String, Link); 2],
}

const TREE: &str = "troubleshoot/errors.toml";

#[derive(Clone, Debug)]
struct Site {
    book_title: String,
    /// Content-relative path -> page.
    pages: BTreeMap<String, Page>,
    tree: Tree,
    /// Content-relative path -> file (not Markdown, not a tree).
    assets: BTreeMap<String, String>,
    /// Text the site's `templates/page.html` adds to every page.
    template_note: String,
    /// Added to the theme's `static/style.css`, when set (else no override).
    css_note: Option<String>,
    /// Added to the theme's `templates/section.html`, when set (else no override).
    section_note: Option<String>,
    /// `[output.html.search] enable`.
    search: bool,
    /// `[output.html] precompress = ["gzip"]`.
    precompress: bool,
    /// For unique names.
    counter: usize,
}

/// `to` as a link from the page at `from` (both content-relative).
fn relative(from: &str, to: &str) -> String {
    let mut from_dir: Vec<&str> = from.split('/').collect();
    from_dir.pop();
    let to_parts: Vec<&str> = to.split('/').collect();
    let (to_dir, to_file) = to_parts.split_at(to_parts.len() - 1);
    let common = from_dir
        .iter()
        .zip(to_dir)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = "../".repeat(from_dir.len() - common);
    for part in &to_dir[common..] {
        out.push_str(part);
        out.push('/');
    }
    out.push_str(to_file[0]);
    out
}

/// The URL path a content file is served at.
fn url_of(path: &str) -> String {
    let stem = path
        .strip_suffix("_index.md")
        .map(str::to_string)
        .unwrap_or_else(|| {
            let s = path
                .strip_suffix(".md")
                .or_else(|| path.strip_suffix(".toml"))
                .unwrap();
            format!("{s}/")
        });
    format!("/{stem}")
}

fn folder_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

fn render_link(from: &str, l: &Link) -> String {
    let mut s = relative(from, &l.to);
    if let Some(a) = &l.anchor {
        s.push('#');
        s.push_str(a);
    }
    s
}

fn render_page(path: &str, p: &Page) -> String {
    let mut s = String::from("+++\n");
    s += &format!("title = {:?}\n", p.title);
    if let Some(short) = &p.short {
        s += &format!("short = {short:?}\n");
    }
    if p.draft {
        s += "draft = true\n";
    }
    if let Some(d) = &p.description {
        s += &format!("description = {d:?}\n");
    }
    if let Some(w) = p.weight {
        s += &format!("weight = {w}\n");
    }
    if !p.codes.is_empty() {
        s += &format!("codes = {:?}\n", p.codes);
    }
    if !p.aliases.is_empty() {
        s += &format!("aliases = {:?}\n", p.aliases);
    }
    s += "+++\n\n";
    s += &p.intro;
    s += "\n\n";
    for line in &p.extra {
        s += line;
        s += "\n";
    }
    for (i, l) in p.links.iter().enumerate() {
        s += &format!("- See [link {i}]({}).\n", render_link(path, l));
    }
    for h in &p.headings {
        match &h.explicit {
            Some(id) => s += &format!("\n## {} {{#{id}}}\n\n", h.text),
            None => s += &format!("\n## {}\n\n", h.text),
        }
        s += &format!("Text under {}.\n", h.text.to_lowercase());
    }
    if p.code {
        s += &format!(
            "\n```bash\ncurl -i https://example.org{}\n```\n",
            url_of(path)
        );
    }
    s
}

fn render_tree(t: &Tree) -> String {
    let mut s = String::from(
        "[tree]\ntitle = \"Why does my request fail?\"\n\
         description = \"Answer a question to find the fix.\"\nstart = \"status\"\nweight = 5\n\n\
         [[question]]\nid = \"status\"\n",
    );
    s += &format!("text = {:?}\n", t.question);
    s += "help = \"Start from [the home page](../_index.md).\"\n";
    s += &format!(
        "answers = [\n  {{ label = {:?}, next = \"fix-a\" }},\n  {{ label = {:?}, next = \"fix-b\" }},\n]\n",
        t.answers[0], t.answers[1]
    );
    for (id, (title, guide)) in ["fix-a", "fix-b"].iter().zip(&t.remedies) {
        let mut g = guide.to.clone();
        if let Some(a) = &guide.anchor {
            g = format!("{g}#{a}");
        }
        s += &format!(
            "\n[[remedy]]\nid = \"{id}\"\ntitle = {title:?}\nbody = \"1. Read the guide.\"\nguides = [{g:?}]\n"
        );
    }
    s
}

fn builtin_theme(rel: &str) -> String {
    fs::read_to_string(common::repo().join("themes/default").join(rel)).unwrap()
}

impl Site {
    fn initial() -> Site {
        let mut pages = BTreeMap::new();
        let mut home = Page::new("Home");
        home.description = Some("A small site for the incremental rebuild test.".into());
        home.extra = vec![
            "![diagram](misc/diagram.svg)\n".into(),
            "[notes](misc/notes.txt)\n".into(),
        ];
        home.links = vec![
            Link {
                to: "guides/_index.md".into(),
                anchor: None,
            },
            Link {
                to: TREE.into(),
                anchor: None,
            },
        ];
        pages.insert("_index.md".to_string(), home);
        let mut sec = |path: &str, title: &str, weight: i64| {
            let mut p = Page::new(title);
            p.weight = Some(weight);
            p.description = Some(format!("The {} section.", title.to_lowercase()));
            pages.insert(path.to_string(), p);
        };
        sec("guides/_index.md", "Guides", 10);
        sec("network/_index.md", "Network", 20);
        sec("troubleshoot/_index.md", "Troubleshoot", 30);
        let guides = [
            ("guides/alpha.md", "Alpha errors", 402),
            ("guides/beta.md", "Beta errors", 429),
            ("guides/gamma.md", "Gamma errors", 401),
            ("guides/delta.md", "Delta errors", 403),
            ("guides/epsilon.md", "Epsilon errors", 500),
            ("network/dns.md", "DNS failures", 502),
            ("network/tls.md", "TLS handshakes", 503),
            ("network/proxy.md", "Proxies", 504),
            ("misc/faq.md", "Questions", 400),
            ("misc/glossary.md", "Glossary", 404),
        ];
        for (i, (path, title, code)) in guides.iter().enumerate() {
            let mut p = Page::new(title);
            p.codes = vec![*code];
            p.weight = (i % 3 != 0).then_some(i as i64 * 10);
            p.description = (i % 2 == 0).then(|| format!("What {title} mean."));
            let stem = path.rsplit('/').next().unwrap().trim_end_matches(".md");
            p.headings = vec![
                Heading {
                    text: "The signal".into(),
                    explicit: Some(format!("h-{stem}-signal")),
                },
                Heading {
                    text: "More details".into(),
                    explicit: None,
                },
            ];
            p.code = i % 2 == 1;
            pages.insert(path.to_string(), p);
        }
        // Links between the guides, with and without anchors.
        let paths: Vec<String> = guides.iter().map(|g| g.0.to_string()).collect();
        for (i, from) in paths.iter().enumerate() {
            for k in [1, 3] {
                let to = &paths[(i + k) % paths.len()];
                let anchor = match k {
                    1 => Some(format!(
                        "h-{}-signal",
                        to.rsplit('/').next().unwrap().trim_end_matches(".md")
                    )),
                    _ => None,
                };
                let link = Link {
                    to: to.clone(),
                    anchor,
                };
                pages.get_mut(from).unwrap().links.push(link);
            }
        }
        pages.get_mut("guides/beta.md").unwrap().links.push(Link {
            to: TREE.into(),
            anchor: None,
        });
        let mut assets = BTreeMap::new();
        assets.insert("misc/diagram.svg".to_string(), svg("rev 0000"));
        assets.insert(
            "misc/notes.txt".to_string(),
            "Notes, version 0000.\n".into(),
        );
        Site {
            book_title: "Incremental".into(),
            pages,
            tree: Tree {
                question: "What status did the response have?".into(),
                answers: ["402 Payment Required".into(), "Something else".into()],
                remedies: [
                    (
                        "Add credit".into(),
                        Link {
                            to: "guides/alpha.md".into(),
                            anchor: Some("h-alpha-signal".into()),
                        },
                    ),
                    (
                        "Read the error body".into(),
                        Link {
                            to: "network/dns.md".into(),
                            anchor: Some("more-details".into()),
                        },
                    ),
                ],
            },
            assets,
            template_note: "<!-- template note 0 -->".into(),
            css_note: None,
            section_note: None,
            search: true,
            precompress: false,
            counter: 0,
        }
    }

    /// Every file of the project, by path relative to the project folder.
    fn files(&self) -> BTreeMap<String, String> {
        let mut f = BTreeMap::new();
        let mut book = format!(
            "[book]\ntitle = {:?}\ndescription = \"Test site.\"\n\n[output.html]\nsite-url = \"https://example.org/\"\n",
            self.book_title
        );
        if self.precompress {
            book += "precompress = [\"gzip\"]\n";
        }
        if !self.search {
            book += "\n[output.html.search]\nenable = false\n";
        }
        f.insert("book.toml".to_string(), book);
        for (path, p) in &self.pages {
            f.insert(format!("content/{path}"), render_page(path, p));
        }
        f.insert(format!("content/{TREE}"), render_tree(&self.tree));
        for (path, text) in &self.assets {
            f.insert(format!("content/{path}"), text.clone());
        }
        let page_html = builtin_theme("templates/page.html").replacen(
            "<div class=\"prose\">",
            &format!("{}\n<div class=\"prose\">", self.template_note),
            1,
        );
        f.insert("themes/default/templates/page.html".to_string(), page_html);
        if let Some(note) = &self.css_note {
            f.insert(
                "themes/default/static/style.css".to_string(),
                format!("{}\n/* {note} */\n", builtin_theme("static/style.css")),
            );
        }
        if let Some(note) = &self.section_note {
            let section = builtin_theme("templates/section.html").replacen(
                "{% endblock after_content %}",
                &format!("{note}\n{{% endblock after_content %}}"),
                1,
            );
            f.insert("themes/default/templates/section.html".to_string(), section);
        }
        f
    }

    fn fresh(&mut self) -> usize {
        self.counter += 1;
        self.counter
    }

    /// Pages other than the home page, sorted.
    fn movable(&self) -> Vec<String> {
        self.pages
            .keys()
            .filter(|p| *p != "_index.md")
            .cloned()
            .collect()
    }

    fn regular(&self) -> Vec<String> {
        self.pages
            .keys()
            .filter(|p| !p.ends_with("_index.md"))
            .cloned()
            .collect()
    }

    fn folders(&self) -> Vec<String> {
        let set: BTreeSet<String> = self
            .pages
            .keys()
            .map(|p| folder_of(p).to_string())
            .filter(|f| !f.is_empty() && f != "troubleshoot")
            .collect();
        set.into_iter().collect()
    }

    /// A random link target: a page, maybe with one of its heading ids, or the tree.
    fn random_target(&self, rng: &mut Rng, not: &str) -> Link {
        if rng.chance(10) {
            return Link {
                to: TREE.into(),
                anchor: None,
            };
        }
        let candidates: Vec<&String> = self
            .pages
            .iter()
            .filter(|(p, page)| *p != not && !page.draft)
            .map(|(p, _)| p)
            .collect();
        let to = (*rng.pick(&candidates)).clone();
        let ids: Vec<String> = self.pages[&to].headings.iter().map(Heading::id).collect();
        let anchor = (!ids.is_empty() && rng.chance(60)).then(|| rng.pick(&ids).clone());
        Link { to, anchor }
    }

    /// Does anything link to `path` (with `anchor`, when given)?
    fn referrers(&self, path: &str, anchor: Option<&str>) -> usize {
        let hit = |l: &Link| l.to == path && (anchor.is_none() || l.anchor.as_deref() == anchor);
        self.pages
            .values()
            .map(|p| p.links.iter().filter(|l| hit(l)).count())
            .sum::<usize>()
            + self.tree.remedies.iter().filter(|r| hit(&r.1)).count()
    }

    /// Rewrites every link with `f` (`None` drops it; tree guides must
    /// stay, so they get `fallback`).
    fn relink(&mut self, f: impl Fn(&Link) -> Option<Link>, fallback: &Link) {
        for p in self.pages.values_mut() {
            p.links = p.links.iter().filter_map(&f).collect();
        }
        for r in &mut self.tree.remedies {
            r.1 = f(&r.1).unwrap_or_else(|| fallback.clone());
        }
    }

    /// Moves the page at `from` to `to`, links included.
    fn move_page(&mut self, from: &str, to: &str) {
        let page = self.pages.remove(from).unwrap();
        self.pages.insert(to.to_string(), page);
        self.relink(
            |l| {
                Some(if l.to == from {
                    Link {
                        to: to.to_string(),
                        anchor: l.anchor.clone(),
                    }
                } else {
                    l.clone()
                })
            },
            &Link {
                to: to.to_string(),
                anchor: None,
            },
        );
    }
}

fn svg(label: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"30\"><text x=\"4\" y=\"20\">{label}</text></svg>\n"
    )
}

// ---------------------------------------------------------------------------
// Edits.

/// A file operation done before the files are synced with the model.
#[derive(Debug)]
enum Op {
    /// `fs::rename` of a file or folder (project-relative paths).
    Rename(String, String),
    /// Writes text that is not the model's (a deliberate break).
    Write(String, String),
    Remove(String),
    /// Swaps two files: one moved out of the project, the other into its
    /// place, the first back into the other's.
    Swap(String, String),
}

struct Edit {
    what: String,
    ops: Vec<Op>,
    /// Write the model's files afterwards (false leaves the site broken).
    sync: bool,
    /// The URLs to fetch afterwards.
    urls: Vec<String>,
    /// The model stays valid: the clean build must succeed.
    valid: bool,
}

impl Edit {
    fn new(what: String) -> Edit {
        Edit {
            what,
            ops: Vec::new(),
            sync: true,
            urls: Vec::new(),
            valid: true,
        }
    }
}

/// One random edit; `may_break` allows edits that leave the site broken.
fn random_edit(site: &mut Site, rng: &mut Rng, may_break: bool) -> Edit {
    loop {
        let kind = rng.below(22);
        if let Some(e) = try_edit(site, rng, kind, may_break) {
            return e;
        }
    }
}

fn try_edit(site: &mut Site, rng: &mut Rng, kind: usize, may_break: bool) -> Option<Edit> {
    let n = site.fresh();
    let pages: Vec<String> = site.pages.keys().cloned().collect();
    match kind {
        // Page body.
        0 | 1 => {
            let path = rng.pick(&pages).clone();
            site.pages.get_mut(&path).unwrap().intro = format!("Body revision {n} of this page.");
            let mut e = Edit::new(format!("edit the body of {path}"));
            e.urls.push(url_of(&path));
            Some(e)
        }
        // Title.
        2 => {
            let path = rng.pick(&pages).clone();
            let p = site.pages.get_mut(&path).unwrap();
            let mut e = if rng.chance(25) {
                p.short = (p.short.is_none() || rng.chance(50)).then(|| format!("Short {n}"));
                Edit::new(format!("set the short label of {path} to {:?}", p.short))
            } else {
                p.title = format!("Title {n}");
                Edit::new(format!("retitle {path} as {:?}", p.title))
            };
            e.urls.push(url_of(&path));
            Some(e)
        }
        // Weight.
        3 => {
            let path = rng.pick(&site.movable()).clone();
            let w = (!rng.chance(20)).then(|| rng.below(120) as i64);
            site.pages.get_mut(&path).unwrap().weight = w;
            let mut e = Edit::new(format!("set the weight of {path} to {w:?}"));
            e.urls.push(url_of(&path));
            Some(e)
        }
        // Description and codes.
        4 => {
            let path = rng.pick(&pages).clone();
            let p = site.pages.get_mut(&path).unwrap();
            if rng.chance(50) {
                p.description = (!rng.chance(25)).then(|| format!("Description {n}."));
            } else {
                p.codes = if rng.chance(25) {
                    Vec::new()
                } else {
                    vec![400 + rng.below(100) as u16]
                };
            }
            let mut e = Edit::new(format!(
                "change description/codes of {path}: {:?} {:?}",
                p.description, p.codes
            ));
            e.urls.push(url_of(&path));
            Some(e)
        }
        // Add a page, maybe in a new folder, maybe linked from another.
        5 | 6 => {
            let folder = if rng.chance(30) {
                format!("new{n}")
            } else {
                rng.pick(&site.folders()).clone()
            };
            let path = if rng.chance(15) && !site.pages.contains_key(&format!("{folder}/_index.md"))
            {
                format!("{folder}/_index.md")
            } else {
                format!("{folder}/page{n}.md")
            };
            let mut p = Page::new(&format!("New page {n}"));
            p.weight = rng.chance(50).then(|| rng.below(100) as i64);
            p.headings.push(Heading {
                text: format!("Part {n}"),
                explicit: rng.chance(50).then(|| format!("h-part-{n}")),
            });
            p.links.push(site.random_target(rng, ""));
            p.code = rng.chance(50);
            site.pages.insert(path.clone(), p);
            let mut what = format!("add {path}");
            if rng.chance(50) {
                let from = rng.pick(&pages).clone();
                site.pages.get_mut(&from).unwrap().links.push(Link {
                    to: path.clone(),
                    anchor: None,
                });
                what += &format!(", linked from {from}");
            }
            let mut e = Edit::new(what);
            e.urls.push(url_of(&path));
            Some(e)
        }
        // Delete a page.
        7 => {
            let path = rng.pick(&site.movable()).clone();
            let others: Vec<String> = site
                .regular()
                .into_iter()
                .filter(|p| *p != path && !site.pages[p].draft)
                .collect();
            if others.is_empty() {
                return None;
            }
            let fallback = Link {
                to: others[0].clone(),
                anchor: None,
            };
            let refs = site.referrers(&path, None);
            let stale = may_break && refs > 0 && rng.chance(40);
            site.pages.remove(&path);
            site.relink(|l| (l.to != path).then(|| l.clone()), &fallback);
            let mut e = Edit::new(format!(
                "delete {path} ({refs} links to it{})",
                if stale { ", left broken" } else { ", removed" }
            ));
            e.urls.push(url_of(&path));
            if stale {
                e.ops.push(Op::Remove(format!("content/{path}")));
                e.sync = false;
                e.valid = false;
            }
            Some(e)
        }
        // Rename or move a page (fs::rename).
        8 | 9 => {
            let regular = site.regular();
            if regular.len() < 2 {
                return None;
            }
            let path = rng.pick(&regular).clone();
            let folder = match rng.below(3) {
                0 => folder_of(&path).to_string(),
                1 => rng.pick(&site.folders()).clone(),
                _ => format!("moved{n}"),
            };
            let to = format!("{folder}/renamed{n}.md");
            let refs = site.referrers(&path, None);
            let stale = may_break && rng.chance(40);
            site.move_page(&path, &to);
            let mut e = Edit::new(format!(
                "rename {path} -> {to} ({refs} links to it{})",
                if stale { ", left stale" } else { ", updated" }
            ));
            e.ops.push(Op::Rename(
                format!("content/{path}"),
                format!("content/{to}"),
            ));
            e.urls.push(url_of(&path));
            e.urls.push(url_of(&to));
            if stale {
                e.sync = false;
                e.valid = false;
            }
            Some(e)
        }
        // Rename a whole folder.
        10 => {
            let folders: Vec<String> = site
                .folders()
                .into_iter()
                .filter(|f| !f.contains('/') && f != "misc")
                .collect();
            if folders.is_empty() || !rng.chance(50) {
                return None;
            }
            let from = rng.pick(&folders).clone();
            let to = format!("folder{n}");
            let moved: Vec<String> = site
                .pages
                .keys()
                .filter(|p| p.starts_with(&format!("{from}/")))
                .cloned()
                .collect();
            for p in &moved {
                site.move_page(p, &format!("{to}{}", &p[from.len()..]));
            }
            let stale = may_break && rng.chance(40);
            let mut e = Edit::new(format!(
                "rename the folder {from}/ -> {to}/ ({} pages{})",
                moved.len(),
                if stale { ", links left stale" } else { "" }
            ));
            e.ops.push(Op::Rename(
                format!("content/{from}"),
                format!("content/{to}"),
            ));
            e.urls.push(format!("/{from}/"));
            e.urls.push(format!("/{to}/"));
            if stale {
                e.sync = false;
                e.valid = false;
            }
            Some(e)
        }
        // Add a link.
        11 | 12 => {
            let from = rng.pick(&pages).clone();
            let link = site.random_target(rng, &from);
            site.pages.get_mut(&from).unwrap().links.push(link.clone());
            let mut e = Edit::new(format!("add a link {from} -> {link:?}"));
            e.urls.push(url_of(&from));
            Some(e)
        }
        // Break a link: a missing page or a missing anchor (on disk only).
        13 | 14 if may_break => {
            let from = rng.pick(&pages).clone();
            let mut page = site.pages[&from].clone();
            let bad = if rng.chance(50) {
                Link {
                    to: format!("guides/missing{n}.md"),
                    anchor: None,
                }
            } else {
                let target = rng.pick(&site.movable()).clone();
                Link {
                    to: target,
                    anchor: Some(format!("no-such-anchor-{n}")),
                }
            };
            page.links.push(bad.clone());
            let mut e = Edit::new(format!("break a link in {from}: {bad:?}"));
            e.ops.push(Op::Write(
                format!("content/{from}"),
                render_page(&from, &page),
            ));
            e.sync = false;
            e.valid = false;
            e.urls.push(url_of(&from));
            Some(e)
        }
        // Add a heading, or rename one that others link to.
        15 => {
            let path = rng.pick(&pages).clone();
            let p = site.pages.get_mut(&path).unwrap();
            if p.headings.is_empty() || rng.chance(30) {
                p.headings.push(Heading {
                    text: format!("Added part {n}"),
                    explicit: rng.chance(50).then(|| format!("h-added-{n}")),
                });
                let mut e = Edit::new(format!("add a heading to {path}"));
                e.urls.push(url_of(&path));
                return Some(e);
            }
            let i = rng.below(p.headings.len());
            let old = p.headings[i].id();
            let h = &mut p.headings[i];
            if h.explicit.is_some() {
                h.explicit = Some(format!("h-renamed-{n}"));
            } else {
                h.text = format!("Renamed part {n}");
            }
            let new = h.id();
            let refs = site.referrers(&path, Some(&old));
            let stale = may_break && refs > 0 && rng.chance(40);
            let text = render_page(&path, &site.pages[&path]);
            site.relink(
                |l| {
                    let mut l = l.clone();
                    if l.to == path && l.anchor.as_deref() == Some(&old) {
                        l.anchor = Some(new.clone());
                    }
                    Some(l)
                },
                &Link {
                    to: path.clone(),
                    anchor: None,
                },
            );
            let mut e = Edit::new(format!(
                "rename the heading #{old} of {path} to #{new} ({refs} links to it{})",
                if stale { ", left stale" } else { "" }
            ));
            e.urls.push(url_of(&path));
            if stale {
                e.ops.push(Op::Write(format!("content/{path}"), text));
                e.sync = false;
                e.valid = false;
            }
            Some(e)
        }
        // The decision tree.
        16 => {
            let what = match rng.below(4) {
                0 => {
                    site.tree.question = format!("Question revision {n}?");
                    "the question".to_string()
                }
                1 => {
                    let i = rng.below(2);
                    site.tree.answers[i] = format!("Answer revision {n}");
                    format!("answer {i}")
                }
                2 => {
                    let i = rng.below(2);
                    site.tree.remedies[i].0 = format!("Remedy revision {n}");
                    format!("the title of remedy {i}")
                }
                _ => {
                    let i = rng.below(2);
                    let mut g = site.random_target(rng, "");
                    if g.to == TREE || g.to.ends_with("_index.md") {
                        return None;
                    }
                    if rng.chance(30) {
                        g.anchor = None;
                    }
                    let what = format!("the guide of remedy {i} -> {g:?}");
                    site.tree.remedies[i].1 = g;
                    what
                }
            };
            let mut e = Edit::new(format!("edit the tree: {what}"));
            e.urls.push(url_of(TREE));
            Some(e)
        }
        // A template (or the theme's stylesheet, or the book title).
        17 => {
            let mut e = if may_break && rng.chance(25) {
                let mut e = Edit::new("break templates/page.html".to_string());
                let broken = site.files()["themes/default/templates/page.html"].replacen(
                    "<div class=\"prose\">",
                    "{% if %}<div class=\"prose\">",
                    1,
                );
                e.ops.push(Op::Write(
                    "themes/default/templates/page.html".into(),
                    broken,
                ));
                e.sync = false;
                e.valid = false;
                e
            } else if rng.chance(20) {
                site.css_note = match site.css_note {
                    Some(_) if rng.chance(50) => None,
                    _ => Some(format!("style revision {n}")),
                };
                Edit::new(format!(
                    "override static/style.css of the theme: {:?}",
                    site.css_note
                ))
            } else if rng.chance(25) {
                site.section_note = match site.section_note {
                    Some(_) if rng.chance(50) => None,
                    _ => Some(format!("<p>Section template {n}</p>")),
                };
                Edit::new(format!(
                    "override templates/section.html: {:?}",
                    site.section_note
                ))
            } else if rng.chance(30) {
                match rng.below(3) {
                    0 => site.book_title = format!("Incremental {n}"),
                    1 => site.search = !site.search,
                    _ => site.precompress = !site.precompress,
                }
                Edit::new(format!(
                    "edit book.toml: title {:?}, search {}, precompress {}",
                    site.book_title, site.search, site.precompress
                ))
            } else {
                site.template_note = if rng.chance(50) {
                    format!("<!-- template note {n} -->")
                } else {
                    format!("<p class=\"note\">Template text {n}</p>")
                };
                Edit::new(format!("edit templates/page.html: {}", site.template_note))
            };
            e.urls.push("/guides/".into());
            Some(e)
        }
        // An asset.
        18 => {
            let path = rng
                .pick(&site.assets.keys().cloned().collect::<Vec<_>>())
                .clone();
            let text = if path.ends_with(".svg") {
                svg(&format!("rev {n:04}"))
            } else {
                format!("Notes, version {n:04}.\n")
            };
            site.assets.insert(path.clone(), text);
            let mut e = Edit::new(format!("edit the asset {path}"));
            e.urls.push(format!("/{path}"));
            Some(e)
        }
        // A draft, or a draft published (only pages nothing links to).
        19 => {
            let candidates: Vec<String> = site
                .regular()
                .into_iter()
                .filter(|p| site.pages[p].draft || site.referrers(p, None) == 0)
                .collect();
            if candidates.is_empty() {
                return None;
            }
            let path = rng.pick(&candidates).clone();
            let p = site.pages.get_mut(&path).unwrap();
            p.draft = !p.draft;
            let mut e = Edit::new(format!("set draft = {} in {path}", p.draft));
            e.urls.push(url_of(&path));
            Some(e)
        }
        // Swap two pages of a folder through renames (one out of the
        // project and back), links following their pages.
        20 => {
            let regular = site.regular();
            let a = rng.pick(&regular).clone();
            let same: Vec<&String> = regular
                .iter()
                .filter(|p| **p != a && folder_of(p) == folder_of(&a))
                .collect();
            if same.is_empty() {
                return None;
            }
            let b = (*rng.pick(&same)).clone();
            let (pa, pb) = (
                site.pages.remove(&a).unwrap(),
                site.pages.remove(&b).unwrap(),
            );
            site.pages.insert(a.clone(), pb);
            site.pages.insert(b.clone(), pa);
            let swap = |l: &Link| {
                let mut l = l.clone();
                if l.to == a {
                    l.to = b.clone();
                } else if l.to == b {
                    l.to = a.clone();
                }
                Some(l)
            };
            site.relink(
                swap,
                &Link {
                    to: a.clone(),
                    anchor: None,
                },
            );
            let mut e = Edit::new(format!("swap {a} and {b} (mv through a folder outside)"));
            e.ops
                .push(Op::Swap(format!("content/{a}"), format!("content/{b}")));
            e.urls.push(url_of(&a));
            e.urls.push(url_of(&b));
            Some(e)
        }
        // An alias.
        _ => {
            let path = rng.pick(&site.movable()).clone();
            let alias = format!("/old/alias{n}/");
            site.pages
                .get_mut(&path)
                .unwrap()
                .aliases
                .push(alias.clone());
            let mut e = Edit::new(format!("add the alias {alias} to {path}"));
            e.urls.push(alias);
            e.urls.push(url_of(&path));
            Some(e)
        }
    }
}

// ---------------------------------------------------------------------------
// The project on disk.

struct Project {
    root: PathBuf,
    scratch: PathBuf,
    /// What the project's files hold now.
    disk: BTreeMap<String, String>,
    writes: usize,
}

impl Project {
    fn write(&mut self, rel: &str, text: &str, atomic: bool) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        if atomic {
            // As editors save: a whole file, renamed into place.
            self.writes += 1;
            let tmp = self.scratch.join(format!("w{}", self.writes));
            fs::write(&tmp, text).unwrap();
            fs::rename(&tmp, &path).unwrap();
        } else {
            fs::write(&path, text).unwrap();
        }
        self.disk.insert(rel.to_string(), text.to_string());
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Rename(from, to) => {
                let dest = self.root.join(to);
                fs::create_dir_all(dest.parent().unwrap()).unwrap();
                fs::rename(self.root.join(from), &dest).unwrap();
                let moved: Vec<String> = self
                    .disk
                    .keys()
                    .filter(|k| *k == from || k.starts_with(&format!("{from}/")))
                    .cloned()
                    .collect();
                for k in moved {
                    let text = self.disk.remove(&k).unwrap();
                    self.disk.insert(format!("{to}{}", &k[from.len()..]), text);
                }
            }
            Op::Write(rel, text) => self.write(rel, text, true),
            Op::Remove(rel) => {
                fs::remove_file(self.root.join(rel)).unwrap();
                self.disk.remove(rel);
            }
            Op::Swap(a, b) => {
                let out = self.scratch.join("swap");
                fs::rename(self.root.join(a), &out).unwrap();
                fs::rename(self.root.join(b), self.root.join(a)).unwrap();
                fs::rename(&out, self.root.join(b)).unwrap();
                let (ta, tb) = (self.disk.remove(a).unwrap(), self.disk.remove(b).unwrap());
                self.disk.insert(a.clone(), tb);
                self.disk.insert(b.clone(), ta);
            }
        }
    }

    /// Makes the files on disk those of the model.
    fn sync(&mut self, files: &BTreeMap<String, String>, rng: &mut Rng) {
        for (rel, text) in files {
            if self.disk.get(rel) != Some(text) {
                let atomic = !rng.chance(30);
                self.write(rel, text, atomic);
            }
        }
        let gone: Vec<String> = self
            .disk
            .keys()
            .filter(|k| !files.contains_key(*k))
            .cloned()
            .collect();
        for rel in gone {
            fs::remove_file(self.root.join(&rel)).unwrap();
            self.disk.remove(&rel);
        }
    }
}

// ---------------------------------------------------------------------------
// The server and its status.

struct Server {
    child: Child,
    port: u16,
    stderr: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(site: &Path, out: &Path, stderr: PathBuf) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_remedy"))
            .args(["serve", "--port", "0", "--color=never", "--output"])
            .arg(out)
            .arg(site)
            .stdout(Stdio::piped())
            .stderr(fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next().and_then(Result::ok).unwrap_or_default();
            let _ = tx.send(first);
            for _ in lines {} // keep the pipe open and drained
        });
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_default();
        let port = line
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok());
        let mut server = Server {
            child,
            port: 0,
            stderr,
        };
        match port {
            Some(p) => server.port = p,
            None => {
                let _ = server.child.kill();
                let _ = server.child.wait();
                panic!(
                    "`remedy serve --output` did not start: first stdout line {line:?}\nstderr:\n{}",
                    server.log()
                );
            }
        }
        server
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
        let mut r = Vec::new();
        s.read_to_end(&mut r).unwrap();
        let split = r
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(r.len(), |i| i + 4);
        let head = String::from_utf8_lossy(&r[..split]);
        let code = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (code, r[split..].to_vec())
    }

    fn status(&self) -> Status {
        let (code, body) = self.get("/__remedy/status");
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!(
                "status {code} is not JSON ({e}): {}",
                String::from_utf8_lossy(&body)
            )
        });
        Status {
            version: v["version"]
                .as_u64()
                .unwrap_or_else(|| panic!("no version in {v}")),
            errors: v["errors"].as_str().map(str::to_string),
            indexed: v["indexed"]
                .as_u64()
                .unwrap_or_else(|| panic!("no `indexed` in {v}")),
        }
    }

    /// Polls until `done` holds and the status has not changed for `quiet`.
    fn settle(&self, quiet: Duration, context: &str, done: impl Fn(&Status) -> bool) -> Status {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut last: Option<Status> = None;
        let mut since = Instant::now();
        loop {
            let s = self.status();
            if last.as_ref() != Some(&s) {
                last = Some(s.clone());
                since = Instant::now();
            }
            if done(&s) && since.elapsed() >= quiet {
                return s;
            }
            if Instant::now() > deadline {
                panic!(
                    "{context}: gave up after 60 s; last status {s:?}\nserver log (tail):\n{}",
                    tail(&self.log(), 40)
                );
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Status {
    version: u64,
    errors: Option<String>,
    indexed: u64,
}

fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Builds the project from scratch into `out`; `Err(stderr)` when it fails.
fn clean_build(site: &Path, out: &Path, port: u16) -> Result<Files, String> {
    let o = Command::new(env!("CARGO_BIN_EXE_remedy"))
        .args(["build", "--quiet", "--color=never", "--output"])
        .arg(out)
        .arg("--site-url")
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(site)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `remedy build`: {e}"));
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    match o.status.code() {
        Some(0) => Ok(common::snapshot(out)),
        Some(1) => Err(stderr),
        c => panic!("`remedy build` exited with {c:?}:\n{stderr}"),
    }
}

/// What differs between the served folder and the reference, or `None`.
fn difference(served: &Files, want: &Files) -> Option<String> {
    let missing: Vec<&String> = want.keys().filter(|k| !served.contains_key(*k)).collect();
    let extra: Vec<&String> = served.keys().filter(|k| !want.contains_key(*k)).collect();
    let differ: Vec<&String> = want
        .keys()
        .filter(|k| served.get(*k).is_some_and(|b| b != &want[*k]))
        .collect();
    if missing.is_empty() && extra.is_empty() && differ.is_empty() {
        return None;
    }
    let mut s = format!(
        "missing from the served folder ({}): {missing:?}\nextra in the served folder ({}): {extra:?}\ndiffering ({}): {differ:?}\n",
        missing.len(),
        extra.len(),
        differ.len()
    );
    let text = differ.iter().find(|k| {
        std::str::from_utf8(&want[**k]).is_ok() && std::str::from_utf8(&served[**k]).is_ok()
    });
    if let Some(k) = text {
        s += &format!(
            "first differing text file, {k}:\n{}",
            line_diff(&served[*k], &want[*k])
        );
    }
    Some(s)
}

/// The first differing lines of two texts, with a little context.
fn line_diff(served: &[u8], want: &[u8]) -> String {
    let (served, want) = (
        String::from_utf8_lossy(served),
        String::from_utf8_lossy(want),
    );
    let a: Vec<&str> = served.lines().collect();
    let b: Vec<&str> = want.lines().collect();
    let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let from = first.saturating_sub(2);
    let cut = |l: &str| l.chars().take(300).collect::<String>();
    let mut s = String::new();
    for (i, l) in b.iter().enumerate().skip(from).take(first - from) {
        s += &format!("  {:>5}  {}\n", i + 1, cut(l));
    }
    for (i, l) in b.iter().enumerate().skip(first).take(6) {
        s += &format!("- {:>5}  {}   (clean build)\n", i + 1, cut(l));
    }
    for (i, l) in a.iter().enumerate().skip(first).take(6) {
        s += &format!("+ {:>5}  {}   (served)\n", i + 1, cut(l));
    }
    s += &format!(
        "({} lines served, {} in the clean build)\n",
        a.len(),
        b.len()
    );
    s
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}"))
    })
}

#[test]
fn served_output_equals_a_clean_build_after_every_edit() {
    let seed = env_u64("REMEDY_TEST_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            % 1_000_000_007
    });
    let steps = env_u64("REMEDY_TEST_STEPS").unwrap_or(30) as usize;
    println!("seed {seed} (replay with REMEDY_TEST_SEED={seed}), {steps} steps");
    let mut rng = Rng::new(seed);

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let scratch = tmp.path().join("scratch");
    let served = tmp.path().join("served");
    fs::create_dir_all(&scratch).unwrap();
    let mut site = Site::initial();
    let mut project = Project {
        root: root.clone(),
        scratch,
        disk: BTreeMap::new(),
        writes: 0,
    };
    project.sync(&site.files(), &mut Rng::new(1));

    let server = Server::start(&root, &served, tmp.path().join("serve.log"));
    let port = server.port;
    let ctx0 = format!("seed {seed}, the first build");
    let mut status = server.settle(Duration::from_millis(300), &ctx0, |s| {
        s.version >= 1 && s.indexed == s.version
    });
    assert!(
        status.errors.is_none(),
        "{ctx0}: the fixture does not build: {status:?}"
    );
    let mut good = clean_build(&root, &tmp.path().join("ref-0"), port)
        .unwrap_or_else(|e| panic!("{ctx0}: the clean build fails:\n{e}"));
    let compare = |step: usize, what: &str, want: &Files, status: &Status| {
        let diff = difference(&common::snapshot(&served), want);
        let Some(diff) = diff else { return };
        // A rebuild still on its way (a late watcher event) may land yet.
        let again = server.settle(Duration::from_millis(1500), what, |s| {
            s.indexed == s.version
        });
        let diff2 = difference(&common::snapshot(&served), want);
        if let Some(diff2) = diff2 {
            panic!(
                "step {step} ({what}), seed {seed}: the served folder differs from a clean build\n\
                 status {status:?} then {again:?}\n{diff2}\n\nserver log (tail):\n{}",
                tail(&server.log(), 30)
            );
        }
        // Settled again with the same status, yet the files changed: the
        // status said the output was complete before it was.
        assert!(
            again.version != status.version,
            "step {step} ({what}), seed {seed}: the served folder differed from a clean build \
             while the status said it was complete ({status:?}), and changed later without a new \
             version:\n{diff}"
        );
        println!("step {step}: NOTE a late rebuild ({status:?} -> {again:?}) fixed:\n{diff}");
    };
    compare(0, "the first build", &good, &status);
    let _ = fs::remove_dir_all(tmp.path().join("ref-0"));

    let mut broken = false;
    let (mut failed_steps, mut started) = (0, Instant::now());
    for step in 1..=steps {
        let mut edit = random_edit(&mut site, &mut rng, !broken);
        // Sometimes two edits land together, as when an editor saves all.
        if edit.valid && rng.chance(15) {
            let second = random_edit(&mut site, &mut rng, false);
            edit.what = format!("{} + {}", edit.what, second.what);
            edit.ops.extend(second.ops);
            edit.urls.extend(second.urls);
        }
        if broken {
            edit.what += " (and the files the previous step broke are restored)";
        }
        for op in &edit.ops {
            project.apply(op);
        }
        if edit.sync {
            project.sync(&site.files(), &mut rng);
        }
        let ctx = format!("step {step} ({}), seed {seed}", edit.what);
        println!("step {step}: {}", edit.what);
        let reference = tmp.path().join(format!("ref-{step}"));
        let result = clean_build(&root, &reference, port);
        let prev = status.clone();
        let want = match result {
            Ok(files) => {
                // A build that changes nothing may be skipped: then the version
                // need not move.
                let same = files == good;
                let t0 = Instant::now();
                status = server.settle(Duration::from_millis(300), &ctx, |s| {
                    s.errors.is_none()
                        && s.indexed == s.version
                        && (s.version > prev.version
                            || (same && t0.elapsed() > Duration::from_secs(5)))
                });
                good = files;
                broken = false;
                good.clone()
            }
            Err(stderr) => {
                assert!(
                    !edit.valid,
                    "{ctx}: the edit should keep the site valid, but the clean build fails:\n{stderr}"
                );
                failed_steps += 1;
                status = server.settle(Duration::from_millis(300), &ctx, |s| {
                    s.errors.is_some() && s.indexed == s.version
                });
                assert_eq!(
                    status.version, prev.version,
                    "{ctx}: a failed build changed the version (an intermediate build succeeded?)"
                );
                broken = true;
                good.clone()
            }
        };
        compare(step, &edit.what, &want, &status);
        for url in &edit.urls {
            let file = match url.ends_with('/') {
                true => format!("{}index.html", &url[1..]),
                false => url[1..].to_string(),
            };
            let (code, body) = server.get(url);
            let Some(bytes) = want.get(&file) else {
                assert_eq!(code, 404, "{ctx}: GET {url} (not in the clean build)");
                continue;
            };
            assert_eq!(code, 200, "{ctx}: GET {url}");
            // What is served is the file, with the reload script before `</body>`.
            let end = bytes.windows(7).rposition(|w| w == b"</body>");
            let same = match end {
                Some(i) => {
                    body.len() >= bytes.len()
                        && body.starts_with(&bytes[..i])
                        && body.ends_with(&bytes[i..])
                }
                None => body == *bytes,
            };
            assert!(
                same,
                "{ctx}: GET {url} does not answer the file {file} of the clean build:\n{}",
                line_diff(&body, bytes)
            );
        }
        let _ = fs::remove_dir_all(&reference);
        if step == 1 {
            started = Instant::now();
        }
    }
    println!(
        "{steps} steps, {failed_steps} of them broke the site; {:.1} s after step 1",
        started.elapsed().as_secs_f64()
    );
    drop(server);
}
