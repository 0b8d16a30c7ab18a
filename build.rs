//! Compiles syntect's default syntaxes plus the default theme's own
//! (`themes/default/syntaxes/`) into one binary dump at build time.
//!
//! Linking a syntax set takes ~300 ms; loading this dump takes ~5 ms, and
//! every build of a site that does not bring its own syntaxes uses it.

use std::path::Path;

use syntect::parsing::{SyntaxDefinition, SyntaxSet};

fn main() {
    let dir = Path::new("themes/default/syntaxes");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut builder = SyntaxSet::load_defaults_newlines().into_builder();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("themes/default/syntaxes exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sublime-syntax"))
        .collect();
    files.sort();
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("syntax file is UTF-8");
        let def = SyntaxDefinition::load_from_str(&text, true, None)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        builder.add(def);
    }
    let set = builder.build();
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("syntaxes.packdump");
    // Uncompressed: inflating the compressed dump took most of its load time.
    syntect::dumps::dump_to_uncompressed_file(&set, &out).expect("write the syntax dump");
}
