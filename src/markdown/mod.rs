//! Markdown to HTML: pulldown-cmark with the rewrites a knowledge base needs.
//!
//! One pass over pulldown-cmark's events does all of it: heading ids and
//! anchor links, the table of contents, admonitions (`> [!NOTE]`), footnotes
//! with ids that cannot clash with headings, highlighted code blocks, links
//! to other pages' `.md` files rewritten to their URLs, and the plain text of
//! each section (for search). The result is a value ([`Rendered`]) so that
//! link checking and search never parse Markdown again.
//!
//! This module does not know the site's pages: it asks a [`Links`]
//! implementation, given by the caller, where a link points.

mod hidden;
mod links;

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag,
    TagEnd,
};

use crate::diagnostics::{Diagnostic, Source};
use crate::highlight::Highlighter;

pub use links::{md_to_html, resolve_relative, LinkTarget, Links};

/// The dialect comes from `book.toml`, so config owns the type and this stage
/// reads it; re-exported because callers pass it straight to [`render_flavored`].
pub use crate::config::Flavor;
use crate::escape::escape_attr;

/// The only place pulldown-cmark's options are chosen (public so the
/// CommonMark test can give pulldown-cmark alone the very same ones).
pub fn options(flavor: &Flavor) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    // GFM's only effect in pulldown-cmark is `> [!NOTE]` admonitions.
    options.set(Options::ENABLE_GFM, flavor.admonitions);
    options.set(Options::ENABLE_SMART_PUNCTUATION, flavor.smart_punctuation);
    options.set(Options::ENABLE_DEFINITION_LIST, flavor.definition_lists);
    options
}

/// What rendering one page needs to know.
pub struct Context<'a> {
    /// The page's file (its text holds front matter and body).
    pub source: &'a Source,
    /// Where the Markdown body starts in `source.text`.
    pub body_offset: usize,
    /// Path of the page relative to the content folder, e.g. `codes/429.md`.
    pub rel_path: &'a str,
    /// Relative prefix from the page's URL to the site root, e.g. `../../`.
    pub root: &'a str,
    /// Resolves link destinations.
    pub links: &'a dyn Links,
    /// Highlights code blocks.
    pub highlighter: &'a Highlighter,
}

/// An entry of the table of contents.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TocEntry {
    /// 2 for `##`, 3 for `###`.
    pub level: u8,
    /// The heading's id (without `#`).
    pub id: String,
    /// The heading's plain text.
    pub title: String,
    /// `###` entries under a `##` entry.
    pub children: Vec<TocEntry>,
}

/// A link to an anchor of some page, checked once every page is rendered.
#[derive(Debug, Clone)]
pub struct AnchorRef {
    /// The file the link is written in.
    pub source: Source,
    /// The site path of the target page.
    pub page_path: String,
    /// The anchor, without `#`.
    pub anchor: String,
    /// Where the link is written, in the linking page's source.
    pub span: Range<usize>,
}

/// The text under one heading, for search.
#[derive(Debug, Clone, Default)]
pub struct TextSection {
    /// The heading's id; `None` for the text before the first heading.
    pub id: Option<String>,
    /// The heading's text.
    pub heading: Option<String>,
    /// The heading's level (2 for `##`); 0 for the text before the first
    /// heading. A section's subsections are the ones after it with a
    /// greater level.
    pub level: u8,
    /// The plain text of the section, code included.
    pub text: String,
    /// The section's inline code spans, for search's symbols: what the
    /// prose names as code is what the section is about (a block's code
    /// uses a name; it is in `text`, stemmed like the rest).
    pub code: String,
}

/// A fenced `http` or `json` block: what a page shows of a response, which
/// triage checks as a paste (`site::checks`).
#[derive(Debug, Clone)]
pub struct CodeSample {
    /// The fence language, lowercased (`http` or `json`).
    pub lang: String,
    /// The whole info string, for attributes such as `no-triage`.
    pub info: String,
    /// The block's text as written.
    pub text: String,
    /// The fence's first line in the page's source.
    pub span: Range<usize>,
    /// The id of the section it is in (`None` before the first heading).
    pub section: Option<String>,
}

