//! Preferences: stored per user, category and name over the defaults of
//! `app::preferences::model::DEFS`; the file encryption password sealed.

pub mod export;
pub mod rest;

use crate::core::Core;
use crate::error::OrInternal;
use crate::on_db;
use app::auth::model::SessionCtx;
use app::common::{AppError, FieldErrors};
use app::i18n::Lang;
use app::preferences::model::{self as prefs, Category, Changes, SECRET_KEY};
use app::preferences::port::PreferencesPort;
use serde_json::Value;
use uuid::Uuid;

fn secret_context(user_id: Uuid) -> String {
    format!("file-secret:{user_id}")
}

impl Core {
    async fn stored_preferences(
        &self,
        user_id: Uuid,
        category: Category,
    ) -> Result<Vec<(String, String)>, AppError> {
        let sql = "SELECT name, value FROM user_preferences WHERE user_id = $1 AND category = $2";
        on_db!(&self.db, pool => sqlx::query_as(sql).bind(user_id).bind(category.as_str()).fetch_all(pool).await)
            .or_internal()
    }

    /// The language the person chose (`lina.basic.lang`), if they ever did:
    /// pages and emails use it; without it, the browser's own choice applies.
    pub async fn chosen_language(&self, user_id: Uuid) -> Result<Option<Lang>, AppError> {
        let rows = self.stored_preferences(user_id, Category::Lina).await?;
        Ok(rows
            .iter()
            .find(|(name, _)| name == "lang")
            .and_then(|(_, v)| serde_json::from_str::<String>(v).ok())
            .and_then(|code| Lang::parse(&code)))
    }

    /// The language to write to a person in (emails, robot messages).
    pub async fn language_of(&self, user_id: Uuid) -> Lang {
        self.chosen_language(user_id).await.ok().flatten().unwrap_or_default()
    }

    /// A category in the grouped shape.
    pub async fn preferences_of(
        &self,
        user_id: Uuid,
        category: Category,
    ) -> Result<Value, AppError> {
        let rows = self.stored_preferences(user_id, category).await?;
        let has_secret = rows.iter().any(|(n, _)| n == SECRET_KEY);
        let values: Vec<(String, Value)> = rows
            .into_iter()
            .filter(|(n, _)| n != SECRET_KEY)
            .filter_map(|(n, v)| serde_json::from_str(&v).ok().map(|v| (n, v)))
            .collect();
        Ok(prefs::grouped(category, &values, has_secret))
    }

    /// One preference's value now (stored, else the default), for the
    /// features that follow it.
    pub async fn preference(
        &self,
        user_id: Uuid,
        category: Category,
        name: &str,
    ) -> Result<Value, AppError> {
        let def = prefs::find(category, name)
            .ok_or_else(|| crate::error::internal("unknown preference"))?;
        let grouped = self.preferences_of(user_id, category).await?;
        Ok(grouped[def.group][def.name].clone())
    }

    /// The file encryption password, if the user set one.
    pub async fn file_secret(&self, user_id: Uuid) -> Result<Option<String>, AppError> {
        let rows = self.stored_preferences(user_id, Category::Lina).await?;
        let Some((_, json)) = rows.into_iter().find(|(n, _)| n == SECRET_KEY) else {
            return Ok(None);
        };
        let sealed: String = serde_json::from_str(&json).or_internal()?;
        let plain = self.sealer.open(&secret_context(user_id), &sealed).ok_or_else(|| {
            crate::error::internal("a file password does not open with the configured secret key")
        })?;
        String::from_utf8(plain).map(Some).or_internal()
    }

    pub async fn save_preferences_of(
        &self,
        user_id: Uuid,
        category: Category,
        changes: Changes,
    ) -> Result<Value, AppError> {
        let sql = "INSERT INTO user_preferences (user_id, category, name, value) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (user_id, category, name) DO UPDATE SET value = excluded.value";
        let mut rows: Vec<(&str, String)> =
            changes.values.iter().map(|(n, v)| (*n, v.to_string())).collect();
        if let Some(key) = &changes.secret_key {
            let sealed = self.sealer.seal(&secret_context(user_id), key.as_bytes());
            rows.push((SECRET_KEY, Value::String(sealed).to_string()));
        }
        on_db!(&self.db, pool => {
            let mut tx = pool.begin().await.or_internal()?;
            for (name, value) in &rows {
                sqlx::query(sql).bind(user_id).bind(category.as_str()).bind(*name).bind(value)
                    .execute(&mut *tx).await.or_internal()?;
            }
            tx.commit().await.or_internal()
        })?;
        self.preferences_of(user_id, category).await
    }

    pub async fn reset_preferences_of(
        &self,
        user_id: Uuid,
        category: Category,
        names: &[String],
    ) -> Result<Value, AppError> {
        let mut errors = FieldErrors::new();
        for name in names {
            let known = prefs::find(category, name).is_some()
                || (category == Category::Lina && name == SECRET_KEY);
            if !known {
                let category = category.as_str();
                errors.insert(name.clone(), format!("Not a `{category}` preference."));
            }
        }
        if names.is_empty() {
            errors.insert("names".into(), "Name the settings to reset.".into());
        }
        if !errors.is_empty() {
            return Err(AppError::invalid_fields(errors));
        }
        let sql = "DELETE FROM user_preferences WHERE user_id = $1 AND category = $2 AND name = $3";
        for name in names {
            on_db!(&self.db, pool => sqlx::query(sql).bind(user_id).bind(category.as_str()).bind(name).execute(pool).await.map(|r| r.rows_affected()))
                .or_internal()?;
        }
        self.preferences_of(user_id, category).await
    }
}

#[async_trait::async_trait]
impl PreferencesPort for Core {
    async fn preferences(
        &self,
        session: &SessionCtx,
        category: Category,
    ) -> Result<Value, AppError> {
        self.preferences_of(session.user.id, category).await
    }

    async fn save_preferences(
        &self,
        session: &SessionCtx,
        category: Category,
        changes: Changes,
    ) -> Result<Value, AppError> {
        self.save_preferences_of(session.user.id, category, changes).await
    }

    async fn export_data(&self, session: &SessionCtx) -> Result<String, AppError> {
        use base64::Engine;
        let bytes = Core::export_data(self, session).await?;
        Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    async fn reset_preferences(
        &self,
        session: &SessionCtx,
        category: Category,
        names: Vec<String>,
    ) -> Result<Value, AppError> {
        self.reset_preferences_of(session.user.id, category, &names).await
    }
}
