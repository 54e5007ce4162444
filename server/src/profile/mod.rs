//! The signed-in user's own account: reading it and editing contact details.

pub mod api;
pub mod service;
