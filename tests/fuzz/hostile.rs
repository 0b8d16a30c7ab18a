//! The hostile inputs issue 22 names, made for each target from its first
//! seed: NUL bytes, invalid UTF-8, 100,000-deep nesting, a 10 MB line,
//! CRLF, lone CR, a BOM; and the ones that belong to one target.

use super::engine::Target;

type Make = Box<dyn FnOnce() -> Vec<u8> + Send>;

const MB: usize = 1 << 20;

fn first(target: &Target) -> Vec<u8> {
    (target.seeds)().into_iter().next().unwrap_or_default()
}

/// The start of the line nearest the middle of `v`.
fn middle(v: &[u8]) -> usize {
    v[..v.len() / 2]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

fn with(target: &'static Target, f: impl FnOnce(Vec<u8>) -> Vec<u8> + Send + 'static) -> Make {
    Box::new(move || f(first(target)))
}

fn replace(v: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() * 2);
    let mut i = 0;
    while i < v.len() {
        if v[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(v[i]);
            i += 1;
        }
    }
    out
}

pub fn inputs(t: &'static Target) -> Vec<(&'static str, Make)> {
    let mut out: Vec<(&'static str, Make)> = vec![
        (
            "nul_bytes",
            with(t, |v| {
                let m = middle(&v);
                [&b"\0"[..], &v[..m], b"\0\0", &v[m..], b"\0"].concat()
            }),
        ),
        (
            "invalid_utf8",
            with(t, |v| {
                let m = middle(&v);
                [
                    &b"\xff\xfe"[..],
                    &v[..m],
                    b"\xc3\x28\xed\xa0\x80\xf4\x90\x80\x80",
                    &v[m..],
                    b"\xe2\x82",
                ]
                .concat()
            }),
        ),
        (
            "nesting_100000_deep",
            with(t, move |v| {
                let m = middle(&v);
                [&v[..m], t.nest.repeat(100_000).as_bytes(), &v[m..]].concat()
            }),
        ),
        (
            "line_of_10_mb",
            with(t, |v| {
                let m = middle(&v);
                [&v[..m], &vec![b'a'; 10 * MB], b"\n", &v[m..]].concat()
            }),
        ),
        ("crlf", with(t, |v| replace(&v, b"\n", b"\r\n"))),
        ("lone_cr", with(t, |v| replace(&v, b"\n", b"\r"))),
        ("bom", with(t, |v| [&b"\xef\xbb\xbf"[..], &v].concat())),
        ("empty", Box::new(Vec::new)),
    ];
    match t.name {
        "paste" | "triage" | "evidence" => {
            out.push((
                "response_then_5_mb_of_base64",
                Box::new(|| {
                    let mut v = b"HTTP/1.1 402 Payment Required\r\ncontent-type: application/json\r\npayment-required: eyJ4NDAyVmVyc2lvbiI6MX0=\r\n\r\n{\"error\":{\"type\":\"billing_error\"}}\n".to_vec();
                    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                    v.extend((0..5 * MB).map(|i| alphabet[(i * 7 + i / 64) % 64]));
                    v
                }),
            ));
            out.push((
                "json_100000_deep",
                Box::new(|| {
                    ["[".repeat(100_000), "]".repeat(100_000)]
                        .concat()
                        .into_bytes()
                }),
            ));
        }
        "summary" => out.push((
            "summary_of_50000_entries",
            Box::new(|| {
                let mut s = String::from("# Summary\n\n[Intro](README.md)\n\n");
                for i in 0..50_000 {
                    let indent = "  ".repeat(i % 4);
                    s.push_str(&format!(
                        "{indent}- [Chapter {i}](part{}/ch{i}.md)\n",
                        i / 1000
                    ));
                }
                s.into_bytes()
            }),
        )),
        "query" => out.push((
            "query_of_20000_punctuation",
            Box::new(|| {
                let p = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
                p.chars()
                    .cycle()
                    .take(20_000)
                    .collect::<String>()
                    .into_bytes()
            }),
        )),
        "tree" | "book-toml" | "front-matter" => out.push((
            "toml_array_100000_deep",
            Box::new(move || {
                let open = if t.name == "front-matter" {
                    "+++\ntitle = \"T\"\nx = "
                } else {
                    "x = "
                };
                let close = if t.name == "front-matter" {
                    "\n+++\nbody\n"
                } else {
                    "\n"
                };
                [
                    open.to_string(),
                    "[".repeat(100_000),
                    "]".repeat(100_000),
                    close.to_string(),
                ]
                .concat()
                .into_bytes()
            }),
        )),
        "markdown" => {
            out.push((
                "list_100000_deep",
                Box::new(|| ["- ".repeat(100_000), "x\n".into()].concat().into_bytes()),
            ));
            out.push((
                "brackets_100000_deep",
                Box::new(|| {
                    ["[".repeat(100_000), "](a.md)".repeat(1000)]
                        .concat()
                        .into_bytes()
                }),
            ));
        }
        _ => {}
    }
    out
}
