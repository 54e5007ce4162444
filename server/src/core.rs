//! The domain services every edge (server functions, REST API, CLI) calls.

use crate::clock::SharedClock;
use crate::config::{Config, SecretKey};
use crate::crypto::Sealer;
use crate::db::Db;
use crate::mfa::MfaMethod;
use crate::password::PasswordHasherPool;
use std::sync::Arc;

pub struct Core {
    pub db: Db,
    pub clock: SharedClock,
    pub hasher: PasswordHasherPool,
    pub config: Arc<Config>,
    /// Encrypts recoverable secrets at rest (TOTP seeds, access-key secrets).
    pub secret_key: SecretKey,
    pub sealer: Sealer,
    /// Every kind of second factor the server knows.
    pub mfa: Vec<Box<dyn MfaMethod>>,
    /// Access keys used since the last flush to the database.
    pub key_usage: crate::access_keys::KeyUsage,
    /// Verified access keys and their owners, for a second.
    pub key_cache: crate::access_keys::KeyCache,
    pub settings_cache: crate::settings::SettingsCache,
    /// This instance's part of the durable outbox.
    pub outbox: crate::notify::outbox::Outbox,
    /// For SMS gateways and IM robots.
    pub http: reqwest::Client,
    /// The face models, loaded on first use.
    pub face: Arc<crate::face::service::FaceService>,
}

pub type SharedCore = Arc<Core>;

impl Core {
    pub fn now(&self) -> app::common::Timestamp {
        self.clock.now()
    }
}
