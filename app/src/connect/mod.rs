//! Assets, accounts, permissions and connection tokens: the connect dialog,
//! the tokens page and the administrators' pages.

pub mod admin_accounts;
pub mod admin_page;
pub mod admin_permissions;
pub mod api;
pub mod assets_page;
mod clock;
pub mod dialog;
pub mod model;
#[cfg(feature = "ssr")]
pub mod port;
pub mod tokens_page;
