//! A user's own sessions: where the account is signed in, and ending them.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod port;
