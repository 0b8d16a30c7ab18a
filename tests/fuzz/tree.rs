//! Targets of the paste triage: the paste reader, signals, evidence, the
//! walk over published data, and the tree loader.

use remedy::diagnostics::Source;
use remedy::tree::evidence::Features;
use remedy::tree::paste::{self, Json};
use remedy::tree::signals::Signal;
use remedy::tree::triage::{walk_text, Data, Triage};

use super::engine::Target;
use super::{seeds, site};

const PASTE_DICT: &[&str] = &[
    "HTTP/1.1 402 Payment Required\n",
    "HTTP/2 429\r\n",
    "< ",
    "> ",
    "* ",
    "content-type: application/json\n",
    "www-authenticate: L402 macaroon=\"x\"\n",
    "payment-required: eyJ4IjoxfQ==\n",
    "Host: api.stripe.com\n",
    "curl -i https://api.openai.com/v1/x",
    "POST https://",
    "{\"error\":{\"code\":402}}",
    "{'a': None}",
    "\\u",
    "\\ud800",
    "\\udc00",
    "\"status\": 402",
    "Error code: 429",
    "[",
    "{",
    ",",
    ":",
    "\"",
    "'",
    "true",
    "None",
    "1e5",
    "-0.5",
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// JSON as text that `parse_json` reads back to the same value.
fn print(j: &Json, out: &mut String) -> bool {
    match j {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Num(n) if n.is_finite() => out.push_str(&format!("{n:?}")),
        Json::Num(_) => return false,
        Json::Str(s) => {
            out.push_str(&serde_json::to_string(s).unwrap_or_default());
        }
        Json::Arr(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !print(v, out) {
                    return false;
                }
            }
            out.push(']');
        }
        Json::Obj(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                if !print(v, out) {
                    return false;
                }
            }
            out.push('}');
        }
    }
    true
}

/// parse(print(x)) == x for a value the reader produced.
fn json_round_trips(j: &Json) {
    let mut printed = String::new();
    if print(j, &mut printed) {
        assert_eq!(
            paste::parse_json(&printed).as_ref(),
            Some(j),
            "printed as {printed}"
        );
    }
}

fn check_paste(bytes: &[u8]) {
    let t = text(bytes);
    let p = paste::parse(&t);
    if let Some(s) = p.status {
        assert!((100..=599).contains(&s), "status {s}");
    }
    for h in &p.hosts {
        assert!(!h.is_empty() && *h == h.to_ascii_lowercase(), "host {h:?}");
    }
    for (name, _) in p.headers.iter().chain(&p.sent) {
        assert_eq!(*name, name.to_ascii_lowercase());
    }
    let _ = p.looks_like_response();
    if let Some(j) = &p.json {
        json_round_trips(j);
    }
    if let Some(j) = paste::parse_json(&t) {
        json_round_trips(&j);
    }
}

pub const PASTE: Target = Target {
    name: "paste",
    seeds: || seeds::pastes().to_vec(),
    dict: PASTE_DICT,
    nest: "[",
    max_len: 16 * 1024,
    mem: (4 << 20, 64),
    setup: || Box::new(check_paste),
};

/// A tree around one `when` table, so the signal goes through the loader.
fn tree_with(when: &str) -> String {
    format!(
        "[tree]\ntitle = \"T\"\nstart = \"q\"\n\n[[question]]\nid = \"q\"\ntext = \"Q?\"\nanswers = [\n  {{ label = \"a\", next = \"r\", when = {when} }},\n  {{ label = \"b\", next = \"r\" }},\n]\n\n[[remedy]]\nid = \"r\"\ntitle = \"R\"\nbody = \"Do it.\"\nguides = [\"a.md\"]\n"
    )
}

const SIGNAL_CUT: &str = "\n~~~~\n";

fn check_signal(bytes: &[u8]) {
    let t = text(bytes);
    let (when, pasted) = t.split_once(SIGNAL_CUT).unwrap_or((&t, ""));
    let source = Source::new("content/t.toml", tree_with(when));
    let Ok(tree) = remedy::tree::parse(&source) else {
        return;
    };
    let p = paste::parse(pasted);
    for node in &tree.nodes {
        for a in node.answers() {
            let Some(sig) = &a.when else { continue };
            let _ = sig.eval(&p);
            let _ = sig.describe();
            // The published form reads back to the same signal.
            let json = serde_json::to_string(sig).expect("a signal serializes");
            let back: Signal = serde_json::from_str(&json)
                .unwrap_or_else(|e| panic!("{json} does not read back: {e}"));
            assert_eq!(serde_json::to_string(&back).ok().as_deref(), Some(&*json));
            assert_eq!(back.eval(&p), sig.eval(&p));
        }
    }
}

pub const SIGNALS: Target = Target {
    name: "signals",
    seeds: || {
        let pastes = seeds::pastes();
        seeds::whens()
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let p = &pastes[i % pastes.len()];
                format!("{w}{SIGNAL_CUT}{}", String::from_utf8_lossy(p)).into_bytes()
            })
            .collect()
    },
    dict: &[
        "status = 402",
        "header = \"x\"",
        "request-header = \"host\"",
        "json = \"/a/0\"",
        "body = \"x\"",
        "equals = ",
        "in = [",
        "matches = \"(?i)^a.*b$\"",
        "all = [",
        "any = [",
        "not = {",
        "~0",
        "~1",
        "[0-9A-Za-z_]",
        "{2,}",
        "\\s",
        "|",
        "(",
        ")",
        "*",
        "+",
        "?",
        "\\d",
        ".*.*",
    ],
    nest: "{ not = ",
    max_len: 8 * 1024,
    mem: (16 << 20, 256),
    setup: || Box::new(check_signal),
};

