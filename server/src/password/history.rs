//! Earlier password hashes, for the rule that the last N may not return.

use crate::db::Db;
use crate::error::OrInternal;
use crate::on_db;
use app::common::{AppError, Timestamp};
use uuid::Uuid;

/// The most a history keeps per user: the highest limit the setting allows.
pub const KEPT: i64 = 30;

/// The user's earlier hashes, newest first, at most `limit`.
pub async fn recent(db: &Db, user_id: Uuid, limit: u32) -> Result<Vec<String>, AppError> {
    let sql = "SELECT hash FROM password_history WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2";
    on_db!(db, pool => sqlx::query_scalar(sql).bind(user_id).bind(i64::from(limit)).fetch_all(pool).await)
        .or_internal()
}

/// Keeps `hash` (the password being replaced) and drops the oldest beyond [`KEPT`].
pub async fn push(db: &Db, user_id: Uuid, hash: &str, now: Timestamp) -> Result<(), AppError> {
    let insert =
        "INSERT INTO password_history (id, user_id, hash, created_at) VALUES ($1, $2, $3, $4)";
    let prune = "DELETE FROM password_history WHERE user_id = $1 AND id NOT IN \
                 (SELECT id FROM password_history WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2)";
    on_db!(db, pool => {
        sqlx::query(insert).bind(Uuid::new_v4()).bind(user_id).bind(hash).bind(now.millis())
            .execute(pool).await.or_internal()?;
        sqlx::query(prune).bind(user_id).bind(KEPT).execute(pool).await.or_internal()?;
        Ok(())
    })
}
