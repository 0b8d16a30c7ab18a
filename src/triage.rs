//! Triage of a pasted response, for library users and `remedy triage`:
//! the paste read as the page's paste box reads it, then walked through a
//! tree's [`Data`](crate::tree::triage::Data).

use std::io::Read;

use crate::tree::paste;
use crate::tree::triage::{self, Triage};

/// Reads a paste from `input` and walks the tree with it: at most
/// [`paste::MAX_PASTE_CHARS`] characters are used; bytes that are not
/// UTF-8 become U+FFFD.
pub fn read_and_walk(data: &triage::Data, input: &mut dyn Read) -> Result<Triage, std::io::Error> {
    // Four bytes per character at most: read no more than could be used.
    let mut bytes = Vec::new();
    input
        .take(paste::MAX_PASTE_CHARS as u64 * 4)
        .read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(walk_text(data, &text))
}

pub use crate::tree::triage::walk_text;
