//! The durable outbox: messages for email and IM robots wait in the
//! database until delivered. Every instance runs [`run`]; an instance claims
//! a row with a compare-and-set before sending it, so two instances never
//! send the same row at once, and a failed attempt is retried later with a
//! growing delay. A message is at least once delivered: an instance that
//! stops between sending and recording it leaves the claim to expire and the
//! row to be sent again (the only case of a repeat).

use super::send::{self, Mail, SendError};
use crate::core::Core;
use crate::db::Db;
use crate::error::OrInternal;
use crate::on_db;
use app::common::{AppError, Timestamp};
use app::notifications::model::Backend;
use app::settings::notify::MailSettings;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use uuid::Uuid;

/// How long a claim lasts: longer than any send may take.
const CLAIM_SECS: i64 = 120;
/// After this long undelivered, a message is given up (and logged).
const GIVE_UP_SECS: i64 = 3 * 24 * 3600;
/// Rows one pass looks at.
const BATCH: i64 = 20;
/// How often an idle instance looks for due rows (others may have added some).
pub const POLL: Duration = Duration::from_secs(2);

/// This instance's name in claims, and the bell that wakes its worker.
pub struct Outbox {
    instance: String,
    wake: Notify,
}

impl Default for Outbox {
    fn default() -> Self {
        Outbox { instance: Uuid::new_v4().to_string(), wake: Notify::new() }
    }
}

impl Outbox {
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

pub struct NewMessage<'a> {
    pub user_id: Option<Uuid>,
    pub backend: Backend,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub async fn enqueue(db: &Db, msg: &NewMessage<'_>, now: Timestamp) -> Result<Uuid, AppError> {
    let id = Uuid::new_v4();
    let sql = "INSERT INTO outbox (id, user_id, backend, recipient, subject, body, created_at, next_attempt_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";
    on_db!(db, pool => sqlx::query(sql)
        .bind(id).bind(msg.user_id).bind(msg.backend.as_str()).bind(msg.recipient)
        .bind(msg.subject).bind(msg.body).bind(now.millis())
        .execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct Due {
    id: Uuid,
    backend: String,
    recipient: String,
    subject: String,
    body: String,
    attempts: i32,
    created_at: i64,
}

/// The wait before attempt `n + 1`: 5 s, 10 s, 20 s, ... at most 30 min.
pub fn backoff_secs(attempts: i32) -> i64 {
    let exp = u32::try_from(attempts.clamp(0, 20)).unwrap_or(0);
    (5_i64 << exp).min(1800)
}

/// Delivered messages are kept this long (for support questions), then removed.
pub const KEEP_SENT_SECS: i64 = 7 * 24 * 3600;
/// Messages given up are kept this long (their `last_error` says why).
pub const KEEP_FAILED_SECS: i64 = 30 * 24 * 3600;

/// Removes old delivered and given-up messages; how many.
pub async fn purge(db: &Db, now: Timestamp) -> Result<u64, AppError> {
    let sql = "DELETE FROM outbox WHERE sent_at < $1 OR failed_at < $2";
    on_db!(db, pool => sqlx::query(sql)
        .bind(now.millis() - KEEP_SENT_SECS * 1000)
        .bind(now.millis() - KEEP_FAILED_SECS * 1000)
        .execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()
}

/// Delivers due messages until stopped, and tidies up about once an hour.
pub async fn run(core: Arc<Core>) {
    let mut last_purge: Option<std::time::Instant> = None;
    loop {
        if last_purge.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(3600)) {
            last_purge = Some(std::time::Instant::now());
            match purge(&core.db, core.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "old outbox messages removed"),
                Err(e) => tracing::warn!(error = %e, "outbox clean-up failed; retrying later"),
            }
        }
        match deliver_due(&core).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "outbox pass failed; retrying"),
        }
        let _ = tokio::time::timeout(POLL, core.outbox.wake.notified()).await;
    }
}

