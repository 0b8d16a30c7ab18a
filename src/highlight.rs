//! Syntax highlighting of code blocks with syntect, as CSS classes.
//!
//! Classes instead of inline styles let one HTML page follow the reader's
//! light or dark preference: the stylesheet for both colour themes is
//! generated at build time from the two syntect themes named in `book.toml`.
//! The syntax set is built once per build (compiling a syntax's regexes is
//! the expensive part) and shared by all rendering threads.

use std::fmt::Write as _;

use syntect::highlighting::{Color, Theme as ColorTheme, ThemeSet};
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxDefinition, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::config::{Config, Setting};
use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::theme::Theme;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The default syntaxes plus the built-in theme's, compiled by `build.rs`.
static PRECOMPILED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/syntaxes.packdump"));

/// Fence languages that mean "no highlighting" and are not worth a warning.
const PLAIN: &[&str] = &["", "text", "txt", "plain", "plaintext", "none", "output"];

/// The syntaxes known to this build.
pub struct Highlighter {
    syntaxes: SyntaxSet,
}

/// A highlighted code block.
pub struct Highlighted {
    /// `<pre>` element with class spans inside.
    pub html: String,
    /// False when the fence language is not known (rendered as plain text).
    pub known_language: bool,
}

impl Highlighter {
    /// syntect's default syntaxes plus the theme's `syntaxes/*.sublime-syntax`.
    ///
    /// When the theme's syntaxes are the built-in ones, the set compiled by
    /// `build.rs` is loaded (~10 ms) instead of linking one (~300 ms).
    pub fn new(theme: &Theme) -> Result<Highlighter, Diagnostics> {
        let builtin = Theme::builtin();
        let same = |t: &Theme| -> Vec<(String, Vec<u8>)> {
            t.under("syntaxes/")
                .map(|(n, f)| (n.to_string(), f.bytes.to_vec()))
                .collect()
        };
        if same(theme) == same(&builtin) {
            return Ok(Highlighter {
                syntaxes: syntect::dumps::from_uncompressed_data(PRECOMPILED).unwrap_or_else(|e| {
                    panic!("the syntax dump made by build.rs is readable: {e}")
                }),
            });
        }
        let mut builder = SyntaxSet::load_defaults_newlines().into_builder();
        let mut diags = Diagnostics::new();
        for (name, file) in theme.under("syntaxes/") {
            if !name.ends_with(".sublime-syntax") {
                continue;
            }
            let text = match file.text() {
                Ok(t) => t,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            match SyntaxDefinition::load_from_str(text, true, None) {
                Ok(def) => builder.add(def),
                Err(e) => diags.push(
                    Diagnostic::error(format!("invalid syntax definition: {e}"))
                        .in_file(file.origin.clone())
                        .with_help(
                            "see https://www.sublimetext.com/docs/syntax.html for the format",
                        ),
                ),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Highlighter {
            syntaxes: builder.build(),
        })
    }

    /// A highlighter that knows no language: code comes out escaped, as
    /// text. For reading pages' text where nobody sees the HTML.
    pub fn plain() -> Highlighter {
        Highlighter {
            syntaxes: SyntaxSet::new(),
        }
    }

    fn find(&self, lang: &str) -> Option<&SyntaxReference> {
        let lang = lang.to_ascii_lowercase();
        let token = match lang.as_str() {
            "sh" | "shell" | "zsh" | "console" | "shell-session" => "bash",
            "js" | "mjs" | "cjs" | "node" => "javascript",
            "py" | "python3" => "python",
            "rs" => "rust",
            "yml" => "yaml",
            "jsonc" | "json5" => "json",
            other => other,
        };
        self.syntaxes.find_syntax_by_token(token)
    }

    /// Highlights `code` written in the fence language `lang`.
    pub fn highlight(&self, lang: &str, code: &str) -> Highlighted {
        let lang = lang.trim();
        let syntax = if PLAIN.contains(&lang.to_ascii_lowercase().as_str()) {
            None
        } else {
            self.find(lang)
        };
        let known_language =
            syntax.is_some() || PLAIN.contains(&lang.to_ascii_lowercase().as_str());
        let mut html = String::with_capacity(code.len() * 2);
        let lang_attr = escape_attr(if lang.is_empty() { "text" } else { lang });
        let _ = write!(
            html,
            "<pre class=\"hl-code\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">"
        );
        match syntax {
            Some(syntax) => {
                let mut gen =
                    ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, CLASS_STYLE);
                let mut ok = true;
                for line in LinesWithEndings::from(code) {
                    if gen
                        .parse_html_for_line_which_includes_newline(line)
                        .is_err()
                    {
                        ok = false;
                        break;
                    }
                }
                if ok {
                    html.push_str(&gen.finalize());
                } else {
                    html.push_str(&escape_html(code));
                }
            }
            None => html.push_str(&escape_html(code)),
        }
        html.push_str("</code></pre>");
        Highlighted {
            html,
            known_language,
        }
    }
}

/// The stylesheet for code: the light theme by default, the dark theme when
/// the reader prefers dark (and has not picked light with the toggle) or has
/// picked dark with the toggle.
pub fn stylesheet(config: &Config) -> Result<String, Diagnostics> {
    let themes = ThemeSet::load_defaults();
    let mut diags = Diagnostics::new();
    let mut pick = |s: &Setting<String>, key: &str| match themes.themes.get(&s.value) {
        Some(t) => Some(t),
        None => {
            let names: Vec<&str> = themes.themes.keys().map(String::as_str).collect();
            let help = match did_you_mean(&s.value, names.iter().copied()) {
                Some(n) => format!("did you mean `{n}`?"),
                None => format!("available: {}", names.join(", ")),
            };
            diags.push(
                Diagnostic::error(format!("unknown highlight theme `{}` for `{key}`", s.value))
                    .at(&config.source, s.span.clone())
                    .with_help(help),
            );
            None
        }
    };
    let light = pick(&config.highlight_light, "light");
    let dark = pick(&config.highlight_dark, "dark");
    let (Some(light), Some(dark)) = (light, dark) else {
        return Err(diags);
    };
    let css = |t| {
        css_for_theme_with_class_style(t, CLASS_STYLE).map_err(|e| {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::error(format!(
                "cannot make CSS for a highlight theme: {e}"
            )));
            d
        })
    };
    let (light, dark) = (readable(light), readable(dark));
    let light_css = css(&light)?;
    let dark_css = css(&dark)?;
    // Each scheme's rules apply only in that scheme. Were the light rules
    // unscoped, those the dark theme has no (or a less specific) selector
    // for would show light colours on the dark background.
    let mut out = String::from("/* Generated by remedy from the syntect themes in book.toml. */\n");
    out.push_str(&scope_css(&light_css, ":root[data-theme=\"light\"]"));
    out.push_str("@media not all and (prefers-color-scheme: dark) {\n");
    out.push_str(&scope_css(&light_css, ":root:not([data-theme=\"dark\"])"));
    out.push_str("}\n");
    out.push_str(&scope_css(&dark_css, ":root[data-theme=\"dark\"]"));
    out.push_str("@media (prefers-color-scheme: dark) {\n");
    out.push_str(&scope_css(&dark_css, ":root:not([data-theme=\"light\"])"));
    out.push_str("}\n");
    Ok(out)
}

