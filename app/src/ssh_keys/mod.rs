//! SSH public keys for signing in to the bastion: the list, adding a pasted
//! key, generating a pair (the private half handed over once), enabling,
//! disabling and deleting.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod port;
