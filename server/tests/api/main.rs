//! Integration tests: each starts the real server on a random port with a
//! fresh database, SQLite and PostgreSQL alike, and talks HTTP to it.
//! One binary for all of them (faster to link); modules mirror the routes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod access_keys;

mod cli;
mod connect;
mod csrf;
mod docs;
mod face;
mod health;
mod mfa;
mod notifications;
mod own_sessions;
mod pages;
mod password;
mod preferences;
mod profile;
mod session;
mod setup;
mod ssh_keys;
mod users;
