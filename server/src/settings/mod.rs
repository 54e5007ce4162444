//! Admin settings, stored one row per JumpServer setting name with a JSON
//! value, over built-in defaults. Write-only settings (passwords, tokens,
//! webhook URLs) are rows too, their value sealed with the server key. Each instance keeps what it read for at
//! most a second ([`SETTINGS_TTL`]), so an instance behind a load balancer
//! applies another's change within that second, and its own at once.

use crate::core::Core;
use crate::error::OrInternal;
use crate::on_db;
use app::auth::model::SessionCtx;
use app::common::AppError;
use app::i18n::{t, tf};
use app::settings::model::{SecuritySettings, SettingsGroup};
use app::settings::notify::{
    self, ImSettings, MailSettings, NotificationSettings, SecretChanges, SmsSettings,
};
use app::settings::port::SettingsPort;
use serde_json::{Map, Value};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an instance reuses the settings rows it read.
pub mod rest;

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

fn secret_context(name: &str) -> String {
    format!("setting:{name}")
}

impl Core {
    async fn setting_rows(&self) -> Result<Rows, AppError> {
        if let Some(rows) = self.settings_cache.fresh() {
            return Ok(rows);
        }
        let rows: Rows = on_db!(&self.db, pool =>
            sqlx::query_as("SELECT name, value FROM settings").fetch_all(pool).await)
        .or_internal()?;
        self.settings_cache.keep(&rows);
        Ok(rows)
    }

