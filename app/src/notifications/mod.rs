//! Notifications: where a user's security notices go (message
//! subscriptions) and the in-site inbox.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod port;
