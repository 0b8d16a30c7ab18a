//! No import cycles between the crate's top-level modules (issue #12), nor
//! between the files of one module folder (issue #20), and a library that
//! never prints or exits.
//!
//! A build flows one way (`config` -> `content` -> `render` -> search, trees
//! -> `output`); a module that reaches back into a later one cannot be read,
//! tested or moved on its own. This reads every file under `src/`, collects
//! the paths that leave its top-level module (`crate::x::...`,
//! `use crate::{x, y}`, `super::` chains that climb to the crate root, and
//! the crate root's own re-exports such as `crate::build`), and fails with the
//! cycle and the files that make each step of it. `src/foo.rs` and everything
//! under `src/foo/` are the module `foo`; `lib.rs` and `main.rs` are roots,
//! not modules. Comments and string literals are skipped, so prose that names
//! `crate::x` is not a dependency.
//!
//! The same scan, one level down, makes a graph of each folder's children
//! (`search/morph.rs` and `search/query.rs` are `morph` and `query` in the
//! folder `search`), from the paths that name a sibling (`super::query`,
//! `crate::search::query`, `self::query` in `mod.rs`); a file's inline
//! `mod tests` is left out (a unit test may use any sibling).
//!
//! `src/cmd/` is the binary's (declared by `main.rs`), so it is not a
//! module of the library; it and `main.rs` are the only places that may
//! print or exit.
//!
//! The scanner has tests with planted cycles and tricky sources, so a
//! checker that silently finds nothing is caught.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Module -> module it uses -> the files (relative to `src/`) that use it.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

#[test]
fn top_level_modules_have_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = crate_graph(&src);
    // A scanner that finds nothing would pass forever: check it sees the
    // crate (many modules) and edges every build depends on.
    assert!(graph.len() >= 10, "only {} modules found", graph.len());
    for (from, to) in [("content", "config"), ("markdown", "highlight")] {
        assert!(
            graph[from].contains_key(to),
            "the scanner missed `{from} -> {to}`"
        );
    }
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "import cycles between top-level modules of src/:\n{}",
        cycles
            .iter()
            .map(|(group, path)| describe(&graph, group, path))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Cycles inside a folder that are known and being removed: (folder,
/// modules of the cycle). A listed cycle that no longer exists fails the
/// test, so the entry goes with the fix. (The first, search/morph.rs <->
/// search/query.rs, went with the Vocabulary trait of #26.)
const KNOWN_FOLDER_CYCLES: &[(&str, &[&str])] = &[];

#[test]
fn files_of_a_module_folder_have_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let folders = folder_graphs(&src);
    // A scanner that finds nothing would pass forever.
    assert!(
        folders.len() >= 8,
        "only {} module folders found",
        folders.len()
    );
    assert!(
        folders["site"]["write"].contains_key("load"),
        "the scanner missed `site/write.rs -> site/load.rs`"
    );
    assert!(
        folders["search"]["query"].contains_key("morph"),
        "the scanner missed `search/query.rs -> search/morph.rs`"
    );
    assert!(
        folders["serve"]["session"].contains_key("live"),
        "the scanner missed `serve/session.rs -> serve/live.rs`"
    );
    let mut found = Vec::new();
    let mut known = Vec::new();
    for (folder, graph) in &folders {
        for (group, path) in cycles(graph) {
            let listed = KNOWN_FOLDER_CYCLES.iter().any(|(f, g)| {
                f == folder && g.iter().copied().eq(group.iter().map(String::as_str))
            });
            let text = format!("in src/{folder}/:\n{}", describe(graph, &group, &path));
            if listed {
                known.push((folder.clone(), group));
            } else {
                found.push(text);
            }
        }
    }
    assert!(
        found.is_empty(),
        "import cycles between the files of a folder:\n{}",
        found.join("\n")
    );
    for (folder, group) in KNOWN_FOLDER_CYCLES {
        assert!(
            known
                .iter()
                .any(|(f, g)| f == folder && g.iter().map(String::as_str).eq(group.iter().copied())),
            "the cycle {group:?} in src/{folder}/ is gone: remove it from KNOWN_FOLDER_CYCLES"
        );
    }
}

#[test]
fn the_library_never_prints_or_exits() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for path in rust_files(&src) {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // Unit tests may print (they are not the library).
        if rel.ends_with("/tests.rs") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        for what in prints_or_exits(&tokens(&text)) {
            found.push(format!("{rel}: {what}"));
        }
    }
    assert!(
        found.is_empty(),
        "the library prints or exits (return a value or a Diagnostic; \
         src/cmd/ prints):\n{}",
        found.join("\n")
    );
}

