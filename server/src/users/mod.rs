//! Accounts: storage, administration (for the Users page and the REST API),
//! and the operations the CLI offers.

pub mod api;
pub mod service;
pub mod store;
