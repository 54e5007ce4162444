//! Bastion Profile's server: the web app and REST API, storage, and the
//! command line. `main.rs` only parses the command line and calls in here;
//! integration tests start the same server on a random port.

#![recursion_limit = "256"]

pub mod access_keys;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod connect;
pub mod core;
pub mod crypto;
pub mod db;
pub mod error;
pub mod face;
pub mod http;
pub mod mfa;
pub mod notify;
pub mod password;
pub mod preferences;
pub mod profile;
pub mod settings;
pub mod ssh_keys;
pub mod users;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::core::{Core, SharedCore};
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;

/// Connects to the database, applies migrations and loads the secret key.
pub async fn build_core(config: Config, clock: SharedClock) -> anyhow::Result<SharedCore> {
    let secret_key = config::load_secret_key(&config.secret_key)?;
    let db = db::Db::connect(&config.database_url)
        .await
        .context("cannot open the database (configuration key `database_url`)")?;
    db.migrate().await.context("cannot apply the database migrations")?;
    let hasher = password::PasswordHasherPool::new(config.hash_concurrency)?;
    let sealer = crypto::Sealer::new(secret_key.bytes());
    let face = Arc::new(face::service::FaceService::new(
        config.face_models_dir.clone(),
        config.face_concurrency,
    ));
    Ok(Arc::new(Core {
        db,
        clock,
        hasher,
        config: Arc::new(config),
        secret_key,
        sealer,
        mfa: mfa::methods(),
        key_usage: Default::default(),
        key_cache: Default::default(),
        settings_cache: Default::default(),
        outbox: Default::default(),
        http: notify::send::http_client(),
        face,
    }))
}

/// Serves until `shutdown` completes.
pub async fn serve(
    core: SharedCore,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app = http::router(http::AppState::new(core.clone()));
    let flusher = tokio::spawn(flush_key_usage(core.clone()));
    let outbox = tokio::spawn(notify::outbox::run(core.clone()));
    // With face recognition on, the first sign-in should not wait for the
    // models to load.
    if core.security().await.is_ok_and(|s| s.face_enabled) {
        let face = core.face.clone();
        tokio::spawn(async move {
            let _ = face.models().await;
        });
    }
    let served = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
        .context("the server stopped with an error");
    flusher.abort();
    outbox.abort();
    // What was used since the last flush is not lost at shutdown.
    let _ = core.flush_key_usage().await;
    served
}

/// Writes access keys' last use every few seconds (never once per request).
async fn flush_key_usage(core: SharedCore) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
    loop {
        every.tick().await;
        if let Err(e) = core.flush_key_usage().await {
            tracing::warn!(error = %e, "access key usage not written; retrying later");
        }
    }
}