/// `println!` and friends, and `process::exit`, outside inline test modules.
fn prints_or_exits(toks: &[String]) -> Vec<String> {
    const PRINTS: [&str; 5] = ["print", "println", "eprint", "eprintln", "dbg"];
    let tok = |i: usize| toks.get(i).map(String::as_str).unwrap_or("");
    let mut out = Vec::new();
    let mut depth = 0;
    // The brace depth of the `mod tests {` we are in.
    let mut in_tests: Option<usize> = None;
    for i in 0..toks.len() {
        match tok(i) {
            "{" => {
                depth += 1;
                if in_tests.is_none() && i >= 2 && tok(i - 2) == "mod" && tok(i - 1) == "tests" {
                    in_tests = Some(depth);
                }
            }
            "}" => {
                if in_tests == Some(depth) {
                    in_tests = None;
                }
                depth -= 1;
            }
            t if in_tests.is_none() => {
                if PRINTS.contains(&t) && tok(i + 1) == "!" {
                    out.push(format!("{t}!"));
                } else if t == "exit" && i >= 2 && tok(i - 1) == "::" && tok(i - 2) == "process" {
                    out.push("process::exit".to_string());
                }
            }
            _ => {}
        }
    }
    out
}

/// Folder (module path joined by `/`) -> the graph of its children.
type Folders = BTreeMap<String, Graph>;

/// Reads `src/` into one graph per module folder: which child of the
/// folder names which other child.
fn folder_graphs(src: &Path) -> Folders {
    let files = sources(src);
    // Every module path that is a file or a folder.
    let mut folders: Folders = BTreeMap::new();
    for (path, _, _) in &files {
        for depth in 1..path.len() {
            let folder = path[..depth].join("/");
            let graph = folders.entry(folder).or_default();
            graph.entry(path[depth].clone()).or_default();
        }
    }
    for (path, file, text) in &files {
        for target in absolute_paths(path, &tokens(text)) {
            // The deepest folder both lie in, and the children they are there.
            let common = path.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common == 0 || common >= path.len() || common >= target.len() {
                continue;
            }
            let folder = path[..common].join("/");
            let Some(graph) = folders.get_mut(&folder) else {
                continue;
            };
            let (from, to) = (&path[common], &target[common]);
            if graph.contains_key(to) {
                let files = graph.get_mut(from).unwrap().entry(to.clone()).or_default();
                files.insert(file.clone());
            }
        }
    }
    folders
}

/// Every path the file at module path `path` names from `crate::`,
/// `super::` or `self::`, resolved to a path from the crate root (groups
/// expanded: `super::{a, b::c}` is two paths).
fn absolute_paths(path: &[String], toks: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    // Inline `mod name { .. }`s we are in: (name, brace depth inside).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let tok = |i: usize| toks.get(i).map(String::as_str).unwrap_or("");
    for i in 0..toks.len() {
        match tok(i) {
            "{" => {
                depth += 1;
                if i >= 2 && tok(i - 2) == "mod" {
                    inline.push((tok(i - 1).to_string(), depth));
                }
            }
            "}" => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth -= 1;
            }
            _ => {}
        }
        if tok(i + 1) != "::" || (i > 0 && tok(i - 1) == "::") {
            continue;
        }
        // A file's unit tests may use any sibling: they are not part of
        // the direction the code flows in.
        if inline.iter().any(|(n, _)| n == "tests") {
            continue;
        }
        let here: Vec<String> = path
            .iter()
            .cloned()
            .chain(inline.iter().map(|(n, _)| n.clone()))
            .collect();
        let (base, after) = match tok(i) {
            "crate" => (Vec::new(), i + 2),
            "self" => (here, i + 2),
            "super" => {
                let mut j = i;
                let mut ups = 0;
                while tok(j) == "super" && tok(j + 1) == "::" {
                    ups += 1;
                    j += 2;
                }
                if ups > here.len() {
                    continue;
                }
                (here[..here.len() - ups].to_vec(), j)
            }
            _ => continue,
        };
        for rest in tree_paths(toks, after, 0) {
            let mut full = base.clone();
            full.extend(rest);
            out.push(full);
        }
    }
    out
}

