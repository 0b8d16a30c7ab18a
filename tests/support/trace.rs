//! What the Rust triage engine reads from a paste on the way to its walk,
//! as JSON in the shape `tests/browser/triage-node.mjs --trace` prints for
//! the browser's engine: the parsed paste (status, headers, request
//! headers, body, JSON, request hosts), every answer's signal (what holds,
//! and its words), the evidence features and every remedy's score. The
//! parity test compares the two value by value, so a disagreement is found
//! where it starts, not only where it changes a remedy.
//!
//! Also the pastes that test brings besides the corpus: text outside ASCII
//! and numbers whose written form differs between languages.

use serde_json::{json, Value};

use remedy::tree::evidence::Features;
use remedy::tree::paste::{self, Json};
use remedy::tree::signals::show_number;
use remedy::tree::triage::Data;

/// A paste's JSON: objects as their members in order, numbers as the trail
/// writes them, `null` apart from an absent value.
fn json_of(v: &Json) -> Value {
    match v {
        Json::Null => json!({ "null": null }),
        Json::Bool(b) => json!(b),
        Json::Num(n) => json!({ "num": show_number(*n) }),
        Json::Str(s) => json!(s),
        Json::Arr(items) => Value::Array(items.iter().map(json_of).collect()),
        Json::Obj(members) => json!({
            "obj": members.iter().map(|(k, v)| json!([k, json_of(v)])).collect::<Vec<_>>()
        }),
    }
}

/// The trace of `text` (shorter than the paste limit) walked on `data`.
pub fn trace(data: &Data, text: &str) -> Value {
    assert!(
        text.chars().count() <= paste::MAX_PASTE_CHARS,
        "traced pastes are not cut"
    );
    let p = paste::parse(text);
    let mut signals = Vec::new();
    for (q, answers) in &data.questions {
        for (i, a) in answers.iter().enumerate() {
            if let Some(when) = &a.when {
                signals.push(json!({
                    "question": q,
                    "answer": i,
                    "holds": when.eval(&p),
                    "describe": when.describe(),
                }));
            }
        }
    }
    let f = Features::read(text, &p);
    let mut structural: Vec<&String> = f.structural.iter().collect();
    structural.sort();
    let scores: Vec<Value> = match &data.evidence {
        None => Vec::new(),
        Some(model) => model
            .score(&f)
            .iter()
            .zip(&model.remedies)
            .map(|(s, r)| {
                json!({
                    "remedy": r.id,
                    "total": s.total,
                    "terms": s.terms,
                    "host": s.host,
                    "exact_host": s.exact_host,
                    "eligible": s.eligible,
                    "vouched": s.vouched,
                })
            })
            .collect(),
    };
    json!({
        "paste": {
            "status": p.status,
            "headers": p.headers,
            "sent": p.sent,
            "body": p.body,
            "json": p.json.as_ref().map(json_of),
            "hosts": p.hosts,
        },
        "looks_like_response": p.looks_like_response(),
        "signals": signals,
        "features": {
            "terms": f.terms,
            "hosts": f.hosts,
            "request_hosts": f.request_hosts,
            "url_hosts": f.url_hosts,
            "structural": structural,
        },
        "scores": scores,
    })
}

/// Where two traces first differ (`paste.json.obj[0][1]: "a" vs "b"`), or
/// `None` when they are equal.
pub fn first_difference(rust: &Value, browser: &Value) -> Option<String> {
    fn walk(path: &str, a: &Value, b: &Value) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                keys.into_iter().find_map(|k| {
                    walk(
                        &format!("{path}.{k}"),
                        x.get(k).unwrap_or(&Value::Null),
                        y.get(k).unwrap_or(&Value::Null),
                    )
                })
            }
            (Value::Array(x), Value::Array(y)) => {
                (0..x.len().max(y.len())).find_map(|i| match (x.get(i), y.get(i)) {
                    (Some(a), Some(b)) => walk(&format!("{path}[{i}]"), a, b),
                    (a, b) => Some(format!("{path}[{i}]: rust {a:?}, browser {b:?}")),
                })
            }
            // Integers are read back as floats by one side or the other.
            (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => None,
            _ if a == b => None,
            _ => Some(format!("{path}: rust {a}, browser {b}")),
        }
    }
    walk("", rust, browser)
}

