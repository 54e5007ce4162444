//! Signing in and out, the first-admin setup, and who is asking.

pub mod api;
pub mod login;
pub mod model;
#[cfg(feature = "ssr")]
pub mod port;
pub mod setup;

pub use model::{CurrentUser, Role};