/// The result of rendering one page's Markdown.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The body as HTML.
    pub html: String,
    /// Table of contents (`##` and `###`).
    pub toc: Vec<TocEntry>,
    /// Every id the body defines (headings, footnotes, raw HTML `id=`).
    pub anchors: HashSet<String>,
    /// Links to anchors, to check after all pages are rendered.
    pub anchor_refs: Vec<AnchorRef>,
    /// Plain text by section.
    pub sections: Vec<TextSection>,
    /// The `http` and `json` code blocks, in order.
    pub samples: Vec<CodeSample>,
    /// Errors and warnings found while rendering.
    pub diagnostics: Vec<Diagnostic>,
    /// A book's links that leave it (`../../std/index.html`, or a host path
    /// `/x` outside a book's own pages), which nobody can check from here:
    /// `file:line:col: link`, listed by `--verbose` and otherwise counted.
    pub unchecked: Vec<String>,
}

/// Renders the Markdown body of a page.
pub fn render(ctx: &Context<'_>) -> Rendered {
    render_flavored(ctx, &Flavor::default())
}

/// Renders the Markdown body of a page in the given dialect.
pub fn render_flavored(ctx: &Context<'_>, flavor: &Flavor) -> Rendered {
    let body = &ctx.source.text[ctx.body_offset..];
    let mut r = Renderer {
        ctx,
        flavor: flavor.clone(),
        dt: false,
        out: Rendered::default(),
        events: Vec::new(),
        heading: None,
        code: None,
        footnotes: BTreeMap::new(),
        used_ids: HashSet::new(),
        section: TextSection::default(),
        table: None,
    };
    for (event, range) in Parser::new_ext(body, options(flavor)).into_offset_iter() {
        let span = range.start + ctx.body_offset..range.end + ctx.body_offset;
        r.event(event, span);
    }
    r.finish()
}

struct PendingHeading<'a> {
    level: HeadingLevel,
    id: Option<String>,
    classes: Vec<String>,
    events: Vec<Event<'a>>,
    text: String,
    span: Range<usize>,
}

struct PendingCode {
    lang: String,
    /// The whole info string (`python,hidelines=!!!`).
    info: String,
    text: String,
    span: Range<usize>,
}

struct Renderer<'c, 'a> {
    ctx: &'c Context<'c>,
    flavor: Flavor,
    /// Inside a definition term that gets an id (see `finish_term`).
    dt: bool,
    out: Rendered,
    events: Vec<Event<'a>>,
    heading: Option<PendingHeading<'a>>,
    code: Option<PendingCode>,
    footnotes: BTreeMap<String, usize>,
    used_ids: HashSet<String>,
    section: TextSection,
    /// The open table: index of its wrapper in `events`, and the text of
    /// its header row so far (which names the scrollable region).
    table: Option<(usize, String, bool)>,
}

