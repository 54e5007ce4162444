//! Storage of bound authenticators, pending bindings and recovery codes.

use crate::db::Db;
use crate::error::OrInternal;
use crate::on_db;
use app::common::{AppError, Timestamp};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub struct BoundTotp {
    pub secret_enc: String,
    pub last_step: i64,
}

#[derive(sqlx::FromRow)]
pub struct PendingTotp {
    pub user_id: Uuid,
    pub secret_enc: String,
    pub expires_at: i64,
    pub verified_step: Option<i64>,
    pub recovery_json: Option<String>,
}

/// What second factors a user has, read in one statement for every method.
#[derive(Debug, Clone, Copy, Default)]
pub struct FactorState {
    pub otp_bound: bool,
    pub recovery_left: u32,
}

pub async fn factor_state(db: &Db, user_id: Uuid) -> Result<FactorState, AppError> {
    let sql = "SELECT EXISTS (SELECT 1 FROM totp_secrets WHERE user_id = $1), \
               (SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL)";
    let (otp_bound, left): (bool, i64) =
        on_db!(db, pool => sqlx::query_as(sql).bind(user_id).fetch_one(pool).await)
            .or_internal()?;
    Ok(FactorState { otp_bound, recovery_left: u32::try_from(left).unwrap_or(0) })
}

pub async fn bound_totp(db: &Db, user_id: Uuid) -> Result<Option<BoundTotp>, AppError> {
    let sql = "SELECT secret_enc, last_step FROM totp_secrets WHERE user_id = $1";
    on_db!(db, pool => sqlx::query_as::<_, BoundTotp>(sql).bind(user_id).fetch_optional(pool).await)
        .or_internal()
}

/// Moves the last accepted step forward, only if it is still behind `step`:
/// of two requests racing with one code, exactly one wins.
pub async fn advance_totp_step(db: &Db, user_id: Uuid, step: i64) -> Result<bool, AppError> {
    let sql = "UPDATE totp_secrets SET last_step = $2 WHERE user_id = $1 AND last_step < $2";
    let n = on_db!(db, pool => sqlx::query(sql).bind(user_id).bind(step).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(n == 1)
}

pub async fn bind_totp(
    db: &Db,
    user_id: Uuid,
    secret_enc: &str,
    last_step: i64,
    now: Timestamp,
) -> Result<(), AppError> {
    let sql = "INSERT INTO totp_secrets (user_id, secret_enc, last_step, created_at) VALUES ($1, $2, $3, $4) \
               ON CONFLICT (user_id) DO UPDATE SET secret_enc = excluded.secret_enc, \
               last_step = excluded.last_step, created_at = excluded.created_at";
    on_db!(db, pool => sqlx::query(sql).bind(user_id).bind(secret_enc).bind(last_step).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}

/// Removes the authenticator and the recovery codes that came with it.
pub async fn unbind_totp(db: &Db, user_id: Uuid) -> Result<(), AppError> {
    for sql in [
        "DELETE FROM totp_secrets WHERE user_id = $1",
        "DELETE FROM recovery_codes WHERE user_id = $1",
    ] {
        on_db!(db, pool => sqlx::query(sql).bind(user_id).execute(pool).await.map(|r| r.rows_affected()))
            .or_internal()?;
    }
    Ok(())
}

pub async fn put_pending(
    db: &Db,
    session_id: Uuid,
    user_id: Uuid,
    secret_enc: &str,
    expires_at: Timestamp,
) -> Result<(), AppError> {
    let sql = "INSERT INTO totp_pending (session_id, user_id, secret_enc, expires_at) VALUES ($1, $2, $3, $4) \
               ON CONFLICT (session_id) DO UPDATE SET user_id = excluded.user_id, secret_enc = excluded.secret_enc, \
               expires_at = excluded.expires_at, verified_step = NULL, recovery_json = NULL";
    on_db!(db, pool => sqlx::query(sql).bind(session_id).bind(user_id).bind(secret_enc).bind(expires_at.millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}

pub async fn pending(db: &Db, session_id: Uuid) -> Result<Option<PendingTotp>, AppError> {
    let sql = "SELECT user_id, secret_enc, expires_at, verified_step, recovery_json FROM totp_pending WHERE session_id = $1";
    on_db!(db, pool => sqlx::query_as::<_, PendingTotp>(sql).bind(session_id).fetch_optional(pool).await)
        .or_internal()
}

pub async fn mark_pending_verified(
    db: &Db,
    session_id: Uuid,
    step: i64,
    recovery_json: &str,
) -> Result<(), AppError> {
    let sql =
        "UPDATE totp_pending SET verified_step = $2, recovery_json = $3 WHERE session_id = $1";
    on_db!(db, pool => sqlx::query(sql).bind(session_id).bind(step).bind(recovery_json).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}

pub async fn drop_pending(db: &Db, session_id: Uuid) -> Result<(), AppError> {
    let sql = "DELETE FROM totp_pending WHERE session_id = $1";
    on_db!(db, pool => sqlx::query(sql).bind(session_id).execute(pool).await.map(|r| r.rows_affected())).or_internal()?;
    Ok(())
}

/// Replaces the whole set of recovery codes.
pub async fn replace_recovery_codes(
    db: &Db,
    user_id: Uuid,
    hashes: &[String],
    now: Timestamp,
) -> Result<(), AppError> {
    on_db!(db, pool => {
        let mut tx = pool.begin().await.or_internal()?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *tx).await.or_internal()?;
        for hash in hashes {
            sqlx::query("INSERT INTO recovery_codes (id, user_id, code_hash, created_at) VALUES ($1, $2, $3, $4)")
                .bind(Uuid::new_v4())
                .bind(user_id)
                .bind(hash)
                .bind(now.millis())
                .execute(&mut *tx)
                .await
                .or_internal()?;
        }
        tx.commit().await.or_internal()
    })
}

/// Uses up the code with this hash; `true` when it was unused until now.
pub async fn use_recovery_code(
    db: &Db,
    user_id: Uuid,
    hash: &str,
    now: Timestamp,
) -> Result<bool, AppError> {
    let sql = "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL";
    let n = on_db!(db, pool => sqlx::query(sql).bind(user_id).bind(hash).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(n == 1)
}

pub async fn recovery_codes_left(db: &Db, user_id: Uuid) -> Result<u32, AppError> {
    let sql = "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL";
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(sql).bind(user_id).fetch_one(pool).await)
        .or_internal()?;
    Ok(u32::try_from(n).unwrap_or(0))
}
