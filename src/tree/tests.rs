use super::*;

const GOOD: &str = r#"[tree]
title = "T"
start = "q1"

[[question]]
id = "q1"
text = "Where?"
answers = [
  { label = "Here", next = "q2" },
  { label = "There", next = "r2" },
]

[[question]]
id = "q2"
text = "Which?"
help = """
See [the guide](../a.md).
"""
answers = [
  { label = "A", next = "r1" },
  { label = "B", next = "r2" },
]

[[remedy]]
id = "r1"
title = "Do A"
who = "developer"
body = "Step one."
guides = ["a.md#x"]

[[remedy]]
id = "r2"
title = "Do B"
body = "Step two."
guides = ["a.md"]
"#;

fn errors(text: &str) -> Vec<String> {
    let source = Source::new("content/t/tree.toml", text);
    match parse(&source) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(|d| d.to_string()).collect(),
    }
}

fn with(from: &str, to: &str) -> String {
    assert!(GOOD.contains(from), "fixture lacks {from}");
    GOOD.replacen(from, to, 1)
}

#[test]
fn a_good_tree_parses() {
    let source = Source::new("t.toml", GOOD);
    let t = parse(&source).unwrap();
    assert_eq!(t.nodes.len(), 4);
    assert_eq!(t.nodes[t.start].id, "q1");
    assert_eq!(
        t.bfs_order()
            .iter()
            .map(|&i| t.nodes[i].id.as_str())
            .collect::<Vec<_>>(),
        ["q1", "q2", "r2", "r1"]
    );
    let inc = t.incoming();
    assert_eq!(inc[t.find("r2").unwrap()].len(), 2);
}

#[test]
fn duplicate_id() {
    let e = errors(&with("id = \"r2\"", "id = \"r1\""));
    assert!(
        e.iter()
            .any(|e| e
                .starts_with("content/t/tree.toml:32:6: error: the node id `r1` is used twice")),
        "{e:?}"
    );
}

#[test]
fn unknown_target_with_suggestion() {
    let e = errors(&with("next = \"r1\"", "next = \"r11\""));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with(
            "content/t/tree.toml:20:25: error: the answer's target `r11` is not a node"
        ),
        "{e:?}"
    );
    assert!(e[0].contains("did you mean `r1`?"), "{e:?}");
}

#[test]
fn missing_start() {
    let e = errors(&with("start = \"q1\"", "start = \"q0\""));
    assert!(
        e[0].starts_with("content/t/tree.toml:3:9: error: the start node `q0` is not a node"),
        "{e:?}"
    );
}

#[test]
fn cycle_is_named_in_order() {
    let e = errors(&with(
        "{ label = \"B\", next = \"r2\" }",
        "{ label = \"B\", next = \"q1\" }",
    ));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with(
            "content/t/tree.toml:21:25: error: the answers form a cycle: q1 -> q2 -> q1"
        ),
        "{e:?}"
    );
}

#[test]
fn unreachable_node() {
    let e = errors(
        &with(
            "{ label = \"There\", next = \"r2\" }",
            "{ label = \"There\", next = \"r1\" }",
        )
        .replacen(
            "{ label = \"B\", next = \"r2\" }",
            "{ label = \"B\", next = \"r1\" }",
            1,
        ),
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with(
            "content/t/tree.toml:32:6: error: node `r2` cannot be reached from the start"
        ),
        "{e:?}"
    );
}

#[test]
fn question_needs_two_answers() {
    let e = errors(&with("  { label = \"There\", next = \"r2\" },\n", ""));
    assert!(
        e.iter()
            .any(|e| e.starts_with("content/t/tree.toml:6:6: error: question `q1` has 1 answer")),
        "{e:?}"
    );
}

#[test]
fn remedy_needs_a_guide() {
    let e = errors(&with("guides = [\"a.md\"]", "guides = []"));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("content/t/tree.toml:32:6: error: remedy `r2` links to no guide"),
        "{e:?}"
    );
}

