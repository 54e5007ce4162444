//! Personal preferences (the web UI, the web terminal, the SSH terminal)
//! and the export of one's own data.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod port;
