//! The pattern subset of `matches`: what Rust's `regex` and a browser's
//! `RegExp` read alike and a backtracking engine runs fast, and a sample
//! string for a pattern (for the overlap check's example pastes).

use regex_syntax::hir::{Class, Hir, HirKind};

/// Checks that a pattern is in the subset that Rust's `regex` and a
/// browser's `RegExp` (with the `u` flag) read the same way, and that a
/// backtracking engine runs in time at most quadratic in the value: no
/// repetition inside a repetition, no `|` inside a repetition, at most one
/// unbounded repetition, bounded ones up to 100.
pub fn check_pattern(p: &str) -> Result<(), String> {
    use regex_syntax::ast::{self, Ast};
    let ast = ast::parse::Parser::new()
        .parse(p)
        .map_err(|e| format!("does not compile: {}", e.kind()))?;
    let mut unbounded = 0;
    // (node, inside a repetition)
    let mut work: Vec<(&Ast, bool)> = vec![(&ast, false)];
    while let Some((node, in_rep)) = work.pop() {
        match node {
            Ast::Empty(_) | Ast::Dot(_) => {}
            Ast::Literal(l) => {
                use ast::LiteralKind as K;
                use ast::SpecialLiteralKind as S;
                let ok = match &l.kind {
                    // A browser's `u` mode refuses a lone `]`, `{` or `}`
                    // and escapes of anything but its own syntax characters.
                    K::Verbatim => !matches!(l.c, ']' | '{' | '}'),
                    K::Meta => "^$\\.*+?()[]{}|/".contains(l.c),
                    K::Special(s) => matches!(s, S::Tab | S::LineFeed | S::CarriageReturn),
                    _ => false,
                };
                if !ok {
                    return Err(format!(
                        "uses an escape browsers read differently: `{}`",
                        &p[l.span.start.offset..l.span.end.offset]
                    ));
                }
            }
            Ast::Assertion(a) => {
                if !matches!(
                    a.kind,
                    ast::AssertionKind::StartLine | ast::AssertionKind::EndLine
                ) {
                    return Err("uses an assertion other than ^ and $".into());
                }
            }
            Ast::ClassPerl(c) => {
                if c.kind != ast::ClassPerlKind::Space {
                    return Err("uses \\d or \\w, which mean more than ASCII in Rust and only ASCII in browsers: write [0-9] or [0-9A-Za-z_]".into());
                }
            }
            Ast::ClassUnicode(_) => return Err("uses a Unicode class (\\p{..})".into()),
            Ast::ClassBracketed(c) => {
                let mut items = vec![&c.kind];
                while let Some(set) = items.pop() {
                    match set {
                        ast::ClassSet::BinaryOp(_) => {
                            return Err("uses class set operations (&&, --, ~~)".into())
                        }
                        ast::ClassSet::Item(item) => {
                            let mut stack = vec![item];
                            while let Some(it) = stack.pop() {
                                match it {
                                    ast::ClassSetItem::Empty(_) | ast::ClassSetItem::Range(_) => {}
                                    ast::ClassSetItem::Literal(l) => {
                                        let ok = match l.kind {
                                            ast::LiteralKind::Verbatim => true,
                                            ast::LiteralKind::Meta => "^$\\.*+?()[]{}|/-".contains(l.c),
                                            _ => false,
                                        };
                                        if !ok {
                                            return Err("uses an escape inside a class that browsers read differently".into());
                                        }
                                    }
                                    ast::ClassSetItem::Perl(pc) if pc.kind == ast::ClassPerlKind::Space && !pc.negated => {}
                                    ast::ClassSetItem::Union(u) => stack.extend(u.items.iter()),
                                    ast::ClassSetItem::Bracketed(b) => items.push(&b.kind),
                                    _ => return Err("uses a class item browsers read differently (\\d, \\w, \\S, [:alpha:], \\p{..})".into()),
                                }
                            }
                        }
                    }
                }
            }
            Ast::Repetition(r) => {
                if in_rep {
                    return Err(
                        "repeats a repetition, which can take exponential time in a browser".into(),
                    );
                }
                use ast::RepetitionKind as R;
                use ast::RepetitionRange as RR;
                match &r.op.kind {
                    R::ZeroOrMore | R::OneOrMore | R::Range(RR::AtLeast(_)) => unbounded += 1,
                    R::ZeroOrOne => {}
                    R::Range(RR::Exactly(n)) | R::Range(RR::Bounded(_, n)) => {
                        if *n > 100 {
                            return Err("repeats more than 100 times".into());
                        }
                    }
                }
                if unbounded > 1 {
                    return Err("has more than one unbounded repetition (*, +, {n,}), which can take polynomial time in a browser".into());
                }
                work.push((&r.ast, true));
            }
            Ast::Group(g) => {
                if matches!(
                    g.kind,
                    ast::GroupKind::CaptureName { .. } | ast::GroupKind::NonCapturing(_)
                ) {
                    if let ast::GroupKind::NonCapturing(flags) = &g.kind {
                        if !flags.items.is_empty() {
                            return Err(
                                "sets flags inside the pattern; only a leading (?i) is allowed"
                                    .into(),
                            );
                        }
                    } else {
                        return Err("names a group; browsers write names differently".into());
                    }
                }
                work.push((&g.ast, in_rep));
            }
            Ast::Flags(_) => return Err("sets flags; only a leading (?i) is allowed".into()),
            Ast::Alternation(a) => {
                if in_rep {
                    return Err("repeats an alternation (use a class such as [ab] instead)".into());
                }
                work.extend(a.asts.iter().map(|x| (x, in_rep)));
            }
            Ast::Concat(c) => work.extend(c.asts.iter().map(|x| (x, in_rep))),
        }
    }
    Ok(())
}

