//! The person's own account: what it holds and the few fields they may edit.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod port;
