//! "Export my data": the profile, SSH public keys, access keys (never their
//! secrets), preferences and the user's own sign-in history, as CSV and
//! JSON in a ZIP archive encrypted with AES-256 (WinZip AE-2, which 7-Zip
//! and most archivers open) under the user's file encryption password.

use crate::core::Core;
use crate::error::OrInternal;
use crate::on_db;
use app::access_keys::port::AccessKeysPort;
use app::auth::model::SessionCtx;
use app::common::{AppError, Timestamp};
use app::preferences::model::Category;
use app::ssh_keys::port::SshKeysPort;
use serde_json::{json, Value};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{AesMode, CompressionMethod, ZipWriter};

/// Sign-in history rows an export holds (the newest).
const HISTORY_ROWS: i64 = 10_000;

#[derive(sqlx::FromRow)]
struct EventRow {
    at: i64,
    factor: String,
    channel: String,
    success: bool,
    reason: String,
    ip: Option<String>,
    user_agent: Option<String>,
}

fn csv_of(header: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header).or_internal()?;
    for row in rows {
        out.write_record(&row).or_internal()?;
    }
    out.into_inner().or_internal()
}

fn time_or_empty(t: Option<Timestamp>) -> String {
    t.map(Timestamp::to_rfc3339).unwrap_or_default()
}

impl Core {
    /// The archive's bytes; refused without a file encryption password.
    pub async fn export_data(&self, session: &SessionCtx) -> Result<Vec<u8>, AppError> {
        let user = self.session_user(session).await?;
        let Some(password) = self.file_secret(user.id).await? else {
            return Err(AppError::invalid(
                "secret_key",
                "Set a file encryption password first (Preferences, General): the archive is encrypted with it.",
            ));
        };
        self.require_confirmed(session, &user).await?;
        let profile = self.profile_of(&user).await?;
        let ssh_keys = self.list_ssh_keys(session).await?;
        let access_keys = self.list_access_keys(session).await?;
        let mut preferences = serde_json::Map::new();
        for category in Category::ALL {
            preferences
                .insert(category.as_str().into(), self.preferences_of(user.id, category).await?);
        }
        let sql = "SELECT at, factor, channel, success, reason, ip, user_agent FROM auth_events \
                   WHERE user_id = $1 ORDER BY at DESC LIMIT $2";
        let events: Vec<EventRow> = on_db!(&self.db, pool => sqlx::query_as(sql).bind(user.id).bind(HISTORY_ROWS).fetch_all(pool).await)
            .or_internal()?;
        let history: Vec<Value> = events
            .iter()
            .map(|e| json!({
                "datetime": Timestamp::from_millis(e.at).to_rfc3339(), "factor": e.factor, "channel": e.channel,
                "status": e.success, "reason": e.reason, "ip": e.ip, "user_agent": e.user_agent,
            }))
            .collect();

        let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
        let pretty = |v: &Value| serde_json::to_vec_pretty(v).or_internal();
        files.push(("profile.json", pretty(&serde_json::to_value(&profile).or_internal()?)?));
        files.push(("ssh_keys.json", pretty(&serde_json::to_value(&ssh_keys).or_internal()?)?));
        files.push((
            "ssh_keys.csv",
            csv_of(
                &[
                    "id",
                    "name",
                    "comment",
                    "key_type",
                    "bits",
                    "fingerprint",
                    "fingerprint_md5",
                    "is_active",
                    "date_created",
                    "date_last_used",
                ],
                ssh_keys
                    .iter()
                    .map(|k| {
                        vec![
                            k.id.to_string(),
                            k.name.clone(),
                            k.comment.clone(),
                            k.key_type.clone(),
                            k.bits.to_string(),
                            k.fingerprint.clone(),
                            k.fingerprint_md5.clone(),
                            k.is_active.to_string(),
                            k.date_created.to_rfc3339(),
                            time_or_empty(k.date_last_used),
                        ]
                    })
                    .collect(),
            )?,
        ));
        files.push((
            "access_keys.json",
            pretty(&serde_json::to_value(&access_keys).or_internal()?)?,
        ));
        files.push((
            "access_keys.csv",
            csv_of(
                &["id", "ip_group", "is_active", "date_created", "date_last_used"],
                access_keys
                    .iter()
                    .map(|k| {
                        vec![
                            k.id.to_string(),
                            k.ip_group.join(" "),
                            k.is_active.to_string(),
                            k.date_created.to_rfc3339(),
                            time_or_empty(k.date_last_used),
                        ]
                    })
                    .collect(),
            )?,
        ));
        files.push(("preferences.json", pretty(&Value::Object(preferences))?));
        files.push(("sign_in_history.json", pretty(&Value::Array(history))?));
        files.push((
            "sign_in_history.csv",
            csv_of(
                &["datetime", "factor", "channel", "status", "reason", "ip", "user_agent"],
                events
                    .iter()
                    .map(|e| {
                        vec![
                            Timestamp::from_millis(e.at).to_rfc3339(),
                            e.factor.clone(),
                            e.channel.clone(),
                            e.success.to_string(),
                            e.reason.clone(),
                            e.ip.clone().unwrap_or_default(),
                            e.user_agent.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            )?,
        ));

        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .with_aes_encryption(AesMode::Aes256, &password);
        for (name, bytes) in files {
            zip.start_file(name, options).or_internal()?;
            zip.write_all(&bytes).or_internal()?;
        }
        let bytes = zip.finish().or_internal()?.into_inner();
        tracing::info!(user = %user.username, bytes = bytes.len(), "data exported");
        Ok(bytes)
    }
}