/// The paths of a use tree at `i`: `a::b::{c, d::e}` -> `a::b::c`, `a::b::d::e`.
fn tree_paths(toks: &[String], mut i: usize, nesting: usize) -> Vec<Vec<String>> {
    let tok = |i: usize| toks.get(i).map(String::as_str).unwrap_or("");
    let ident = |t: &str| t.starts_with(|c: char| c.is_alphanumeric() || c == '_');
    let mut prefix = Vec::new();
    loop {
        if tok(i) == "{" && nesting < 8 {
            // Each comma-separated item at this level, parsed in turn.
            let mut paths = Vec::new();
            let mut j = i + 1;
            loop {
                paths.extend(tree_paths(toks, j, nesting + 1).into_iter().map(|p| {
                    let mut full = prefix.clone();
                    full.extend(p);
                    full
                }));
                // Skip to the `,` or `}` that ends this item.
                let mut d = 0;
                while j < toks.len() {
                    match tok(j) {
                        "{" => d += 1,
                        "}" if d == 0 => break,
                        "}" => d -= 1,
                        "," if d == 0 => break,
                        _ => {}
                    }
                    j += 1;
                }
                if tok(j) != "," {
                    break;
                }
                j += 1;
            }
            return paths;
        }
        if !ident(tok(i)) {
            break;
        }
        prefix.push(tok(i).to_string());
        if tok(i + 1) != "::" {
            break;
        }
        i += 2;
    }
    if prefix.is_empty() {
        Vec::new()
    } else {
        vec![prefix]
    }
}

/// Every Rust file under `src/`: its module path, its path relative to
/// `src/` and its text.
fn sources(src: &Path) -> Vec<(Vec<String>, String, String)> {
    rust_files(src)
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(src).unwrap();
            let text = fs::read_to_string(&path).unwrap();
            let name = rel.to_string_lossy().replace('\\', "/");
            (module_path(rel), name, text)
        })
        .collect()
}

/// Reads `src/` into the graph of its top-level modules.
fn crate_graph(src: &Path) -> Graph {
    // (module path, file relative to src/, text)
    let files = sources(src);
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|(path, _, _)| path.first().cloned())
        .collect();
    let root = fs::read_to_string(src.join("lib.rs")).unwrap();
    let reexports = root_reexports(&tokens(&root), &modules);
    let mut graph: Graph = modules
        .iter()
        .map(|m| (m.clone(), BTreeMap::new()))
        .collect();
    for (path, file, text) in &files {
        let Some(from) = path.first() else { continue };
        for to in uses(path, &tokens(text), &modules, &reexports) {
            if &to != from {
                let files = graph.get_mut(from).unwrap().entry(to).or_default();
                files.insert(file.clone());
            }
        }
    }
    graph
}

/// Every `.rs` file under `dir` except the crate roots, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                // The binary's own module tree.
                if !(d == dir && path.ends_with("cmd")) {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs")
                && !(d == dir && (path.ends_with("lib.rs") || path.ends_with("main.rs")))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// `tree/signals/mod.rs` -> `[tree, signals]`, `config.rs` -> `[config]`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut path: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if path.last().is_some_and(|l| l == "mod") {
        path.pop();
    }
    path
}