/// What a browser's `\s` holds (ECMA-262 WhiteSpace and LineTerminator),
/// as the items of a class in Rust's syntax. Rust's own `\s` (Unicode
/// White_Space) has U+0085 and lacks U+FEFF.
pub const JS_SPACE: &str =
    r"\t\n\x0B\x0C\r \xA0\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";
/// What a browser's `.` holds (without the `s` flag): anything but a line
/// terminator. Rust's own `.` stops only at `\n`.
pub const JS_DOT: &str = r"[^\n\r\x{2028}\x{2029}]";

/// A pattern of the subset ([`check_pattern`]) as Rust's `regex` must read
/// it to match what a browser's `RegExp` (flag `u`) matches: `.`, `\s` and
/// `\S` spelled out. Everything else in the subset means the same in both.
pub fn for_rust(p: &str) -> String {
    use regex_syntax::ast::{self, Ast};
    let Ok(tree) = ast::parse::Parser::new().parse(p) else {
        return p.to_string();
    };
    // (start, end, replacement), found in any order.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut work: Vec<&Ast> = vec![&tree];
    while let Some(node) = work.pop() {
        match node {
            Ast::Dot(span) => edits.push((span.start.offset, span.end.offset, JS_DOT.into())),
            Ast::ClassPerl(c) if c.kind == ast::ClassPerlKind::Space => {
                let not = if c.negated { "^" } else { "" };
                edits.push((
                    c.span.start.offset,
                    c.span.end.offset,
                    format!("[{not}{JS_SPACE}]"),
                ));
            }
            Ast::ClassBracketed(c) => {
                let mut sets = vec![&c.kind];
                while let Some(set) = sets.pop() {
                    let ast::ClassSet::Item(item) = set else {
                        continue;
                    };
                    let mut items = vec![item];
                    while let Some(it) = items.pop() {
                        match it {
                            ast::ClassSetItem::Perl(pc) if pc.kind == ast::ClassPerlKind::Space => {
                                edits.push((
                                    pc.span.start.offset,
                                    pc.span.end.offset,
                                    JS_SPACE.into(),
                                ));
                            }
                            ast::ClassSetItem::Union(u) => items.extend(u.items.iter()),
                            ast::ClassSetItem::Bracketed(b) => sets.push(&b.kind),
                            _ => {}
                        }
                    }
                }
            }
            Ast::Repetition(r) => work.push(&r.ast),
            Ast::Group(g) => work.push(&g.ast),
            Ast::Alternation(a) => work.extend(a.asts.iter()),
            Ast::Concat(c) => work.extend(c.asts.iter()),
            _ => {}
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = p.to_string();
    for (start, end, with) in edits {
        out.replace_range(start..end, &with);
    }
    out
}

/// A short string the pattern matches.
pub(super) fn sample_regex(pattern: &str) -> String {
    let Ok(hir) = regex_syntax::parse(pattern) else {
        return String::new();
    };
    let mut out = String::new();
    let mut work: Vec<&Hir> = vec![&hir];
    while let Some(h) = work.pop() {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(l) => out.push_str(&String::from_utf8_lossy(&l.0)),
            HirKind::Class(Class::Unicode(c)) => {
                if let Some(ch) = c
                    .ranges()
                    .iter()
                    .flat_map(|r| [r.start(), r.end()])
                    .find(|ch| !ch.is_control())
                {
                    out.push(ch);
                }
            }
            HirKind::Class(Class::Bytes(c)) => {
                if let Some(r) = c.ranges().first() {
                    out.push(char::from(r.start().max(b' ')));
                }
            }
            HirKind::Repetition(r) => {
                for _ in 0..r.min.max(u32::from(r.max != Some(0))).min(4) {
                    work.push(&r.sub);
                }
            }
            HirKind::Capture(c) => work.push(&c.sub),
            HirKind::Concat(v) => work.extend(v.iter().rev()),
            HirKind::Alternation(v) => work.extend(v.first()),
        }
    }
    out
}
