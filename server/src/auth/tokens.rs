//! Bearer tokens from the API sign-in (`POST /api/v1/authentication/auth/`).
//! 256 bits of randomness; only the SHA-256 is stored.

use crate::crypto::{new_token, token_hash};
use crate::db::Db;
use crate::error::OrInternal;
use crate::on_db;
use app::common::{AppError, Timestamp};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub struct TokenRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub expires_at: i64,
    pub confirmed_until: i64,
    pub confirmed_with: String,
}

pub async fn issue(
    db: &Db,
    user_id: Uuid,
    lifetime_secs: i64,
    now: Timestamp,
) -> Result<(String, Timestamp), AppError> {
    let token = new_token();
    let expires = now.plus_secs(lifetime_secs);
    let sql = "INSERT INTO api_tokens (id, token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
    on_db!(db, pool => sqlx::query(sql)
        .bind(Uuid::new_v4())
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(now.millis())
        .bind(expires.millis())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .or_internal()?;
    Ok((token, expires))
}

/// The live token row for `token`, or `None`.
pub async fn resolve(db: &Db, token: &str, now: Timestamp) -> Result<Option<TokenRow>, AppError> {
    let sql = "SELECT id, user_id, expires_at, confirmed_until, confirmed_with FROM api_tokens WHERE token_hash = $1";
    let row = on_db!(db, pool => sqlx::query_as::<_, TokenRow>(sql).bind(token_hash(token)).fetch_optional(pool).await)
        .or_internal()?;
    Ok(row.filter(|r| r.expires_at > now.millis()))
}

pub async fn set_confirmed(
    db: &Db,
    id: Uuid,
    until: Timestamp,
    with: &str,
) -> Result<(), AppError> {
    let sql = "UPDATE api_tokens SET confirmed_until = $2, confirmed_with = $3 WHERE id = $1";
    on_db!(db, pool => sqlx::query(sql).bind(id).bind(until.millis()).bind(with).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}

/// Revokes every API token of a user, except `keep` when given; how many.
pub async fn revoke_for_user(db: &Db, user_id: Uuid, keep: Option<Uuid>) -> Result<u64, AppError> {
    let sql = "DELETE FROM api_tokens WHERE user_id = $1 AND id <> $2";
    // The nil id matches no token: with no `keep`, every token goes.
    let keep = keep.unwrap_or(Uuid::nil());
    on_db!(db, pool => sqlx::query(sql).bind(user_id).bind(keep).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()
}