/// A copy of `theme` whose text colours reach a contrast of 4.5:1 (WCAG AA
/// for normal text) against the background they are drawn on: colours that
/// fall short are mixed toward black (light background) or white (dark)
/// just enough, so their hue is kept.
fn readable(theme: &ColorTheme) -> ColorTheme {
    let mut theme = theme.clone();
    let background = theme.settings.background.unwrap_or(Color::WHITE);
    if let Some(fg) = theme.settings.foreground.as_mut() {
        *fg = with_contrast(*fg, background);
    }
    for item in &mut theme.scopes {
        let under = item.style.background.unwrap_or(background);
        if let Some(fg) = item.style.foreground.as_mut() {
            *fg = with_contrast(*fg, under);
        }
    }
    theme
}

/// `fg`, or the first mix of it toward black or white that is readable on `bg`.
fn with_contrast(fg: Color, bg: Color) -> Color {
    const MIN: f64 = 4.5;
    let toward = if contrast(Color::BLACK, bg) >= contrast(Color::WHITE, bg) {
        Color::BLACK
    } else {
        Color::WHITE
    };
    let mix =
        |a: u8, b: u8, t: f64| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    (0..=50)
        .map(|step| {
            let t = f64::from(step) / 50.0;
            Color {
                r: mix(fg.r, toward.r, t),
                g: mix(fg.g, toward.g, t),
                b: mix(fg.b, toward.b, t),
                a: fg.a,
            }
        })
        .find(|c| contrast(*c, bg) >= MIN)
        .unwrap_or(Color { a: fg.a, ..toward })
}

