//! remedy: a static site generator for troubleshooting knowledge bases.
//!
//! A build is a pipeline that flows one way; each stage lives in its own
//! module and hands an owned value to the next:
//!
//! ```text
//! book.toml ──► config::Config
//! content/**/*.md ──► content::Library (front matter, sections, navigation)
//!                         │
//!                         ▼
//!           markdown::render (per page, in parallel; highlight for code)
//!                         │  links and anchors checked across pages
//!                         ▼
//!           render::Templates (tera) ──► output::Writer ──► swap or journaled update
//! ```
//!
//! [`site::build`] runs the whole pipeline. Problems in the user's input are
//! returned as [`diagnostics::Diagnostic`]s naming file, line and column;
//! the library never prints and never exits (the subcommands that do are
//! the binary's, `src/cmd/`). `serve` needs the `serve` feature (on by
//! default), which brings tokio and axum.

pub mod book;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod escape;
pub mod fingerprint;
pub mod highlight;
pub mod init;
pub mod lookup;
pub mod markdown;
pub mod output;
pub mod render;
pub mod search;
#[cfg(feature = "serve")]
pub mod serve;
pub mod site;
pub mod theme;
pub mod tree;
pub mod triage;

pub use diagnostics::Failure;
pub use site::{build, open_tree, BuildOptions, BuildReport, Lap, OpenTree};
