//! The model rendered to the project's files: pages, the decision tree,
//! `book.toml` and the theme overrides, and the paths and URLs they use.

use std::collections::BTreeMap;
use std::fs;

use crate::common;
use crate::site::{Link, Page, Site, Tree, TREE};

/// `to` as a link from the page at `from` (both content-relative).
pub fn relative(from: &str, to: &str) -> String {
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
pub fn url_of(path: &str) -> String {
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

pub fn folder_of(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

pub fn render_link(from: &str, l: &Link) -> String {
    let mut s = relative(from, &l.to);
    if let Some(a) = &l.anchor {
        s.push('#');
        s.push_str(a);
    }
    s
}

pub fn render_page(path: &str, p: &Page) -> String {
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

pub fn render_tree(t: &Tree) -> String {
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

pub fn builtin_theme(rel: &str) -> String {
    fs::read_to_string(common::repo().join("themes/default").join(rel)).unwrap()
}

pub fn svg(label: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"30\"><text x=\"4\" y=\"20\">{label}</text></svg>\n"
    )
}

impl Site {
    /// Every file of the project, by path relative to the project folder.
    pub fn files(&self) -> BTreeMap<String, String> {
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
}
