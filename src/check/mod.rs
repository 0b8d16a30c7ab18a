//! What `remedy check` looks at beyond a build: the external links a build
//! cannot follow (`--external`) and the age of each page's `checked` date
//! (`--stale`). Both read the project as a build does and write nothing;
//! neither runs inside `remedy build`, so a build never waits on the
//! network and never depends on today's date.

pub mod external;
pub mod stale;
