//! Signing in and out, sessions, the first-admin setup, the authentication
//! log, and how API callers are identified.

pub mod csrf;
pub mod events;
pub mod extract;
pub mod lockout;
pub mod own_sessions;
pub mod rest;
pub mod service;
pub mod session;
pub mod setup;
pub mod signature;
pub mod tokens;
