//! mdBook's `SUMMARY.md`: the book's chapters, in order, with their nesting.
//!
//! The file is Markdown read with pulldown-cmark, as mdBook reads it: an
//! optional `# Title`, prefix chapters (links before the first list),
//! numbered chapters (nested lists of links), `# Part titles` between lists,
//! `---` separators, and suffix chapters after the last list. A link with an
//! empty target (`[Title]()`) is a draft chapter: listed, not built.
//! Anything else is an error pointing at its line.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, Source};

/// The parsed form is part of the content model: a book's `Library`
/// carries it to the sidebar.
use crate::content::summary::{Chapter, Item};

type Spanned<'a> = (Event<'a>, Range<usize>);

/// Chapters nest at most this deep: reading the lists, numbering them,
/// the sidebar and dropping the tree all recurse once per level, and a
/// stranger's 100,000-deep list must not overflow the stack.
const MAX_NESTING: usize = 16;

/// Parses `SUMMARY.md`; every problem is returned, not just the first.
/// The items are usable unless one of the diagnostics is an error.
pub fn parse(source: &Source) -> (Vec<Item>, Vec<Diagnostic>) {
    let events: Vec<Spanned<'_>> = Parser::new(&source.text).into_offset_iter().collect();
    let mut items = Vec::new();
    let mut errors = Vec::new();
    let mut numbered = 0u32;
    let mut i = 0;
    let mut seen_content = false;
    while i < events.len() {
        let (event, span) = &events[i];
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let end = close(&events, i);
                let text = plain_text(&events[i + 1..end]);
                // The first `# Heading` is the book's title, not a part.
                if seen_content || *level != HeadingLevel::H1 {
                    items.push(Item::PartTitle(text));
                }
                i = end + 1;
            }
            Event::Rule => {
                items.push(Item::Separator);
                i += 1;
            }
            Event::Start(Tag::Paragraph) => {
                let end = close(&events, i);
                let links = links_in(source, &events[i + 1..end], &mut errors, span);
                for (name, path, span) in links {
                    items.push(Item::Chapter(Chapter {
                        name,
                        path,
                        number: None,
                        sub_items: Vec::new(),
                        span,
                    }));
                }
                i = end + 1;
            }
            Event::Start(Tag::List(_)) => {
                let end = close(&events, i);
                items.extend(list(
                    source,
                    &events[i + 1..end],
                    &[],
                    &mut numbered,
                    &mut errors,
                ));
                i = end + 1;
            }
            // Comments and other HTML are not chapters (mdBook skips them).
            Event::Start(Tag::HtmlBlock) => i = close(&events, i) + 1,
            Event::Html(_) | Event::InlineHtml(_) => i += 1,
            _ => {
                errors.push(
                    Diagnostic::error(
                        "SUMMARY.md can hold only links, lists of links, `# Part` titles and `---`",
                    )
                    .at(source, first_line(source, span))
                    .with_help("write chapters as `- [Title](file.md)`"),
                );
                i = close(&events, i) + 1;
            }
        }
        seen_content = true;
    }
    (items, errors)
}

