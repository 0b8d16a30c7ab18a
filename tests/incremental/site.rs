//! The site as a model: every file is rendered from it (see `render.rs`), so
//! the edits can keep it valid (or break it on purpose, on disk only).

use std::collections::{BTreeMap, BTreeSet};

use crate::render::{folder_of, svg};
use crate::rng::Rng;

#[derive(Clone, Debug)]
pub struct Heading {
    pub text: String,
    /// `Some` for `{#id}`; `None`: the id is derived from the text.
    pub explicit: Option<String>,
}

impl Heading {
    pub fn id(&self) -> String {
        match &self.explicit {
            Some(id) => id.clone(),
            None => self.text.to_lowercase().replace(' ', "-"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Content-relative path of the target (`guides/a.md`).
    pub to: String,
    pub anchor: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Page {
    pub title: String,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub codes: Vec<u16>,
    pub aliases: Vec<String>,
    pub intro: String,
    pub links: Vec<Link>,
    pub headings: Vec<Heading>,
    pub code: bool,
    /// Raw Markdown lines with fixed targets (assets), relative to the page.
    pub extra: Vec<String>,
    pub short: Option<String>,
    /// Drafts are not built (`serve` runs without `--drafts`).
    pub draft: bool,
}

impl Page {
    pub fn new(title: &str) -> Page {
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
pub struct Tree {
    pub question: String,
    pub answers: [String; 2],
    pub remedies: [(String, Link); 2],
}

pub const TREE: &str = "troubleshoot/errors.toml";

#[derive(Clone, Debug)]
pub struct Site {
    pub book_title: String,
    /// Content-relative path -> page.
    pub pages: BTreeMap<String, Page>,
    pub tree: Tree,
    /// Content-relative path -> file (not Markdown, not a tree).
    pub assets: BTreeMap<String, String>,
    /// Text the site's `templates/page.html` adds to every page.
    pub template_note: String,
    /// Added to the theme's `static/style.css`, when set (else no override).
    pub css_note: Option<String>,
    /// Added to the theme's `templates/section.html`, when set (else no override).
    pub section_note: Option<String>,
    /// `[output.html.search] enable`.
    pub search: bool,
    /// `[output.html] precompress = ["gzip"]`.
    pub precompress: bool,
    /// For unique names.
    pub counter: usize,
}

impl Site {
    pub fn initial() -> Site {
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
}

impl Site {
    pub fn fresh(&mut self) -> usize {
        self.counter += 1;
        self.counter
    }

    /// Pages other than the home page, sorted.
    pub fn movable(&self) -> Vec<String> {
        self.pages
            .keys()
            .filter(|p| *p != "_index.md")
            .cloned()
            .collect()
    }

    pub fn regular(&self) -> Vec<String> {
        self.pages
            .keys()
            .filter(|p| !p.ends_with("_index.md"))
            .cloned()
            .collect()
    }

    pub fn folders(&self) -> Vec<String> {
        let set: BTreeSet<String> = self
            .pages
            .keys()
            .map(|p| folder_of(p).to_string())
            .filter(|f| !f.is_empty() && f != "troubleshoot")
            .collect();
        set.into_iter().collect()
    }

    /// A random link target: a page, maybe with one of its heading ids, or the tree.
    pub fn random_target(&self, rng: &mut Rng, not: &str) -> Link {
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
    pub fn referrers(&self, path: &str, anchor: Option<&str>) -> usize {
        let hit = |l: &Link| l.to == path && (anchor.is_none() || l.anchor.as_deref() == anchor);
        self.pages
            .values()
            .map(|p| p.links.iter().filter(|l| hit(l)).count())
            .sum::<usize>()
            + self.tree.remedies.iter().filter(|r| hit(&r.1)).count()
    }

    /// Rewrites every link with `f` (`None` drops it; tree guides must
    /// stay, so they get `fallback`).
    pub fn relink(&mut self, f: impl Fn(&Link) -> Option<Link>, fallback: &Link) {
        for p in self.pages.values_mut() {
            p.links = p.links.iter().filter_map(&f).collect();
        }
        for r in &mut self.tree.remedies {
            r.1 = f(&r.1).unwrap_or_else(|| fallback.clone());
        }
    }

    /// Moves the page at `from` to `to`, links included.
    pub fn move_page(&mut self, from: &str, to: &str) {
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
