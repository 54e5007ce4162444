//! Administrator settings (the security policy; the mail server, the SMS
//! provider and IM robots), in JumpServer's setting names.

pub mod api;
pub mod model;
pub mod notify;
pub mod notify_page;
pub mod page;
#[cfg(feature = "ssr")]
pub mod port;