impl<'a> Renderer<'_, 'a> {
    fn emit(&mut self, e: Event<'a>) {
        match &mut self.heading {
            Some(h) => h.events.push(e),
            None => self.events.push(e),
        }
    }

    fn text(&mut self, t: &str) {
        match &mut self.heading {
            Some(h) => h.text.push_str(t),
            None => self.section.text.push_str(t),
        }
    }

    fn event(&mut self, event: Event<'a>, span: Range<usize>) {
        if let Some(code) = &mut self.code {
            match event {
                Event::Text(t) => code.text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.finish_code(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs: _,
            }) => {
                self.heading = Some(PendingHeading {
                    level,
                    id: id.map(|s| s.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    events: Vec::new(),
                    text: String::new(),
                    span,
                });
            }
            Event::End(TagEnd::Heading(_)) => self.finish_heading(),
            // mdBook gives definition terms ids, like headings.
            Event::Start(Tag::DefinitionListTitle) if self.flavor.mdbook => {
                self.dt = true;
                self.heading = Some(PendingHeading {
                    level: HeadingLevel::H6,
                    id: None,
                    classes: Vec::new(),
                    events: Vec::new(),
                    text: String::new(),
                    span,
                });
            }
            Event::End(TagEnd::DefinitionListTitle) if self.dt => self.finish_term(),
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let lang = info
                    .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                self.code = Some(PendingCode {
                    lang,
                    info,
                    text: String::new(),
                    span,
                });
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, title) = admonition(kind);
                self.emit(Event::Html(CowStr::from(format!(
                    "<div class=\"admonition admonition-{class}\"><p class=\"admonition-title\">{title}</p>\n"
                ))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.emit(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Start(Tag::Table(align)) => {
                // A wide table scrolls inside a focusable region; its name,
                // filled in at the end of the header row, lists the columns
                // so that regions on one page are told apart.
                self.table = Some((self.events.len(), String::new(), false));
                self.emit(Event::Html(CowStr::Borrowed("")));
                self.emit(Event::Start(Tag::Table(align)));
            }
            Event::Start(Tag::TableHead) => {
                if let Some(t) = &mut self.table {
                    t.2 = true;
                }
                self.emit(Event::Start(Tag::TableHead));
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = &mut self.table {
                    t.2 = false;
                }
                self.emit(Event::End(TagEnd::TableHead));
            }
            Event::End(TagEnd::Table) => {
                if let Some((at, head, _)) = self.table.take() {
                    let columns = head
                        .split('\u{1f}')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .collect::<Vec<_>>()
                        .join(", ");
                    let label = if columns.is_empty() {
                        "Table".to_string()
                    } else {
                        format!("Table: {columns}")
                    };
                    self.events[at] = Event::Html(CowStr::from(format!(
                        "<div class=\"table-wrap\" role=\"region\" aria-label=\"{}\" tabindex=\"0\">",
                        escape_attr(&label)
                    )));
                }
                self.emit(Event::End(TagEnd::Table));
                self.emit(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                // `<a@b.org>` arrives without its `mailto:`; it is no file.
                let dest_url = if link_type == LinkType::Email {
                    dest_url
                } else {
                    self.rewrite(&dest_url, &span)
                };
                self.emit(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = self.rewrite(&dest_url, &span);
                self.emit(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::FootnoteReference(label) => {
                let (n, id) = self.footnote(&label);
                self.emit(Event::Html(CowStr::from(format!(
                    "<sup class=\"footnote-ref\" id=\"fnref-{id}\"><a href=\"#fn-{id}\">{n}</a></sup>"
                ))));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let (n, id) = self.footnote(&label);
                self.out.anchors.insert(format!("fn-{id}"));
                self.emit(Event::Html(CowStr::from(format!(
                    "<div class=\"footnote-definition\" id=\"fn-{id}\"><span class=\"footnote-label\">{n}.</span>\n"
                ))));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                self.emit(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Text(t) => {
                self.text(&t);
                self.table_head_text(&t);
                self.emit(Event::Text(t));
            }
            Event::Code(t) => {
                if self.heading.is_none() {
                    self.section.code.push_str(&t);
                    self.section.code.push(' ');
                }
                self.text(&t);
                self.table_head_text(&t);
                self.emit(inline_code(t));
            }
            Event::Html(h) => {
                collect_html_ids(&h, &mut self.out.anchors);
                self.emit(Event::Html(h));
            }
            Event::InlineHtml(h) => {
                collect_html_ids(&h, &mut self.out.anchors);
                self.emit(Event::InlineHtml(h));
            }
            // mdBook's ids drop a hard break in a heading or term.
            Event::HardBreak if self.flavor.mdbook && self.heading.is_some() => {
                self.emit(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                self.text(" ");
                self.emit(event);
            }
            Event::End(TagEnd::TableCell) => {
                self.text(" ");
                self.table_head_text("\u{1f}");
                self.emit(event);
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) => {
                self.text(" ");
                self.emit(event);
            }
            other => self.emit(other),
        }
    }

    fn table_head_text(&mut self, t: &str) {
        if let Some((_, head, true)) = &mut self.table {
            head.push_str(t);
        }
    }

    fn footnote(&mut self, label: &str) -> (usize, String) {
        let next = self.footnotes.len() + 1;
        let n = *self.footnotes.entry(label.to_string()).or_insert(next);
        (n, slug::slugify(label))
    }

    fn rewrite(&mut self, dest: &str, span: &Range<usize>) -> CowStr<'a> {
        // A book may link beyond itself (`../../std/index.html` next to it on
        // the same host); that cannot be checked, so it is left as written.
        if self.flavor.mdbook && links::leaves_content(self.ctx, dest) {
            self.unchecked(dest, span);
            return CowStr::from(dest.to_string());
        }
        match links::rewrite(self.ctx, dest) {
            Ok(LinkTarget::External) => CowStr::from(dest.to_string()),
            Ok(LinkTarget::Page {
                url,
                page_path,
                anchor,
            }) => {
                if let Some(anchor) = anchor {
                    self.out.anchor_refs.push(AnchorRef {
                        source: self.ctx.source.clone(),
                        page_path,
                        anchor,
                        span: span.clone(),
                    });
                }
                CowStr::from(url)
            }
            Ok(LinkTarget::Asset { url, .. }) => CowStr::from(url),
            // A host path (`/x`) that is none of the book's files points
            // at the host the book is served from, not into the book.
            Err(_) if self.flavor.mdbook && dest.starts_with('/') => {
                self.unchecked(dest, span);
                CowStr::from(dest.to_string())
            }
            Err(d) => {
                let d = d.at(self.ctx.source, link_span(self.ctx.source, span));
                self.out.diagnostics.push(book_severity(d, &self.flavor));
                // mdBook's rewrite of a link it does not check: `.md` -> `.html`.
                match self.flavor.mdbook {
                    true => CowStr::from(links::md_to_html(dest)),
                    false => CowStr::from(dest.to_string()),
                }
            }
        }
    }

    fn unchecked(&mut self, dest: &str, span: &Range<usize>) {
        let (line, col) = self.ctx.source.line_col(span.start);
        self.out.unchecked.push(format!(
            "{}:{line}:{col}: {dest}",
            self.ctx.source.path.display()
        ));
    }

    fn finish_heading(&mut self) {
        let Some(h) = self.heading.take() else {
            return;
        };
        let text = h.text.trim().to_string();
        let id = match h.id {
            // mdBook does not reserve explicit ids for the generated ones.
            Some(explicit) if self.flavor.mdbook => explicit,
            None if self.flavor.mdbook => unique(mdbook_id(&text), &mut self.used_ids),
            Some(explicit) => {
                if !self.used_ids.insert(explicit.clone()) {
                    self.out.diagnostics.push(
                        Diagnostic::error(format!(
                            "the heading id `{explicit}` is used twice on this page"
                        ))
                        .at(self.ctx.source, h.span.clone())
                        .with_help("give this heading another `{#id}`"),
                    );
                }
                explicit
            }
            None => self.unique_id(&text),
        };
        self.out.anchors.insert(id.clone());
        let level = h.level as u8;
        let class = if h.classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape_attr(&h.classes.join(" ")))
        };
        self.events.push(Event::Html(CowStr::from(format!(
            "<h{level} id=\"{}\"{class}>",
            escape_attr(&id)
        ))));
        self.events.extend(h.events);
        self.events.push(Event::Html(CowStr::from(format!(
            "<a class=\"heading-anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h{level}>\n",
            escape_attr(&id)
        ))));
        if level == 2 || level == 3 {
            let entry = TocEntry {
                level,
                id: id.clone(),
                title: text.clone(),
                children: Vec::new(),
            };
            match self.out.toc.last_mut() {
                Some(parent) if level == 3 => parent.children.push(entry),
                _ => self.out.toc.push(entry),
            }
        }
        if level <= 3 {
            let done = std::mem::take(&mut self.section);
            if done.heading.is_some() || !done.text.trim().is_empty() {
                self.out.sections.push(done);
            }
            self.section = TextSection {
                id: Some(id),
                heading: Some(text),
                level,
                text: String::new(),
                code: String::new(),
            };
        } else {
            self.section.text.push_str(&text);
            self.section.text.push(' ');
        }
    }

    /// `<dt id="...">` with mdBook's id of the term's text.
    fn finish_term(&mut self) {
        self.dt = false;
        let Some(h) = self.heading.take() else {
            return;
        };
        let text = h.text.trim().to_string();
        let id = unique(mdbook_id(&text), &mut self.used_ids);
        self.out.anchors.insert(id.clone());
        self.events.push(Event::Html(CowStr::from(format!(
            "<dt id=\"{}\">",
            escape_attr(&id)
        ))));
        self.events.extend(h.events);
        self.events.push(Event::Html(CowStr::Borrowed("</dt>\n")));
        self.section.text.push_str(&text);
        self.section.text.push(' ');
    }

    fn unique_id(&mut self, text: &str) -> String {
        let base = match slug::slugify(text) {
            s if s.is_empty() => "section".to_string(),
            s => s,
        };
        let mut id = base.clone();
        let mut n = 1;
        while !self.used_ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    /// The prefix of hidden lines in a book's code block: a `hidelines=X`
    /// attribute, then `[output.html.code.hidelines]`, then Rust's `#`.
    fn hidden_prefix(&self, code: &PendingCode) -> Option<String> {
        if !self.flavor.mdbook {
            return None;
        }
        code.info
            .split([',', ' '])
            .find_map(|a| a.strip_prefix("hidelines="))
            .map(str::to_string)
            .filter(|p| !p.is_empty())
            .or_else(|| self.flavor.hidelines.get(&code.lang).cloned())
            .or_else(|| (code.lang == "rust").then(|| "#".to_string()))
    }

    fn finish_code(&mut self) {
        let Some(code) = self.code.take() else {
            return;
        };
        // A book's hidden lines are kept, hidden behind a button; search and
        // the example checks read the visible lines only.
        let lines = self
            .hidden_prefix(&code)
            .map(|prefix| hidden::split(&code.text, &prefix, prefix == "#" && code.lang == "rust"))
            .filter(|lines| lines.iter().any(|(h, _)| *h));
        let (shown, visible) = match &lines {
            Some(lines) => (
                lines.iter().map(|(_, l)| l.as_str()).collect::<String>(),
                lines
                    .iter()
                    .filter(|(h, _)| !h)
                    .map(|(_, l)| l.as_str())
                    .collect(),
            ),
            None => (code.text.clone(), code.text.clone()),
        };
        let mut h = self.ctx.highlighter.highlight(&code.lang, &shown);
        if let Some(lines) = &lines {
            let hidden: Vec<bool> = lines.iter().map(|(h, _)| *h).collect();
            h.html = hidden::wrap(&h.html, &hidden).replacen(
                "<pre class=\"hl-code\"",
                "<pre class=\"hl-code has-hidden\"",
                1,
            );
        }
        let code = PendingCode {
            text: visible,
            ..code
        };
        if !h.known_language && !self.flavor.mdbook {
            self.out.diagnostics.push(
                Diagnostic::warning(format!(
                    "unknown code block language `{}`; shown as plain text",
                    code.lang
                ))
                .at(self.ctx.source, first_line(self.ctx.source, &code.span))
                .with_help("use one of: http, json, bash, javascript, python, toml, rust, text"),
            );
        }
        let lang = code.lang.to_ascii_lowercase();
        if lang == "http" || lang == "json" {
            self.out.samples.push(CodeSample {
                lang,
                info: code.info.clone(),
                text: code.text.clone(),
                span: first_line(self.ctx.source, &code.span),
                section: self.section.id.clone(),
            });
        }
        self.section.text.push_str(&code.text);
        self.section.text.push(' ');
        self.emit(Event::Html(CowStr::from(h.html)));
        self.emit(Event::Html(CowStr::Borrowed("\n")));
    }

    fn finish(mut self) -> Rendered {
        let done = std::mem::take(&mut self.section);
        if done.heading.is_some() || !done.text.trim().is_empty() {
            self.out.sections.push(done);
        }
        for s in &mut self.out.sections {
            s.text = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
        }
        let mut html = String::with_capacity(self.ctx.source.text.len() * 2);
        pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
        // Every page's body is held until its template runs: the guess
        // above left a quarter of it unused (37 MB at 10,000 pages).
        html.shrink_to_fit();
        self.out.html = html;
        self.out
    }
}

/// A heading's id as mdBook makes it: lower case, letters, digits, `_` and
/// `-` kept, white space turned into `-`, everything else dropped.
pub fn mdbook_id(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// `id`, or `id-1`, `id-2`, ... when the page already has it.
fn unique(id: String, used: &mut HashSet<String>) -> String {
    if used.insert(id.clone()) {
        return id;
    }
    (1..)
        .map(|n| format!("{id}-{n}"))
        .find(|c| used.insert(c.clone()))
        .unwrap_or(id)
}

/// Inline code shorter than this is never broken: it fits a phone's line
/// whole, and moves to the next line whole rather than split.
const WBR_MIN_CHARS: usize = 24;

/// Inline code, with a line-break opportunity (`<wbr>`) before each `.`,
/// `/` and `_` and after each `-` that joins two parts: a long identifier
/// (`organization_spend_limit_exceeded`, `api.example.com/v1/charges`) then
/// wraps between its parts on a narrow screen instead of mid-word. The
/// text, and what a reader copies, is unchanged.
fn inline_code(code: CowStr<'_>) -> Event<'_> {
    let joint = |c: char| matches!(c, '.' | '/' | '_' | '-');
    if code.chars().count() < WBR_MIN_CHARS || !code.contains(joint) {
        return Event::Code(code);
    }
    let mut html = String::from("<code>");
    let mut start = 0;
    let mut prev: Option<char> = None;
    let mut chars = code.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        // Not before the first part, nor before a trailing `__`.
        let before = matches!(c, '.' | '/' | '_')
            && prev.is_some_and(|p| !joint(p))
            && code[i..].contains(|n: char| !joint(n));
        if before {
            html.push_str(&escape_attr(&code[start..i]));
            html.push_str("<wbr>");
            start = i;
        }
        if c == '-' && prev.is_some_and(|p| !joint(p)) && next.is_some_and(|n| !joint(n)) {
            let end = i + c.len_utf8();
            html.push_str(&escape_attr(&code[start..end]));
            html.push_str("<wbr>");
            start = end;
        }
        prev = Some(c);
    }
    html.push_str(&escape_attr(&code[start..]));
    html.push_str("</code>");
    Event::InlineHtml(CowStr::from(html))
}

fn admonition(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// A broken link or anchor in a book is a warning, as mdBook builds the
/// book anyway, unless the book asks for strict checks (`[output.linkcheck]`).
pub fn book_severity(d: Diagnostic, flavor: &Flavor) -> Diagnostic {
    if !flavor.mdbook || flavor.strict_links || !d.is_error() {
        return d;
    }
    let help = d.help.clone().unwrap_or_default();
    Diagnostic {
        severity: crate::diagnostics::Severity::Warning,
        help: Some(format!(
            "{help} (mdBook builds the book anyway; an `[output.linkcheck]` table in book.toml makes broken links errors)"
        ).trim_start().to_string()),
        ..d
    }
}

/// The span of a link's first line, so the caret does not cover a whole paragraph.
fn link_span(source: &Source, span: &Range<usize>) -> Range<usize> {
    first_line(source, span)
}

fn first_line(source: &Source, span: &Range<usize>) -> Range<usize> {
    let text = &source.text[span.start.min(source.text.len())..span.end.min(source.text.len())];
    let len = text.find('\n').unwrap_or(text.len());
    span.start..span.start + len
}

/// Ids written in raw HTML count as anchors too.
fn collect_html_ids(html: &str, anchors: &mut HashSet<String>) {
    let mut rest = html;
    while let Some(i) = rest.find("id=") {
        let before_ok = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
        let after = &rest[i + 3..];
        rest = after;
        if !before_ok {
            continue;
        }
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = after[1..].find(q) {
            anchors.insert(after[1..1 + end].to_string());
        }
    }
}

#[cfg(test)]
mod tests;