/// One pass: claims and sends what is due; how many it sent or tried.
pub async fn deliver_due(core: &Core) -> Result<usize, AppError> {
    let now = core.now().millis();
    let sql = "SELECT id, backend, recipient, subject, body, attempts, created_at FROM outbox \
               WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
               AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY next_attempt_at LIMIT $2";
    let due: Vec<Due> =
        on_db!(&core.db, pool => sqlx::query_as(sql).bind(now).bind(BATCH).fetch_all(pool).await)
            .or_internal()?;
    let mut handled = 0;
    for row in due {
        if !claim(&core.db, row.id, &core.outbox.instance, now).await? {
            continue;
        }
        handled += 1;
        let result = deliver(core, &row).await;
        let now = core.now().millis();
        match result {
            Ok(reply) => {
                let sql = "UPDATE outbox SET sent_at = $2, attempts = attempts + 1, claimed_until = NULL, last_error = NULL WHERE id = $1";
                on_db!(&core.db, pool => sqlx::query(sql).bind(row.id).bind(now).execute(pool).await.map(|r| r.rows_affected()))
                    .or_internal()?;
                tracing::info!(id = %row.id, backend = %row.backend, reply = %reply, "notification delivered");
            }
            Err(e) => {
                let give_up = now - row.created_at > GIVE_UP_SECS * 1000;
                let next = now + backoff_secs(row.attempts) * 1000;
                let sql = "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, claimed_until = NULL, \
                           last_error = $3, failed_at = $4 WHERE id = $1";
                on_db!(&core.db, pool => sqlx::query(sql).bind(row.id).bind(next).bind(&e.0)
                    .bind(give_up.then_some(now)).execute(pool).await.map(|r| r.rows_affected()))
                .or_internal()?;
                if give_up {
                    tracing::error!(id = %row.id, backend = %row.backend, error = %e, "notification given up after three days");
                } else {
                    tracing::warn!(id = %row.id, backend = %row.backend, attempt = row.attempts + 1, error = %e, "notification not delivered; will retry");
                }
            }
        }
    }
    Ok(handled)
}

/// Takes the row for this instance; `false` when another holds it or sent it.
async fn claim(db: &Db, id: Uuid, instance: &str, now: i64) -> Result<bool, AppError> {
    let sql =
        "UPDATE outbox SET claimed_by = $2, claimed_until = $3 WHERE id = $1 AND sent_at IS NULL \
               AND failed_at IS NULL AND (claimed_until IS NULL OR claimed_until < $4)";
    let n = on_db!(db, pool => sqlx::query(sql).bind(id).bind(instance).bind(now + CLAIM_SECS * 1000).bind(now)
        .execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(n == 1)
}

async fn deliver(core: &Core, row: &Due) -> Result<String, SendError> {
    let internal = |e: AppError| SendError(format!("settings could not be read: {e}"));
    let backend = Backend::parse(&row.backend)
        .ok_or_else(|| SendError(format!("unknown backend {}", row.backend)))?;
    match backend {
        Backend::Email => {
            let settings: MailSettings = core.settings_group().await.map_err(internal)?;
            let password = core.setting_secret(MailSettings::PASSWORD).await.map_err(internal)?;
            let mail = Mail { to: &row.recipient, subject: &row.subject, body: &row.body };
            send::send_mail(&settings, password.as_deref(), &mail).await
        }
        Backend::SiteMsg => Ok("stored in the inbox".into()),
        robot => {
            let name = robot.webhook_setting().unwrap_or_default();
            let url = core.setting_secret(name).await.map_err(internal)?.ok_or_else(|| {
                SendError(format!("The {} webhook is not configured.", robot.label()))
            })?;
            let text = format!("{}\n\n{}", row.subject, row.body);
            send::post_to_robot(&core.http, robot, &url, &text).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_then_stops_growing() {
        assert_eq!(backoff_secs(0), 5);
        assert_eq!(backoff_secs(1), 10);
        assert_eq!(backoff_secs(3), 40);
        assert_eq!(backoff_secs(10), 1800);
        assert_eq!(backoff_secs(1000), 1800);
    }
}
