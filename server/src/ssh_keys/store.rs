//! The ssh_keys table.

use crate::db::{is_unique_violation, Db};
use crate::error::OrInternal;
use crate::on_db;
use app::common::{AppError, Timestamp};
use app::ssh_keys::model::SshKeyRecord;
use uuid::Uuid;

const COLUMNS: &str =
    "id, user_id, name, comment, public_key, key_type, bits, fingerprint_sha256, \
    fingerprint_md5, is_active, date_created, date_last_used";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub comment: String,
    pub public_key: String,
    pub key_type: String,
    pub bits: i32,
    pub fingerprint_sha256: String,
    pub fingerprint_md5: String,
    pub is_active: bool,
    pub date_created: i64,
    pub date_last_used: Option<i64>,
}

impl KeyRow {
    pub fn record(&self) -> SshKeyRecord {
        SshKeyRecord {
            id: self.id,
            name: self.name.clone(),
            comment: self.comment.clone(),
            key_type: self.key_type.clone(),
            bits: u32::try_from(self.bits).unwrap_or(0),
            fingerprint: self.fingerprint_sha256.clone(),
            fingerprint_md5: self.fingerprint_md5.clone(),
            is_active: self.is_active,
            date_created: Timestamp::from_millis(self.date_created),
            date_last_used: self.date_last_used.map(Timestamp::from_millis),
        }
    }
}

pub async fn list(db: &Db, user_id: Uuid) -> Result<Vec<KeyRow>, AppError> {
    let sql =
        format!("SELECT {COLUMNS} FROM ssh_keys WHERE user_id = $1 ORDER BY date_created, id");
    on_db!(db, pool => sqlx::query_as(&sql).bind(user_id).fetch_all(pool).await).or_internal()
}

pub async fn find(db: &Db, user_id: Uuid, id: Uuid) -> Result<Option<KeyRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM ssh_keys WHERE user_id = $1 AND id = $2");
    on_db!(db, pool => sqlx::query_as(&sql).bind(user_id).bind(id).fetch_optional(pool).await)
        .or_internal()
}

pub async fn count(db: &Db, user_id: Uuid) -> Result<u32, AppError> {
    let sql = "SELECT COUNT(*) FROM ssh_keys WHERE user_id = $1";
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(sql).bind(user_id).fetch_one(pool).await)
        .or_internal()?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Stores a key; `Ok(false)` when the user has this key already.
pub async fn insert(db: &Db, row: &KeyRow) -> Result<bool, AppError> {
    let sql = format!(
        "INSERT INTO ssh_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    );
    let result = on_db!(db, pool => sqlx::query(&sql)
        .bind(row.id)
        .bind(row.user_id)
        .bind(&row.name)
        .bind(&row.comment)
        .bind(&row.public_key)
        .bind(&row.key_type)
        .bind(row.bits)
        .bind(&row.fingerprint_sha256)
        .bind(&row.fingerprint_md5)
        .bind(row.is_active)
        .bind(row.date_created)
        .bind(row.date_last_used)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()));
    match result {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(crate::error::internal(e)),
    }
}

pub async fn save(db: &Db, row: &KeyRow) -> Result<(), AppError> {
    let sql = "UPDATE ssh_keys SET name = $3, comment = $4, is_active = $5 WHERE user_id = $1 AND id = $2";
    on_db!(db, pool => sqlx::query(sql)
        .bind(row.user_id)
        .bind(row.id)
        .bind(&row.name)
        .bind(&row.comment)
        .bind(row.is_active)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(())
}

/// `true` when a key was deleted.
pub async fn delete(db: &Db, user_id: Uuid, id: Uuid) -> Result<bool, AppError> {
    let sql = "DELETE FROM ssh_keys WHERE user_id = $1 AND id = $2";
    let n = on_db!(db, pool => sqlx::query(sql).bind(user_id).bind(id).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(n > 0)
}

/// The active keys of a user, optionally only the one with `fingerprint`.
pub async fn active(
    db: &Db,
    user_id: Uuid,
    fingerprint: Option<&str>,
) -> Result<Vec<KeyRow>, AppError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM ssh_keys WHERE user_id = $1 AND is_active = TRUE \
         AND ($2 = '' OR fingerprint_sha256 = $2) ORDER BY date_created, id"
    );
    let fingerprint = fingerprint.unwrap_or("");
    on_db!(db, pool => sqlx::query_as(&sql).bind(user_id).bind(fingerprint).fetch_all(pool).await)
        .or_internal()
}

pub async fn touch(db: &Db, id: Uuid, now: Timestamp) -> Result<(), AppError> {
    let sql = "UPDATE ssh_keys SET date_last_used = $2 WHERE id = $1";
    on_db!(db, pool => sqlx::query(sql).bind(id).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}
