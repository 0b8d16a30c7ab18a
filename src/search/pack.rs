//! How a browser search file is stored: `__remedySearch("KEY","BASE64");`,
//! the base64 of the gzip of the payload.
//!
//! A script, not JSON, so search works from `file://`, where `fetch` is
//! blocked: the client loads each file with a `<script>` element. Gzip once
//! at build time keeps the files small on disk as well as on the wire (a
//! server's own gzip of the base64 text gets back about what base64 added),
//! and the browser undoes it with `DecompressionStream`.

use std::io::{Read as _, Write as _};

use anyhow::{Context as _, Result};
use base64::Engine as _;
use flate2::{read::GzDecoder, write::GzEncoder, Compression};

/// A file's path under `search/` from its key: `t12` is `t/12.js`.
pub fn file_name(key: &str) -> String {
    match key.split_at_checked(1) {
        Some((kind @ ("t" | "v" | "f"), n)) if n.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{kind}/{n}.js")
        }
        _ => format!("{key}.js"),
    }
}

/// The script that hands `payload` to the client under `key`.
pub fn script(key: &str, payload: &[u8]) -> Vec<u8> {
    // Gzip into a Vec cannot fail; its header carries no time or name, so
    // the same payload gives the same bytes. Level 4, not 6: at 10,000
    // pages the files grow 0.8% and the build spends about a second less
    // CPU (level 6 searches eight times longer chains for its matches).
    let mut gz = GzEncoder::new(Vec::with_capacity(payload.len() / 3), Compression::new(4));
    let _ = gz.write_all(payload);
    let compressed = gz.finish().unwrap_or_default();
    let b64 = base64::engine::general_purpose::STANDARD.encode(compressed);
    format!("__remedySearch(\"{key}\",\"{b64}\");\n").into_bytes()
}

/// The JSON of `search/meta.js`, which is not packed:
/// `__remedySearch("meta",{...});`.
pub fn meta_json(text: &str) -> Option<&str> {
    text.trim()
        .strip_prefix("__remedySearch(\"meta\",")?
        .strip_suffix(");")
}

/// The payload of the pack `key` of a built site's `search/` folder,
/// `dir`, with the file named in any error.
pub fn read(dir: &std::path::Path, key: &str) -> Result<Vec<u8>> {
    let path = dir.join(file_name(key));
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    payload(&bytes).with_context(|| format!("{} is damaged; rebuild the site", path.display()))
}

/// The payload of a script written by [`script`].
pub fn payload(script: &[u8]) -> Result<Vec<u8>> {
    let text = std::str::from_utf8(script).context("a search file is not UTF-8")?;
    let b64 = text
        .trim_end()
        .strip_suffix("\");")
        .and_then(|t| t.rsplit_once(",\"").map(|(_, b)| b))
        .context("a search file is not a packed script; rebuild the site")?;
    let compressed = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .context("a search file has bad base64; rebuild the site")?;
    let mut out = Vec::new();
    GzDecoder::new(&compressed[..])
        .read_to_end(&mut out)
        .context("a search file has bad gzip data; rebuild the site")?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(file_name("t12"), "t/12.js");
        assert_eq!(file_name("v0"), "v/0.js");
        assert_eq!(file_name("f3"), "f/3.js");
        assert_eq!(file_name("keys"), "keys.js");
        assert_eq!(file_name("meta"), "meta.js");
    }

    #[test]
    fn round_trip_and_determinism() {
        let data = b"retry after retry after \xff\x00 binary".repeat(50);
        let a = script("t1", &data);
        assert_eq!(a, script("t1", &data));
        assert!(a.starts_with(b"__remedySearch(\"t1\",\""));
        assert!(a.len() < data.len() / 2, "compressed");
        assert_eq!(payload(&a).unwrap(), data);
        assert!(payload(b"__remedySearch(\"t1\",\"@@@\");").is_err());
        assert!(payload(b"not a script").is_err());
    }
}
