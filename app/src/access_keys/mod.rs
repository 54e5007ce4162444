//! API access keys for scripts that sign their requests (HTTP Signature,
//! as JumpServer's clients do): the list, creating one (the secret shown
//! once), the IP allowlist, enabling, disabling and deleting.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod port;
