//! Second factors: binding an authenticator app (TOTP), recovery codes, the
//! MFA step of sign-in, and re-authentication before sensitive actions.

pub mod api;
pub mod bind;
pub mod confirm;
pub mod model;
pub mod panel;
pub mod phone;
#[cfg(feature = "ssr")]
pub mod port;
pub mod send;
pub mod step;