/// The items of one list (the events between its Start and End).
fn list(
    source: &Source,
    events: &[Spanned<'_>],
    parent: &[u32],
    counter: &mut u32,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Item> {
    let mut items = Vec::new();
    let mut i = 0;
    let mut own = 0u32;
    while i < events.len() {
        let (event, span) = &events[i];
        if !matches!(event, Event::Start(Tag::Item)) {
            i += 1;
            continue;
        }
        let end = close(events, i);
        let body = &events[i + 1..end];
        // The item's own text is everything before a nested list.
        let nested_at = body
            .iter()
            .position(|(e, _)| matches!(e, Event::Start(Tag::List(_))))
            .unwrap_or(body.len());
        let links = links_in(source, &body[..nested_at], errors, span);
        let number = if parent.is_empty() {
            *counter += 1;
            vec![*counter]
        } else {
            own += 1;
            let mut n = parent.to_vec();
            n.push(own);
            n
        };
        let sub_items = if nested_at < body.len() && number.len() >= MAX_NESTING {
            errors.push(
                Diagnostic::error(format!("chapters nested more than {MAX_NESTING} deep"))
                    .at(source, first_line(source, &body[nested_at].1))
                    .with_label("too deep")
                    .with_help("move these chapters up a level"),
            );
            Vec::new()
        } else if nested_at < body.len() {
            let list_end = close(body, nested_at);
            list(
                source,
                &body[nested_at + 1..list_end],
                &number,
                &mut 0,
                errors,
            )
        } else {
            Vec::new()
        };
        let mut links = links.into_iter();
        if let Some((name, path, span)) = links.next() {
            // mdBook takes an item's first link and drops the others.
            for (extra, _, extra_span) in links {
                errors.push(
                    Diagnostic::warning(format!(
                        "`{extra}` is not a chapter: a list item's first link is its chapter, the others are ignored (as mdBook does)"
                    ))
                    .at(source, extra_span)
                    .with_help("put each chapter on its own `- [Title](file.md)` line"),
                );
            }
            items.push(Item::Chapter(Chapter {
                name,
                path,
                number: Some(number),
                sub_items,
                span,
            }));
        }
        i = end + 1;
    }
    items
}

/// The links of a paragraph or list item. Text before the first link is
/// an error (mdBook refuses it too); text after it is ignored with a
/// warning, as mdBook ignores it (`- [Cancellation](c.md) (safety)`).
fn links_in(
    source: &Source,
    events: &[Spanned<'_>],
    errors: &mut Vec<Diagnostic>,
    outer: &Range<usize>,
) -> Vec<(String, Option<String>, Range<usize>)> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut stray = false;
    let mut trailing: Option<Range<usize>> = None;
    while i < events.len() {
        match &events[i] {
            (Event::Start(Tag::Link { dest_url, .. }), span) => {
                let end = close(events, i);
                let name = plain_text(&events[i + 1..end]);
                let dest = dest_url.trim();
                let path = if dest.is_empty() {
                    None
                } else {
                    Some(clean_path(&percent_decode(dest)))
                };
                out.push((name, path, span.clone()));
                i = end + 1;
            }
            (Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph), _)
            | (Event::SoftBreak | Event::HardBreak, _)
            // A comment beside a chapter (`<!-- TODO -->`) is not text.
            | (Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock), _)
            | (Event::Html(_) | Event::InlineHtml(_), _) => i += 1,
            (Event::Text(t), _) if t.trim().is_empty() => i += 1,
            (_, span) => {
                match out.is_empty() {
                    true => stray = true,
                    false => trailing = trailing.or_else(|| Some(span.clone())),
                }
                i = match events[i].0 {
                    Event::Start(_) => close(events, i) + 1,
                    _ => i + 1,
                };
            }
        }
    }
    if stray || out.is_empty() {
        errors.push(
            Diagnostic::error("expected a link to a chapter: `[Title](file.md)`")
                .at(source, first_line(source, outer))
                .with_label("not a link")
                .with_help("write chapters as `[Title](file.md)`, or `[Title]()` for a draft"),
        );
        out.clear();
    } else if let Some(span) = trailing {
        errors.push(
            Diagnostic::warning(
                "text after a chapter's link is not part of it and is ignored (as mdBook does)",
            )
            .at(source, first_line(source, &span))
            .with_help("put it in the chapter's title, `[Title (more)](file.md)`, or remove it"),
        );
    }
    out
}

