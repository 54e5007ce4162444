//! Changing one's password: the policy in force for the person, the strength
//! estimate (the same code in the browser and on the server), the page and
//! its server functions.

pub mod api;
pub mod model;
pub mod page;
#[cfg(feature = "ssr")]
pub mod port;
pub mod strength;