/// The walk's steps form a path from the start through the data.
fn check_walk(data: &Data, t: &Triage) {
    let mut at = data.start.as_str();
    for s in &t.steps {
        assert_eq!(s.question, at, "steps leave the path");
        let answers = data.questions.get(at).expect("a step at a question");
        let a = answers.get(s.answer).expect("the answer exists");
        assert_eq!(a.next, s.next);
        at = &s.next;
    }
    assert_eq!(t.node, at, "the walk ends where its steps lead");
    assert!(data.headings.contains_key(&t.node));
    for i in &t.order {
        assert!(*i < data.questions.get(at).map_or(0, Vec::len));
    }
}

pub const EVIDENCE: Target = Target {
    name: "evidence",
    seeds: || seeds::pastes().to_vec(),
    dict: PASTE_DICT,
    nest: "{\"a\":",
    max_len: 2 * 1024,
    mem: (8 << 20, 128),
    setup: || {
        let model = site::data()
            .evidence
            .clone()
            .expect("the 402 tree has evidence");
        Box::new(move |bytes| {
            let t = text(bytes);
            let p = paste::parse(&t);
            let f = Features::read(&t, &p);
            let scores = model.score(&f);
            assert_eq!(scores.len(), model.remedies.len());
            for s in &scores {
                let _ = f.distinct(&model, s);
            }
        })
    },
};

pub const TRIAGE: Target = Target {
    name: "triage",
    seeds: || seeds::pastes().to_vec(),
    dict: PASTE_DICT,
    nest: "{\"error\":",
    max_len: 2 * 1024,
    mem: (8 << 20, 128),
    setup: || {
        let data = site::data();
        Box::new(move |bytes| {
            let t = walk_text(data, &text(bytes));
            check_walk(data, &t);
        })
    },
};

pub const TRIAGE_DATA: Target = Target {
    name: "triage-data",
    seeds: || {
        // The real data, the same without its evidence (most of its bytes),
        // and the small tree of `remedy init`, so most inputs are cheap.
        let mut lean = site::data().clone();
        lean.evidence = None;
        let lean = format!("__remedyTriage({});", lean.to_script_json());
        let small = site::script_of(site::small_dir(), "troubleshoot/errors/");
        let mut seeds: Vec<Vec<u8>> = vec![site::script().into()];
        seeds.extend(std::iter::repeat_n(lean.into_bytes(), 6));
        seeds.extend(std::iter::repeat_n(small.into_bytes(), 9));
        seeds
    },
    dict: &[
        "\"questions\":{}",
        "\"start\":\"x\"",
        "\"next\":\"start\"",
        "\"when\":{\"t\":\"all\",\"of\":[]}",
        "\"op\":\"matches\",\"source\":\"a*a*\",\"ci\":true",
        "null",
        "[]",
        "{}",
        "-1",
        "1e308",
        "\"t\":\"not\"",
    ],
    nest: "[",
    max_len: 1 << 20,
    mem: (64 << 20, 64),
    setup: || {
        let pastes: Vec<String> = seeds::pastes().iter().map(|p| text(p)).collect();
        let mut n = 0;
        Box::new(move |bytes| {
            let Ok(d) = Data::from_script(&text(bytes)) else {
                return;
            };
            // Published again, it reads back to the same data.
            let again = format!("__remedyTriage({});", d.to_script_json());
            let back = Data::from_script(&again).unwrap_or_else(|e| panic!("reads back: {e}"));
            assert_eq!(back.to_script_json(), d.to_script_json());
            n += 1;
            let t = walk_text(&d, &pastes[n % pastes.len()]);
            check_walk(&d, &t);
        })
    },
};

pub const TREE: Target = Target {
    name: "tree",
    seeds: || {
        seeds::from(
            &[
                seeds::repo().join("content"),
                seeds::repo().join("src/scaffold"),
            ],
            &[".toml"],
        )
    },
    dict: &[
        "[[question]]\n",
        "[[remedy]]\n",
        "[tree]\n",
        "id = \"q\"\n",
        "next = \"start\"",
        "answers = [",
        "guides = [\"a.md#x\"]",
        "who = \"user\"",
        "when = { status = 402 }",
        "\"\"\"",
        "'''",
        "= ",
        "[[",
        "]]",
        "inf",
        "nan",
    ],
    nest: "[",
    max_len: 64 * 1024,
    mem: (16 << 20, 512),
    setup: || {
        Box::new(|bytes| {
            let source = Source::new("content/t/tree.toml", text(bytes));
            if let Ok(tree) = remedy::tree::parse(&source) {
                assert!(tree.start < tree.nodes.len());
                let data = Data::new(&tree, "t/", None);
                data.check()
                    .unwrap_or_else(|e| panic!("a parsed tree publishes bad data: {e}"));
                let t = walk_text(&data, "HTTP/1.1 402 Payment Required\n\n{}");
                check_walk(&data, &t);
            }
        })
    },
};
