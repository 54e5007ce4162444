//! Admin settings, stored one row per JumpServer setting name with a JSON
//! value, over built-in defaults. Each instance keeps what it read for at
//! most a second ([`SETTINGS_TTL`]), so an instance behind a load balancer
//! applies another's change within that second, and its own at once.

use crate::core::Core;
use crate::error::OrInternal;
use crate::on_db;
use app::auth::model::SessionCtx;
use app::common::AppError;
use app::settings::model::SecuritySettings;
use app::settings::port::SettingsPort;
use serde_json::{Map, Value};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an instance reuses the settings rows it read.
pub const SETTINGS_TTL: Duration = Duration::from_secs(1);

/// Settings rows: name and JSON value.
type Rows = Vec<(String, String)>;

/// The settings rows as last read, and when.
#[derive(Default)]
pub struct SettingsCache(Mutex<Option<(Instant, Rows)>>);

impl SettingsCache {
    fn fresh(&self) -> Option<Rows> {
        let guard = self.0.lock().ok()?;
        guard.as_ref().filter(|(at, _)| at.elapsed() < SETTINGS_TTL).map(|(_, rows)| rows.clone())
    }

    fn keep(&self, rows: &[(String, String)]) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = Some((Instant::now(), rows.to_vec()));
        }
    }

    pub fn clear(&self) {
        if let Ok(mut guard) = self.0.lock() {
            *guard = None;
        }
    }
}

impl Core {
    async fn load_settings<T: serde::de::DeserializeOwned + serde::Serialize + Default>(
        &self,
    ) -> Result<T, AppError> {
        let defaults = serde_json::to_value(T::default()).or_internal()?;
        let Value::Object(mut merged) = defaults else {
            return Err(crate::error::internal("settings are not an object"));
        };
        let names: Vec<String> = merged.keys().cloned().collect();
        let rows = match self.settings_cache.fresh() {
            Some(rows) => rows,
            None => {
                let rows: Rows = on_db!(&self.db, pool =>
                    sqlx::query_as("SELECT name, value FROM settings").fetch_all(pool).await)
                .or_internal()?;
                self.settings_cache.keep(&rows);
                rows
            }
        };
        for (name, value) in rows {
            if names.contains(&name) {
                if let Ok(value) = serde_json::from_str::<Value>(&value) {
                    merged.insert(name, value);
                }
            }
        }
        // A stored value of the wrong type falls back to the defaults as a whole.
        Ok(serde_json::from_value(Value::Object(merged)).unwrap_or_default())
    }

    async fn store_settings(&self, values: Map<String, Value>) -> Result<(), AppError> {
        let now = self.now().millis();
        let sql = "INSERT INTO settings (name, value, updated_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
        for (name, value) in values {
            on_db!(&self.db, pool => sqlx::query(sql).bind(&name).bind(value.to_string()).bind(now).execute(pool).await.map(|r| r.rows_affected()))
                .or_internal()?;
        }
        self.settings_cache.clear();
        Ok(())
    }

    pub async fn security(&self) -> Result<SecuritySettings, AppError> {
        self.load_settings().await
    }

    pub async fn set_security(
        &self,
        settings: SecuritySettings,
    ) -> Result<SecuritySettings, AppError> {
        settings.validate()?;
        let Value::Object(values) = serde_json::to_value(&settings).or_internal()? else {
            return Err(crate::error::internal("settings are not an object"));
        };
        self.store_settings(values).await?;
        tracing::info!("security settings changed");
        Ok(settings)
    }
}

#[async_trait::async_trait]
impl SettingsPort for Core {
    async fn security_settings(&self, admin: &SessionCtx) -> Result<SecuritySettings, AppError> {
        if !admin.user.is_admin() {
            return Err(AppError::Forbidden);
        }
        self.security().await
    }

    async fn save_security_settings(
        &self,
        admin: &SessionCtx,
        settings: SecuritySettings,
    ) -> Result<SecuritySettings, AppError> {
        if !admin.user.is_admin() {
            return Err(AppError::Forbidden);
        }
        self.set_security(settings).await
    }
}
