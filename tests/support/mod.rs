//! Fixtures shared by the integration tests: building the bundled site,
//! serving it on loopback, finding the external tools (Chromium, Java and
//! the npm checkers) and driving Chromium.
//!
//! Each test binary compiles this whole module but uses only part of it,
//! hence the `dead_code` allowance below.
#![allow(dead_code)]

pub mod chrome;
pub mod corpus;
pub mod playback;
pub mod server;
pub mod site;
pub mod tools;
pub mod trace;