/// Identifiers, `::` and single punctuation; comments, strings, chars and
/// lifetimes are dropped (a string becomes `"`, so it still ends a path).
fn tokens(text: &str) -> Vec<String> {
    let s: Vec<char> = text.chars().collect();
    let at = |i: usize| s.get(i).copied().unwrap_or('\0');
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && at(i + 1) == '/' {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if at(i) == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else if i >= s.len() {
                    break;
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            i += 1;
            while i < s.len() && s[i] != '"' {
                i += if s[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push("\"".to_string());
        } else if c == '\'' {
            // 'x' or '\n' is a char; 'a without a closing quote a lifetime.
            if at(i + 1) == '\\' {
                i += 3;
                while i < s.len() && s[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
                while i < s.len() && ident(s[i]) {
                    i += 1;
                }
            }
        } else if ident(c) {
            let start = i;
            while i < s.len() && ident(s[i]) {
                i += 1;
            }
            let word: String = s[start..i].iter().collect();
            let mut hashes = 0;
            while at(i + hashes) == '#' {
                hashes += 1;
            }
            if matches!(word.as_str(), "r" | "br" | "cr") && at(i + hashes) == '"' {
                // A raw string ends at `"` followed by as many `#`.
                i += hashes + 1;
                while i < s.len() && !(s[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#')) {
                    i += 1;
                }
                i += hashes + 1;
                out.push("\"".to_string());
            } else if word == "r" && hashes == 1 && ident(at(i + 1)) {
                // A raw identifier, `r#type`: the word is what follows.
                i += 1;
            } else {
                out.push(word);
            }
        } else if c == ':' && at(i + 1) == ':' {
            out.push("::".to_string());
            i += 2;
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

/// What `lib.rs` re-exports, name -> module: `pub use site::{build, ..}`
/// makes `crate::build` a use of `site`.
fn root_reexports(toks: &[String], modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (i, t) in toks.iter().enumerate() {
        if t != "use" {
            continue;
        }
        let Some(module) = toks.get(i + 1).filter(|m| modules.contains(*m)) else {
            continue;
        };
        for name in toks[i + 2..].iter().take_while(|t| *t != ";") {
            if name.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                out.insert(name.clone(), module.clone());
            }
        }
    }
    out
}

/// The top-level modules that the file at `path` names.
fn uses(
    path: &[String],
    toks: &[String],
    modules: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // Inline `mod name { .. }`s we are in, with the brace depth inside them.
    let mut inline: Vec<usize> = Vec::new();
    let mut depth = 0;
    let tok = |i: usize| toks.get(i).map(String::as_str).unwrap_or("");
    for i in 0..toks.len() {
        match tok(i) {
            "{" => {
                depth += 1;
                if i >= 2 && tok(i - 2) == "mod" {
                    inline.push(depth);
                }
            }
            "}" => {
                if inline.last() == Some(&depth) {
                    inline.pop();
                }
                depth -= 1;
            }
            _ => {}
        }
        // A path starts at `crate::` or a chain of `super::` not itself
        // inside a path; `names` are what follows it at the crate root.
        if tok(i + 1) != "::" || (i > 0 && tok(i - 1) == "::") {
            continue;
        }
        let after_root = match tok(i) {
            "crate" => i + 2,
            "super" => {
                let mut j = i;
                let mut ups = 0;
                while tok(j) == "super" && tok(j + 1) == "::" {
                    ups += 1;
                    j += 2;
                }
                // Only a chain that climbs out of this top-level module
                // can name another one.
                if ups < path.len() + inline.len() {
                    continue;
                }
                j
            }
            _ => continue,
        };
        for name in names_at(toks, after_root) {
            if modules.contains(&name) {
                out.insert(name);
            } else if let Some(module) = reexports.get(&name) {
                out.insert(module.clone());
            }
        }
    }
    out
}

/// The first segment of a path at `i`, or of every path of a `{a::b, c}` group.
fn names_at(toks: &[String], i: usize) -> Vec<String> {
    if toks.get(i).map(String::as_str) != Some("{") {
        return toks.get(i).cloned().into_iter().collect();
    }
    let mut out = Vec::new();
    let mut depth = 0;
    let mut expect = true;
    for t in &toks[i..] {
        match t.as_str() {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            "," if depth == 1 => expect = true,
            _ if depth == 1 && expect => {
                out.push(t.clone());
                expect = false;
            }
            _ => {}
        }
    }
    out
}

/// Each group of modules that reach each other, with one closed path
/// through it (the shortest from its first module).
fn cycles(graph: &Graph) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for start in graph.keys() {
        if done.contains(start.as_str()) {
            continue;
        }
        let group: BTreeSet<&str> = reachable(graph, start)
            .into_iter()
            .filter(|m| reachable(graph, m).contains(start.as_str()))
            .collect();
        done.extend(&group);
        if let Some(path) = shortest_cycle(graph, start) {
            out.push((group.iter().map(|m| m.to_string()).collect(), path));
        }
    }
    out
}

/// Every module reachable from `from` in one step or more.
fn reachable<'a>(graph: &'a Graph, from: &str) -> BTreeSet<&'a str> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = graph[from].keys().map(String::as_str).collect();
    while let Some(m) = stack.pop() {
        if seen.insert(m) {
            stack.extend(graph[m].keys().map(String::as_str));
        }
    }
    seen
}

/// The shortest path from `start` back to itself, breadth first.
fn shortest_cycle(graph: &Graph, start: &str) -> Option<Vec<String>> {
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(m) = queue.pop_front() {
        for next in graph[m].keys() {
            if next == start {
                let mut path = vec![start.to_string(), m.to_string()];
                let mut at = m;
                while at != start {
                    at = parent[at];
                    path.push(at.to_string());
                }
                path.reverse();
                return Some(path);
            }
            if !parent.contains_key(next.as_str()) {
                parent.insert(next, m);
                queue.push_back(next);
            }
        }
    }
    None
}

/// `a -> b -> a`, per step the files that make it, and the whole group.
fn describe(graph: &Graph, group: &[String], cycle: &[String]) -> String {
    let mut out = format!("  {}\n", cycle.join(" -> "));
    for step in cycle.windows(2) {
        let files = &graph[&step[0]][&step[1]];
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        out += &format!("    {} -> {}: {}\n", step[0], step[1], files.join(", "));
    }
    if group.len() + 1 > cycle.len() {
        out += &format!(
            "    (all of these reach each other: {})\n",
            group.join(", ")
        );
    }
    out
}

/// A crate in a temporary folder: `(path under src/, text)`.
fn planted(files: &[(&str, &str)]) -> Graph {
    let dir = std::env::temp_dir().join(format!(
        "remedy-architecture-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let graph = crate_graph(&dir);
    fs::remove_dir_all(&dir).unwrap();
    graph
}

fn edges(graph: &Graph) -> Vec<String> {
    graph
        .iter()
        .flat_map(|(a, tos)| tos.keys().map(move |b| format!("{a}->{b}")))
        .collect()
}

#[test]
fn a_planted_cycle_is_found_with_its_path_and_files() {
    let graph = planted(&[
        ("lib.rs", "pub mod a; pub mod b; pub mod c; pub mod d;"),
        ("a.rs", "use crate::b::B;"),
        ("b/mod.rs", "mod inner;"),
        ("b/inner.rs", "pub fn f() { crate::c::g() }"),
        ("c.rs", "use crate::{d, a::A};"),
        ("d.rs", "pub struct D;"),
    ]);
    assert_eq!(edges(&graph), ["a->b", "b->c", "c->a", "c->d"]);
    let cycles = cycles(&graph);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    let (group, path) = &cycles[0];
    assert_eq!(group, &["a", "b", "c"]);
    assert_eq!(path, &["a", "b", "c", "a"]);
    let text = describe(&graph, group, path);
    assert!(text.contains("a -> b -> c -> a"), "{text}");
    assert!(text.contains("b -> c: b/inner.rs"), "{text}");
}

#[test]
fn prose_strings_and_inner_paths_are_not_uses() {
    let graph = planted(&[
        (
            "lib.rs",
            "pub mod a; pub mod b; pub mod c; pub use c::Thing;",
        ),
        (
            "a/mod.rs",
            r####"
            //! Unlike `crate::b`, this module /* crate::b */ reads
            /// crate::b::X
            const S: &str = "crate::b::X \" crate::b";
            const R: &str = r#"crate::b "# ;
            const C: [char; 2] = ['"', '\''];
            fn f<'b>(x: &'b str) -> &'b str { "crate::b" }
            mod inner;
            use self::inner::b;
            #[cfg(test)]
            mod tests { use super::{*, b}; fn t() { super::super::c::f() } }
            "####,
        ),
        (
            "a/inner.rs",
            "pub mod b {} use super::b as _; use crate::Thing;",
        ),
        ("b.rs", ""),
        ("c.rs", "pub struct Thing;"),
    ]);
    // Only the re-export and the `super::super` from the inline test module
    // (which reach the crate root, then `c`) are real uses.
    assert_eq!(edges(&graph), ["a->c"]);
}

#[test]
fn a_planted_cycle_inside_a_folder_is_found() {
    let dir =
        std::env::temp_dir().join(format!("remedy-architecture-folder-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    for (path, text) in [
        ("lib.rs", "pub mod s;"),
        (
            "s/mod.rs",
            "mod a; mod b; mod c; pub struct K; use self::a::A;",
        ),
        (
            "s/a.rs",
            "use super::{b::B, K}; mod tests { use super::super::c; }",
        ),
        ("s/b.rs", "pub fn f() { crate::s::a::g() }"),
        ("s/c.rs", "use crate::s::{self, b};"),
        ("s/d/mod.rs", "mod e; mod f;"),
        ("s/d/e.rs", "use super::f::F;"),
        ("s/d/f.rs", "use super::super::d::e::E;"),
    ] {
        let path = dir.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let folders = folder_graphs(&dir);
    fs::remove_dir_all(&dir).unwrap();
    // `a`'s test module naming `d` is not an edge.
    assert_eq!(edges(&folders["s"]), ["a->b", "b->a", "c->b"]);
    assert_eq!(edges(&folders["s/d"]), ["e->f", "f->e"]);
    let found: Vec<Vec<String>> = cycles(&folders["s"]).into_iter().map(|(g, _)| g).collect();
    assert_eq!(found, [["a", "b"]]);
    assert_eq!(cycles(&folders["s/d"]).len(), 1);
}

#[test]
fn printing_and_exiting_are_found_outside_tests() {
    let toks = tokens(
        r#"fn f() { println!("x"); let s = "eprintln!"; std::process::exit(1) }
           // eprintln!("comment")
           mod tests { fn t() { eprintln!("fine in a test"); } }
           fn g() { eprint!("{}", 1); }"#,
    );
    assert_eq!(
        prints_or_exits(&toks),
        ["println!", "process::exit", "eprint!"]
    );
}
