//! Hidden lines in a book's code blocks, as mdBook shows them: hidden until
//! the reader asks for them with the block's button, never removed.
//!
//! Rust hides lines starting with `# ` (setup a reader need not see, often
//! from `{{#rustdoc_include}}`) and reads `##` as a literal `#`; other
//! languages use the prefix `[output.html.code.hidelines]` or the block's
//! `hidelines=X` gives. The code is highlighted whole, so a hidden line
//! keeps its colours and the state of a comment or string that spans lines;
//! then each hidden line is wrapped in `<span class="boring">` (mdBook's
//! class), with syntect's spans closed before it and reopened after, so the
//! markup stays balanced.

/// The lines of `code` as shown, each with whether it is hidden.
pub fn split(code: &str, prefix: &str, rust: bool) -> Vec<(bool, String)> {
    code.split_inclusive('\n')
        .map(|line| {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            if rust {
                if let Some(rest) = trimmed.strip_prefix("##") {
                    return (false, format!("{indent}#{rest}"));
                }
                if let Some(rest) = trimmed.strip_prefix("# ") {
                    return (true, format!("{indent}{rest}"));
                }
                if trimmed.trim_end() == "#" {
                    let end = if line.ends_with('\n') { "\n" } else { "" };
                    return (true, end.to_string());
                }
                return (false, line.to_string());
            }
            match trimmed.strip_prefix(prefix) {
                Some(rest) => (
                    true,
                    format!("{indent}{}", rest.strip_prefix(' ').unwrap_or(rest)),
                ),
                None => (false, line.to_string()),
            }
        })
        .collect()
}

/// Wraps the hidden lines of highlighted `html` (`<pre ...><code ...>` with
/// one source line per `\n`, then `</code></pre>`) in `<span class="boring">`.
/// `hidden[i]` says whether line `i` is hidden.
pub fn wrap(html: &str, hidden: &[bool]) -> String {
    let Some(open_end) = html
        .find("<code")
        .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
    else {
        return html.to_string();
    };
    let Some(close) = html.rfind("</code>") else {
        return html.to_string();
    };
    let (head, body, tail) = (&html[..open_end], &html[open_end..close], &html[close..]);
    let mut out = String::with_capacity(html.len() + hidden.len() * 32);
    out.push_str(head);
    // The `<span ...>` tags open at the start of the current line.
    let mut open: Vec<&str> = Vec::new();
    for (i, line) in body.split_inclusive('\n').enumerate() {
        if !hidden.get(i).copied().unwrap_or(false) {
            out.push_str(line);
            track(line, &mut open);
            continue;
        }
        // Close what is open, hide the line with its spans reopened and
        // closed again, then reopen what the line leaves open.
        out.extend(std::iter::repeat_n("</span>", open.len()));
        out.push_str("<span class=\"boring\">");
        out.extend(open.iter().copied());
        out.push_str(line);
        track(line, &mut open);
        out.extend(std::iter::repeat_n("</span>", open.len()));
        out.push_str("</span>");
        out.extend(open.iter().copied());
    }
    out.push_str(tail);
    out
}

/// Updates the stack of open `<span ...>` tags after `line`. syntect's
/// markup holds only `<span class="...">`, `</span>` and escaped text.
fn track<'a>(line: &'a str, open: &mut Vec<&'a str>) {
    let mut rest = line;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if rest.starts_with("</span>") {
            open.pop();
            rest = &rest[7..];
        } else if rest.starts_with("<span") {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            open.push(&rest[..end]);
            rest = &rest[end..];
        } else {
            rest = &rest[1..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_lines() {
        let lines = split(
            "# use std;\n## not hidden\nfn main() {}\n    # let x = 1;\n#\n",
            "#",
            true,
        );
        let shown: Vec<(bool, &str)> = lines.iter().map(|(h, l)| (*h, l.as_str())).collect();
        assert_eq!(
            shown,
            [
                (true, "use std;\n"),
                (false, "# not hidden\n"),
                (false, "fn main() {}\n"),
                (true, "    let x = 1;\n"),
                (true, "\n"),
            ]
        );
        let py = split("~import os\nprint(1)\n", "~", false);
        assert_eq!(py[0], (true, "import os\n".to_string()));
        assert_eq!(py[1], (false, "print(1)\n".to_string()));
    }

    #[test]
    fn wrapped_lines_stay_balanced() {
        let html = "<pre class=\"hl-code\"><code class=\"language-rust\"><span class=\"c\">/* a\nb */</span>\nx\n</code></pre>";
        let out = wrap(html, &[false, true, false]);
        assert_eq!(
            out,
            "<pre class=\"hl-code\"><code class=\"language-rust\"><span class=\"c\">/* a\n</span><span class=\"boring\"><span class=\"c\">b */</span>\n</span>x\n</code></pre>"
        );
        assert_eq!(out.matches("<span").count(), out.matches("</span>").count());
    }
}