/// WCAG contrast ratio of two opaque colours.
fn contrast(a: Color, b: Color) -> f64 {
    let luminance = |c: Color| {
        let lin = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b)
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn strip_comments(css: &str) -> String {
    let mut out = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start..].find("*/") {
            Some(end) => rest = &rest[start + end + 2..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Prefixes every selector of a flat stylesheet (no nested blocks, as syntect writes).
fn scope_css(css: &str, scope: &str) -> String {
    let css = strip_comments(css);
    let mut out = String::new();
    for rule in css.split_inclusive('}') {
        let Some((selectors, body)) = rule.split_once('{') else {
            continue;
        };
        let scoped: Vec<String> = selectors
            .split(',')
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(|s| format!("{scope} {s}"))
            .collect();
        if scoped.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{} {{{}", scoped.join(", "), body.trim_end());
    }
    out
}

/// The fence's language as written, escaped for an attribute: CommonMark
/// (and pulldown-cmark) keep it whole in `class="language-…"`, so `föö` or
/// `;` must not be cut down (spec examples 34 and 144).
fn escape_attr(s: &str) -> String {
    crate::escape::escape_attr(s)
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_mixed_until_readable() {
        let bg = Color::WHITE;
        let weak = Color {
            r: 0x96,
            g: 0x98,
            b: 0x96,
            a: 0xff,
        };
        assert!(contrast(weak, bg) < 4.5);
        let fixed = with_contrast(weak, bg);
        assert!(contrast(fixed, bg) >= 4.5);
        // Already readable colours are left alone.
        let strong = Color {
            r: 0x1b,
            g: 0x1f,
            b: 0x24,
            a: 0xff,
        };
        assert_eq!(with_contrast(strong, bg), strong);
    }

    #[test]
    fn scope_css_prefixes_each_selector() {
        let css = "/* c */\n.a, .b .c {\n color: red;\n}\n.d {\n x: y;\n}\n";
        let s = scope_css(css, ":root");
        assert!(s.contains(":root .a, :root .b .c {"), "{s}");
        assert!(s.contains(":root .d {"), "{s}");
        assert!(!s.contains("/*"));
    }

    #[test]
    fn a_theme_can_add_a_syntax() {
        let mut theme = Theme::builtin();
        theme.files.insert(
            "syntaxes/ini.sublime-syntax".into(),
            crate::theme::ThemeFile {
                bytes: std::borrow::Cow::Borrowed(
                    b"%YAML 1.2\n---\nname: INI\nfile_extensions: [ini]\nscope: source.ini\ncontexts:\n  main:\n    - match: '^\\[.*\\]$'\n      scope: entity.name.section.ini\n",
                ),
                origin: "themes/x/syntaxes/ini.sublime-syntax".into(),
            },
        );
        let h = Highlighter::new(&theme).unwrap();
        let out = h.highlight("ini", "[section]\n");
        assert!(out.known_language);
        assert!(
            out.html.contains("hl-entity hl-name hl-section hl-ini"),
            "{}",
            out.html
        );
        // The built-in syntaxes are still there.
        assert!(h
            .highlight("http", "GET / HTTP/1.1\n")
            .html
            .contains("hl-keyword"));

        theme.files.insert(
            "syntaxes/bad.sublime-syntax".into(),
            crate::theme::ThemeFile {
                bytes: std::borrow::Cow::Borrowed(b"not: [yaml"),
                origin: "themes/x/syntaxes/bad.sublime-syntax".into(),
            },
        );
        let err = Highlighter::new(&theme).err().unwrap();
        assert!(err.sorted()[0]
            .to_string()
            .starts_with("themes/x/syntaxes/bad.sublime-syntax: error: invalid syntax definition"));
    }

    #[test]
    fn escapes_unknown_languages_as_text() {
        let theme = Theme {
            files: Default::default(),
        };
        let h = Highlighter::new(&theme).unwrap();
        let out = h.highlight("klingon", "<b>");
        assert!(!out.known_language);
        assert!(out.html.contains("&lt;b&gt;"));
        let out = h.highlight("json", "{\"a\": 1}\n");
        assert!(out.known_language);
        assert!(out.html.contains("hl-"), "{}", out.html);
        assert!(h.highlight("", "x").known_language);
    }
}