/// Pastes the corpus lacks, each for a way the engines could read text
/// differently: (name, bytes).
pub fn parity_cases() -> Vec<(&'static str, Vec<u8>)> {
    let text = |name, s: &str| (name, s.as_bytes().to_vec());
    vec![
        text(
            "combining marks",
            "HTTP/1.1 402 Payment Required\ncontent-type: application/json\n\n{\"error\": {\"type\": \"card_error\", \"message\": \"Cafe\u{301} de\u{301}clined: insufficient\u{301}_funds e\u{301}rror\"}}",
        ),
        text(
            "CJK",
            "HTTP/2 402\nx-error: 余额不足\n\n{\"error\": {\"code\": \"insufficient_quota\", \"message\": \"您的额度已用尽，请充值 api.deepseek.com\"}}",
        ),
        text(
            "emoji",
            "Error code: 402 - {'error': {'message': '💳 Payment required 🚫 credit balance is too low 👉 https://console.anthropic.com/settings/billing', 'type': 'billing_error'}}",
        ),
        text(
            "right to left",
            "HTTP/1.1 402 Payment Required\n\n{\"error\": \"\u{202B}الرصيد غير كاف\u{202C} insufficient_balance\", \"status\": 402}",
        ),
        text(
            "a NUL and controls",
            "HTTP/1.1 402 Payment Required\nx-note: a\u{0}b\n\n{\"error\": {\"type\": \"card\u{0}error\", \"code\": \"card_declined\"}}\u{0}quota\u{7}",
        ),
        text(
            "lone surrogates in JSON escapes",
            "{\"error\": {\"message\": \"\\ud83d\\ude00 ok \\ud800 \\udc00 \\ud800\\ud800x \\ud83d\", \"type\": \"insufficient_quota\"}}",
        ),
        text(
            "escaped characters outside ASCII",
            "{\"error\": {\"message\": \"\\é \\😀 \\u00e9\\u0301 \\u4e2d\", \"code\": 402}}",
        ),
        text(
            "byte-order marks",
            "\u{FEFF}HTTP/1.1 402 Payment Required\n\u{FEFF}x-a: b\n\n\u{FEFF}{\"error\": \"\u{FEFF}insufficient_quota\"}",
        ),
        text(
            "line and paragraph separators",
            "HTTP/1.1 402 Payment Required\nwww-authenticate: L402\u{2028}macaroon=\"x\"\n\n{\"type\": \"a\u{2029}#low-balance\"}",
        ),
        text(
            "a BOM where a browser's \\s sees a space",
            "HTTP/2 402\nwww-authenticate: L402\u{FEFF}macaroon=\"AgEL\", invoice=\"lnbc1\"\n\n",
        ),
        text(
            "a NEL where Rust's \\s saw a space",
            "HTTP/2 402\nwww-authenticate: LSAT\u{85}macaroon=\"AgEL\", invoice=\"lnbc1\"\n\n",
        ),
        text(
            "numbers",
            "HTTP/1.1 402 Payment Required\n\n{\"error\": {\"code\": 4.02e2, \"tiny\": 1e-7, \"small\": 0.000001, \"big\": 1e21, \"huge\": 1e400, \"neg\": -0, \"exact\": 123456789012345680000, \"third\": 0.3333333333333333, \"half\": 5e-324}}",
        ),
        (
            "base64 JSON with a byte-order mark",
            {
                // `payment-required: base64("\u{FEFF}{...}")`: a BOM is kept,
                // so the header holds no JSON for either engine.
                let json = "\u{FEFF}{\"x402Version\":2,\"error\":\"insufficient_funds\",\"accepts\":[{\"network\":\"base\"}]}";
                let b64 = base64(json.as_bytes());
                format!("HTTP/1.1 402 Payment Required\npayment-required: {b64}\n\n{{}}").into_bytes()
            },
        ),
        (
            "base64 padding followed by text outside ASCII",
            {
                let json = "{\"x402Version\":2,\"error\":\"insufficient_funds\"}";
                let mut b64 = base64(json.as_bytes());
                // Past the limit in bytes, within it in characters.
                while b64.chars().count() + 3 < remedy::tree::rules::MAX_BASE64_CHARS {
                    b64.push('=');
                }
                b64.push_str("=éé");
                format!("HTTP/1.1 402 Payment Required\npayment-required: {b64}\n\n{{}}").into_bytes()
            },
        ),
        (
            "bytes that are not UTF-8",
            b"HTTP/1.1 402 Payment Required\nx-a: \xff\xfe\n\n{\"error\": \"\xc3(insufficient_quota\xe2\x82\"}".to_vec(),
        ),
    ]
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
