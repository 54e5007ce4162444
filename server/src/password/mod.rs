//! Passwords: hashing, the history behind the reuse rule, expiry, and the
//! owner's password change (server functions and
//! `PUT /api/v1/users/profile/password/`).

mod hash;
pub mod history;
pub mod rest;
pub mod service;

pub use hash::{HashError, PasswordHasherPool};
