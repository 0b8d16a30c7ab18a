//! HTML escaping, the one escaper every stage that writes HTML shares.
//!
//! A module of its own because it sits below everything that emits markup:
//! highlight, markdown, tree maps and mdBook redirects all need it, and none
//! of them should depend on another just to escape a string.

/// Escapes text for HTML content or a double-quoted attribute.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}
