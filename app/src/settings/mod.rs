//! Administrator settings (security policy now; mail and SMS later), in
//! JumpServer's setting names.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod port;
