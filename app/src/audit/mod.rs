//! The authentication log, for administrators (and, later, each user's own
//! sign-in history).

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod port;