    async fn load_settings<T: serde::de::DeserializeOwned + serde::Serialize + Default>(
        &self,
    ) -> Result<T, AppError> {
        let defaults = serde_json::to_value(T::default()).or_internal()?;
        let Value::Object(mut merged) = defaults else {
            return Err(crate::error::internal("settings are not an object"));
        };
        let names: Vec<String> = merged.keys().cloned().collect();
        let rows = self.setting_rows().await?;
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

    /// A group of settings as stored, over its defaults.
    pub async fn settings_group<T: SettingsGroup>(&self) -> Result<T, AppError> {
        self.load_settings().await
    }

    /// The value of a write-only setting; `None` when it is not set.
    pub async fn setting_secret(&self, name: &str) -> Result<Option<String>, AppError> {
        let rows = self.setting_rows().await?;
        let Some((_, json)) = rows.into_iter().find(|(n, _)| n == name) else { return Ok(None) };
        let sealed: String = serde_json::from_str(&json).or_internal()?;
        if sealed.is_empty() {
            return Ok(None);
        }
        let plain = self.sealer.open(&secret_context(name), &sealed).ok_or_else(|| {
            crate::error::internal("a stored setting does not open with the configured secret key")
        })?;
        String::from_utf8(plain).map(Some).or_internal()
    }

    /// Which of `names` have a value.
    pub async fn secrets_set(&self, names: &[&str]) -> Result<Vec<String>, AppError> {
        let mut set = Vec::new();
        for name in names {
            if self.setting_secret(name).await?.is_some() {
                set.push((*name).to_owned());
            }
        }
        Ok(set)
    }

    /// The value a write-only setting would have after `changes`.
    pub async fn secret_after(
        &self,
        name: &str,
        changes: &SecretChanges,
    ) -> Result<Option<String>, AppError> {
        match changes.get(name) {
            Some(v) if v.is_empty() => Ok(None),
            Some(v) => Ok(Some(v.clone())),
            None => self.setting_secret(name).await,
        }
    }

    /// Validates and stores a whole group and changes to its secrets.
    pub async fn save_settings_group<T: SettingsGroup>(
        &self,
        group: &T,
        secrets: &SecretChanges,
    ) -> Result<(), AppError> {
        let checked = group.validate();
        let secrets_checked = notify::validate_secrets(T::SECRETS, secrets);
        match (checked, secrets_checked) {
            (Ok(()), Ok(())) => {}
            (
                Err(AppError::Invalid { fields: mut a, .. }),
                Err(AppError::Invalid { fields: b, .. }),
            ) => {
                a.extend(b);
                return Err(AppError::invalid_fields(a));
            }
            (Err(e), _) | (_, Err(e)) => return Err(e),
        }
        let Value::Object(mut values) = serde_json::to_value(group).or_internal()? else {
            return Err(crate::error::internal("settings are not an object"));
        };
        for (name, value) in secrets {
            let sealed = if value.is_empty() {
                String::new()
            } else {
                self.sealer.seal(&secret_context(name), value.as_bytes())
            };
            values.insert(name.clone(), Value::String(sealed));
        }
        self.store_settings(values).await?;
        tracing::info!(category = T::CATEGORY, changed_secrets = secrets.len(), "settings changed");
        Ok(())
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

fn admin_only(admin: &SessionCtx) -> Result<(), AppError> {
    if admin.user.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn secret_names() -> Vec<&'static str> {
    [MailSettings::SECRETS, SmsSettings::SECRETS, ImSettings::SECRETS].concat()
}

impl Core {
    async fn notification_view(&self) -> Result<NotificationSettings, AppError> {
        Ok(NotificationSettings {
            mail: self.settings_group().await?,
            sms: self.settings_group().await?,
            secrets_set: self.secrets_set(&secret_names()).await?,
        })
    }

    /// Splits one set of secret changes into those of a group.
    fn secrets_of<T: SettingsGroup>(changes: &SecretChanges) -> SecretChanges {
        changes
            .iter()
            .filter(|(k, _)| T::SECRETS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
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

    async fn notification_settings(
        &self,
        admin: &SessionCtx,
    ) -> Result<NotificationSettings, AppError> {
        admin_only(admin)?;
        self.notification_view().await
    }

    async fn save_notification_settings(
        &self,
        admin: &SessionCtx,
        mail: MailSettings,
        sms: SmsSettings,
        secrets: SecretChanges,
    ) -> Result<NotificationSettings, AppError> {
        admin_only(admin)?;
        notify::validate_secrets(&secret_names(), &secrets)?;
        // Both groups are checked before either is stored: all or nothing.
        let mut errors = app::common::FieldErrors::new();
        for result in [SettingsGroup::validate(&mail), SettingsGroup::validate(&sms)] {
            if let Err(AppError::Invalid { fields, .. }) = result {
                errors.extend(fields);
            }
        }
        if !errors.is_empty() {
            return Err(AppError::invalid_fields(errors));
        }
        self.save_settings_group(&mail, &Self::secrets_of::<MailSettings>(&secrets)).await?;
        self.save_settings_group(&sms, &Self::secrets_of::<SmsSettings>(&secrets)).await?;
        self.save_settings_group(&ImSettings {}, &Self::secrets_of::<ImSettings>(&secrets)).await?;
        self.notification_view().await
    }

    async fn test_email(
        &self,
        admin: &SessionCtx,
        mail: MailSettings,
        secrets: SecretChanges,
        to: String,
    ) -> Result<String, AppError> {
        admin_only(admin)?;
        let to = app::common::validate::Email::parse(&to)
            .map_err(|e| AppError::invalid("test_to", e.0))?;
        if !mail.configured() {
            return Err(AppError::invalid(
                "EMAIL_HOST",
                "Enter the mail server and the sender first.",
            ));
        }
        let mut checked = mail.clone();
        // A test may be made before email MFA can be switched on.
        checked.mfa_by_email = false;
        SettingsGroup::validate(&checked)?;
        let password = self.secret_after(MailSettings::PASSWORD, &secrets).await?;
        // The administrator testing reads it: their language.
        let body = t("This is a test message from Bastion Profile. The mail settings work.\n");
        let mail_msg =
            crate::notify::send::Mail { to: to.as_str(), subject: t("Test message"), body };
        crate::notify::send::send_mail(&mail, password.as_deref(), &mail_msg)
            .await
            .map(|reply| {
                tf(
                    "Sent to {to}. The server answered: {reply}",
                    &[("to", to.as_str()), ("reply", reply.as_str())],
                )
            })
            .map_err(|e| AppError::Unavailable { message: e.0 })
    }

    async fn test_sms(
        &self,
        admin: &SessionCtx,
        sms: SmsSettings,
        secrets: SecretChanges,
        phone: String,
    ) -> Result<String, AppError> {
        admin_only(admin)?;
        let phone = app::common::validate::Phone::parse(&phone)
            .map_err(|e| AppError::invalid("test_phone", e.0))?;
        let mut checked = sms.clone();
        checked.enabled = false;
        SettingsGroup::validate(&checked)?;
        if !sms.provider_configured() {
            return Err(AppError::invalid("SMS_BACKEND", "Fill in the provider's settings first."));
        }
        let secrets = self.sms_secrets(&secrets).await?;
        let code = crate::mfa::codes::random_digits(usize::from(sms.code_length));
        let wire = crate::mfa::codes::wire_phone(phone.as_str());
        crate::notify::send::send_sms(&self.http, &sms, &secrets, &wire, &code, app::i18n::lang())
            .await
            .map(|reply| {
                tf(
                    "Sent a test code to {wire}. The provider answered: {reply}",
                    &[("wire", wire.as_str()), ("reply", reply.as_str())],
                )
            })
            .map_err(|e| AppError::Unavailable { message: e.0 })
    }
}
