//! One-time links that create the first administrator. A token is printed in
//! the log at start-up while no administrator exists; only its hash is kept,
//! it lasts 24 hours, and using it (or any admin appearing) burns them all.

use crate::crypto::{new_token, token_hash};
use crate::db::Db;
use crate::error::OrInternal;
use crate::on_db;
use app::common::{AppError, Timestamp};

const LIFETIME_SECS: i64 = 24 * 60 * 60;

pub async fn issue(db: &Db, now: Timestamp) -> Result<String, AppError> {
    let token = new_token();
    let sql = "INSERT INTO setup_tokens (token_hash, expires_at) VALUES ($1, $2)";
    on_db!(db, pool => sqlx::query(sql)
        .bind(token_hash(&token))
        .bind(now.plus_secs(LIFETIME_SECS).millis())
        .execute(pool)
        .await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(token)
}

pub async fn is_valid(db: &Db, token: &str, now: Timestamp) -> Result<bool, AppError> {
    let sql = "SELECT COUNT(*) FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2";
    let count: i64 = on_db!(db, pool => sqlx::query_scalar(sql)
        .bind(token_hash(token))
        .bind(now.millis())
        .fetch_one(pool)
        .await)
    .or_internal()?;
    Ok(count > 0)
}

/// Deletes the token if it is live; `true` when this call burnt it, so two
/// requests racing with one token cannot both succeed.
pub async fn consume(db: &Db, token: &str, now: Timestamp) -> Result<bool, AppError> {
    let sql = "DELETE FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2";
    let burnt = on_db!(db, pool => sqlx::query(sql)
        .bind(token_hash(token))
        .bind(now.millis())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(burnt == 1)
}

pub async fn clear_all(db: &Db) -> Result<(), AppError> {
    on_db!(db, pool => sqlx::query("DELETE FROM setup_tokens").execute(pool).await.map(|r| r.rows_affected())).or_internal()?;
    Ok(())
}
