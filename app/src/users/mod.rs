//! Administration of accounts: list, search, create, edit, (de)activate.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod port;