#[test]
fn unknown_key_and_bad_who() {
    let e = errors(&with("text = \"Where?\"", "txt = \"Where?\""));
    assert!(
        e[0].contains("unknown key `txt`") && e[0].contains("did you mean `text`?"),
        "{e:?}"
    );
    let e = errors(&with("who = \"developer\"", "who = \"devloper\""));
    assert!(
        e[0].starts_with("content/t/tree.toml:27:7: error:"),
        "{e:?}"
    );
    assert!(e[0].contains("devloper"), "{e:?}");
}

#[test]
fn invalid_id_and_several_errors_together() {
    let e = errors(&with("id = \"q2\"", "id = \"Q 2\"").replacen(
        "guides = [\"a.md\"]",
        "guides = []",
        1,
    ));
    // Q 2 is invalid, q2 targets no longer resolve (two answers point at it? one), r2 has no guide.
    assert!(
        e.iter().any(|e| e.contains("`Q 2` is not a valid node id")),
        "{e:?}"
    );
    assert!(
        e.iter()
            .any(|e| e.contains("remedy `r2` links to no guide")),
        "{e:?}"
    );
    assert!(e.len() >= 3, "{e:?}");
}

#[test]
fn map_has_a_shape_per_node_and_an_edge_per_answer() {
    let t = parse(&Source::new("t.toml", GOOD)).unwrap();
    let svg = map::svg(&t);
    assert_eq!(svg.matches("<rect ").count(), 4);
    assert_eq!(svg.matches("class=\"map-edge\"").count(), 4);
    assert_eq!(svg.matches("class=\"map-node map-remedy\"").count(), 2);
    // Edges point right: every remedy is in a later column than its question.
    let l = map::layout(&t);
    for (u, n) in t.nodes.iter().enumerate() {
        for a in n.answers() {
            assert!(l.pos[a.next].0 > l.pos[u].0);
        }
    }
}

#[test]
fn walk_scripted_and_back() {
    let t = parse(&Source::new("t.toml", GOOD)).unwrap();
    let guides = |_: usize| Vec::new();
    let mut out = Vec::new();
    let mut input = std::io::Cursor::new(b"1\nb\n1\n2\n".to_vec());
    let r = walk::walk(&t, &guides, &mut input, &mut out, true).unwrap();
    assert_eq!(r, Ok(walk::Outcome::Remedy(t.find("r2").unwrap())));
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("=> Do B"), "{text}");
    let mut input = std::io::Cursor::new(b"1\n".to_vec());
    let r = walk::walk(&t, &guides, &mut input, &mut Vec::new(), true).unwrap();
    assert_eq!(
        r,
        Err(walk::WalkError::TooFewAnswers {
            question: "q2".into()
        })
    );
    let mut input = std::io::Cursor::new(b"3\n".to_vec());
    let r = walk::walk(&t, &guides, &mut input, &mut Vec::new(), true).unwrap();
    assert!(matches!(r, Err(walk::WalkError::NoSuchAnswer { .. })));
    // Interactive: a bad answer asks again; input ending quits.
    let mut out = Vec::new();
    let mut input = std::io::Cursor::new(b"7\n2\n".to_vec());
    let r = walk::walk(&t, &guides, &mut input, &mut out, false).unwrap();
    assert_eq!(r, Ok(walk::Outcome::Remedy(t.find("r2").unwrap())));
    assert!(String::from_utf8(out)
        .unwrap()
        .contains("Type a number from 1 to 2"));
}

#[test]
fn markdown_is_printed_as_plain_text() {
    let t = walk::plain_text("Do this:\n\n1. Log `code`.\n2. Retry **once**.\n\n- a\n- b\n");
    assert_eq!(t, "Do this:\n\n1. Log code.\n2. Retry once.\n\n- a\n- b");
}

#[test]
fn codes_must_be_status_codes() {
    assert!(errors(&with(
        "start = \"q1\"",
        "start = \"q1\"\ncodes = [402, 429]"
    ))
    .is_empty());
    let e = errors(&with("start = \"q1\"", "start = \"q1\"\ncodes = [402, 42]"));
    assert!(
        e[0].starts_with("content/t/tree.toml:4:15: error: 42 is not an HTTP status code"),
        "{e:?}"
    );
}
