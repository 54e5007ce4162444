//! Storage of face templates and face attempts.

use crate::db::Db;
use crate::error::OrInternal;
use crate::on_db;
use app::common::{AppError, Timestamp};
use uuid::Uuid;

#[derive(sqlx::FromRow)]
pub struct TemplateRow {
    pub template_enc: String,
    pub frames: i32,
    pub created_at: i64,
}

pub async fn template(db: &Db, user_id: Uuid) -> Result<Option<TemplateRow>, AppError> {
    let sql = "SELECT template_enc, frames, created_at FROM face_templates WHERE user_id = $1";
    on_db!(db, pool => sqlx::query_as::<_, TemplateRow>(sql).bind(user_id).fetch_optional(pool).await)
        .or_internal()
}

pub async fn put_template(
    db: &Db,
    user_id: Uuid,
    template_enc: &str,
    frames: i32,
    now: Timestamp,
) -> Result<(), AppError> {
    let sql = "INSERT INTO face_templates (user_id, template_enc, frames, created_at) VALUES ($1, $2, $3, $4) \
               ON CONFLICT (user_id) DO UPDATE SET template_enc = excluded.template_enc, \
               frames = excluded.frames, created_at = excluded.created_at";
    on_db!(db, pool => sqlx::query(sql).bind(user_id).bind(template_enc).bind(frames).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}

/// Whether there was a template to delete.
pub async fn delete_template(db: &Db, user_id: Uuid) -> Result<bool, AppError> {
    let sql = "DELETE FROM face_templates WHERE user_id = $1";
    let n = on_db!(db, pool => sqlx::query(sql).bind(user_id).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(n > 0)
}

pub async fn count_templates(db: &Db) -> Result<u64, AppError> {
    let (n,): (i64,) = on_db!(db, pool => sqlx::query_as("SELECT COUNT(*) FROM face_templates").fetch_one(pool).await)
        .or_internal()?;
    Ok(u64::try_from(n).unwrap_or(0))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub id_hash: String,
    pub user_id: Uuid,
    pub owner_id: Uuid,
    pub purpose: String,
    pub state: String,
    pub expires_at: i64,
    pub frames: i32,
    pub good_frames: i32,
    pub mismatches: i32,
    pub first_good_at: Option<i64>,
    pub memory_enc: Option<String>,
    pub version: i32,
}

const ATTEMPT_COLUMNS: &str = "id_hash, user_id, owner_id, purpose, state, expires_at, frames, \
     good_frames, mismatches, first_good_at, memory_enc, version";

pub struct NewAttempt<'a> {
    pub id_hash: &'a str,
    pub user_id: Uuid,
    pub owner_id: Uuid,
    pub purpose: &'a str,
    pub expires_at: Timestamp,
}

pub async fn insert_attempt(db: &Db, new: &NewAttempt<'_>, now: Timestamp) -> Result<(), AppError> {
    let sql = "INSERT INTO face_attempts (id_hash, user_id, owner_id, purpose, state, created_at, expires_at) \
               VALUES ($1, $2, $3, $4, 'open', $5, $6)";
    on_db!(db, pool => sqlx::query(sql).bind(new.id_hash).bind(new.user_id).bind(new.owner_id).bind(new.purpose)
        .bind(now.millis()).bind(new.expires_at.millis()).execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(())
}

pub async fn attempt(db: &Db, id_hash: &str) -> Result<Option<AttemptRow>, AppError> {
    let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM face_attempts WHERE id_hash = $1");
    on_db!(db, pool => sqlx::query_as::<_, AttemptRow>(&sql).bind(id_hash).fetch_optional(pool).await)
        .or_internal()
}

/// A user's attempts still open, oldest first.
pub async fn open_attempts(db: &Db, user_id: Uuid) -> Result<Vec<AttemptRow>, AppError> {
    let sql = format!(
        "SELECT {ATTEMPT_COLUMNS} FROM face_attempts WHERE user_id = $1 AND state = 'open' ORDER BY created_at"
    );
    on_db!(db, pool => sqlx::query_as::<_, AttemptRow>(&sql).bind(user_id).fetch_all(pool).await)
        .or_internal()
}

/// What one frame changed. Written only if nobody else wrote the attempt
/// since it was read (`version`), so two frames racing cannot both count.
pub struct AttemptUpdate<'a> {
    pub state: &'a str,
    pub frames: i32,
    pub good_frames: i32,
    pub mismatches: i32,
    pub first_good_at: Option<i64>,
    pub memory_enc: Option<&'a str>,
}

pub async fn update_attempt(
    db: &Db,
    row: &AttemptRow,
    update: &AttemptUpdate<'_>,
) -> Result<bool, AppError> {
    let sql =
        "UPDATE face_attempts SET state = $3, frames = $4, good_frames = $5, mismatches = $6, \
               first_good_at = $7, memory_enc = $8, version = version + 1 \
               WHERE id_hash = $1 AND version = $2";
    let n = on_db!(db, pool => sqlx::query(sql).bind(&row.id_hash).bind(row.version).bind(update.state)
        .bind(update.frames).bind(update.good_frames).bind(update.mismatches).bind(update.first_good_at)
        .bind(update.memory_enc).execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(n == 1)
}

/// Moves an attempt from `from` to `to`; of two racing callers one wins.
pub async fn move_attempt(db: &Db, id_hash: &str, from: &str, to: &str) -> Result<bool, AppError> {
    let sql = "UPDATE face_attempts SET state = $3, version = version + 1 WHERE id_hash = $1 AND state = $2";
    let n = on_db!(db, pool => sqlx::query(sql).bind(id_hash).bind(from).bind(to).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(n == 1)
}

/// Uses up a passed attempt of `user_id` that has not expired.
pub async fn use_passed_attempt(
    db: &Db,
    id_hash: &str,
    user_id: Uuid,
    now: Timestamp,
) -> Result<bool, AppError> {
    let sql = "UPDATE face_attempts SET state = 'used', version = version + 1 \
               WHERE id_hash = $1 AND user_id = $2 AND state = 'passed' AND expires_at > $3 \
               AND purpose IN ('login', 'confirm')";
    let n = on_db!(db, pool => sqlx::query(sql).bind(id_hash).bind(user_id).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(n == 1)
}

/// Forgets attempts older than a day (they only matter for 30 seconds).
pub async fn prune_attempts(db: &Db, now: Timestamp) -> Result<(), AppError> {
    let sql = "DELETE FROM face_attempts WHERE created_at < $1";
    on_db!(db, pool => sqlx::query(sql).bind(now.plus_secs(-86_400).millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}
