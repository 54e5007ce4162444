//! Counting failures and blocking. Password failures are counted per
//! username as typed (so unknown names are counted and blocked exactly like
//! real ones, and a block reveals nothing), MFA failures per account, and
//! both per client IP. Counters live in the database: they hold across
//! restarts and across instances.

use crate::db::Db;
use crate::error::OrInternal;
use crate::on_db;
use app::common::{AppError, Timestamp};

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub count: u32,
    pub block_secs: i64,
}

/// What a failure left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    TriesLeft(u32),
    BlockedUntil(Timestamp),
}

pub fn password_key(username: &str) -> String {
    format!("password:{}", username.trim().to_lowercase())
}

pub fn mfa_key(user_id: uuid::Uuid) -> String {
    format!("mfa:{user_id}")
}

pub fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

/// When the block on `key` ends, if it is blocked at `now`.
pub async fn blocked_until(
    db: &Db,
    key: &str,
    now: Timestamp,
) -> Result<Option<Timestamp>, AppError> {
    let sql = "SELECT blocked_until FROM auth_counters WHERE key = $1";
    let until: Option<i64> =
        on_db!(db, pool => sqlx::query_scalar(sql).bind(key).fetch_optional(pool).await)
            .or_internal()?;
    Ok(until.filter(|&t| t > now.millis()).map(Timestamp::from_millis))
}

/// Counts one failure. Failures older than the block time are forgotten;
/// reaching the limit blocks the key and starts the count again.
pub async fn record_failure(
    db: &Db,
    key: &str,
    limit: Limit,
    now: Timestamp,
) -> Result<AfterFailure, AppError> {
    let window_ms = limit.block_secs.saturating_mul(1000);
    let sql = "INSERT INTO auth_counters (key, failures, window_start, blocked_until) VALUES ($1, 1, $2, 0) \
               ON CONFLICT (key) DO UPDATE SET \
                 failures = CASE WHEN auth_counters.window_start + $3 <= $2 THEN 1 ELSE auth_counters.failures + 1 END, \
                 window_start = CASE WHEN auth_counters.window_start + $3 <= $2 THEN $2 ELSE auth_counters.window_start END \
               RETURNING failures";
    let failures: i64 = on_db!(db, pool => sqlx::query_scalar(sql)
        .bind(key)
        .bind(now.millis())
        .bind(window_ms)
        .fetch_one(pool)
        .await)
    .or_internal()?;
    let failures = u32::try_from(failures).unwrap_or(u32::MAX);
    if failures < limit.count {
        return Ok(AfterFailure::TriesLeft(limit.count - failures));
    }
    let until = now.plus_secs(limit.block_secs);
    let sql = "UPDATE auth_counters SET failures = 0, window_start = $2, blocked_until = $3 WHERE key = $1";
    on_db!(db, pool => sqlx::query(sql).bind(key).bind(now.millis()).bind(until.millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(AfterFailure::BlockedUntil(until))
}

/// Forgets failures and blocks (after a success, or an admin's unblock).
pub async fn clear(db: &Db, key: &str) -> Result<(), AppError> {
    on_db!(db, pool => sqlx::query("DELETE FROM auth_counters WHERE key = $1").bind(key).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}

pub fn blocked_message(until: Timestamp) -> String {
    format!("Too many failed attempts. Try again after {}.", until.display_short())
}

pub fn blocked(until: Timestamp) -> AppError {
    AppError::RateLimited { message: blocked_message(until) }
}