/// Index of the End event matching the Start at `start` (or `start` itself
/// for an event that is not a Start).
fn close(events: &[Spanned<'_>], start: usize) -> usize {
    if !matches!(events[start].0, Event::Start(_)) {
        return start;
    }
    let mut depth = 0usize;
    for (j, (e, _)) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

fn plain_text(events: &[Spanned<'_>]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

/// `./a/./b.md` -> `a/b.md`, so the same file has one name (and URL).
fn clean_path(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// `%20` and friends in a link target, as a file name on disk.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn first_line(source: &Source, span: &Range<usize>) -> Range<usize> {
    let end = span.end.min(source.text.len());
    let start = span.start.min(end);
    let len = source.text[start..end].find('\n').unwrap_or(end - start);
    start..start + len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapters(items: &[Item]) -> Vec<String> {
        let mut out = Vec::new();
        for item in items {
            match item {
                Item::Chapter(c) => {
                    let n = c.number.as_ref().map_or(String::new(), |n| {
                        n.iter().map(|x| format!("{x}.")).collect::<String>()
                    });
                    out.push(format!("{n}{}={}", c.name, c.path.as_deref().unwrap_or("")));
                    out.extend(chapters(&c.sub_items).into_iter().map(|s| format!("  {s}")));
                }
                Item::Separator => out.push("---".into()),
                Item::PartTitle(t) => out.push(format!("# {t}")),
            }
        }
        out
    }

    #[test]
    fn prefix_numbered_parts_drafts_suffix() {
        let s = Source::new(
            "SUMMARY.md",
            "# Summary\n\n[Intro](README.md)\n\n# Guide\n\n- [A](a.md)\n    - [B](./a/b%20c.md)\n        - [Draft]()\n- [C](c.md)\n\n---\n\n[End](end.md)\n",
        );
        let (items, diags) = parse(&s);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            chapters(&items),
            [
                "Intro=README.md",
                "# Guide",
                "1.A=a.md",
                "  1.1.B=a/b c.md",
                "    1.1.1.Draft=",
                "2.C=c.md",
                "---",
                "End=end.md"
            ]
        );
    }

    #[test]
    fn extra_links_of_an_item_are_ignored_with_a_warning() {
        let s = Source::new("SUMMARY.md", "- [A](a.md)\n  [B](b.md)\n");
        let (items, d) = parse(&s);
        assert_eq!(chapters(&items), ["1.A=a.md"]);
        assert_eq!(d.len(), 1);
        assert!(!d[0].is_error());
        assert!(d[0]
            .to_string()
            .starts_with("SUMMARY.md:2:3: warning: `B` is not a chapter"));
    }

    #[test]
    fn lists_nested_too_deep_are_an_error_not_a_stack_overflow() {
        let deep = "- [A](a.md)\n".to_string() + &"- ".repeat(100_000) + "[B](b.md)\n";
        let (items, e) = parse(&Source::new("SUMMARY.md", deep));
        assert_eq!(chapters(&items)[0], "1.A=a.md");
        assert!(
            e.iter().any(|d| d
                .to_string()
                .starts_with("SUMMARY.md:2:33: error: chapters nested more than 16 deep")),
            "{e:?}"
        );
    }

    #[test]
    fn html_comments_are_skipped_wherever_they_are() {
        // As the Embedded Rust Book has them: a comment block of several
        // paragraphs under the title, one indented under a chapter, one
        // inline after a link.
        let s = Source::new(
            "SUMMARY.md",
            "# Summary\n\n<!--\n\nstill a work in progress\n\n-->\n\n- [A](a.md)\n    <!-- TODO: sections -->\n- [B](b.md) <!-- later -->\n  - [C](c.md)\n",
        );
        let (items, diags) = parse(&s);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(chapters(&items), ["1.A=a.md", "2.B=b.md", "  2.1.C=c.md"]);
    }

    #[test]
    fn text_after_a_link_is_ignored_with_a_warning() {
        let s = Source::new("SUMMARY.md", "- [A](a.md) (and *more*)\n- [B](b.md)\n");
        let (items, d) = parse(&s);
        assert_eq!(chapters(&items), ["1.A=a.md", "2.B=b.md"]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(!d[0].is_error());
        assert!(
            d[0].to_string()
                .starts_with("SUMMARY.md:1:12: warning: text after a chapter's link"),
            "{d:?}"
        );
    }

    #[test]
    fn text_that_is_not_a_link_is_located() {
        let s = Source::new("SUMMARY.md", "# S\n\n- [A](a.md)\n- just text\n");
        let (_, e) = parse(&s);
        assert!(
            e[0].to_string()
                .starts_with("SUMMARY.md:4:1: error: expected a link"),
            "{e:?}"
        );
    }
}
