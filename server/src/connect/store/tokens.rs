//! The connection tokens table. A one-time token is redeemed by a
//! compare-and-set update, so concurrent redemptions cannot both succeed.

use crate::db::Db;
use crate::error::OrInternal;
use crate::on_db;
use app::common::{AppError, Timestamp};
use uuid::Uuid;

const TOKEN_COLUMNS: &str = "id, user_id, asset_id, account, input_username, input_secret_enc, \
    protocol, connect_method, connect_options, is_reusable, is_active, date_expired, date_created, \
    remote_addr, value_enc, redeemed_at";

#[derive(Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub asset_id: Uuid,
    /// An account name or an alias.
    pub account: String,
    pub input_username: String,
    /// The secret typed for `@INPUT`, sealed with [`input_seal_context`].
    pub input_secret_enc: Option<String>,
    pub protocol: String,
    pub connect_method: String,
    /// A JSON object.
    pub connect_options: String,
    pub is_reusable: bool,
    pub is_active: bool,
    pub date_expired: i64,
    pub date_created: i64,
    pub remote_addr: String,
    /// Sealed with [`value_seal_context`].
    pub value_enc: String,
    pub redeemed_at: Option<i64>,
}

impl std::fmt::Debug for TokenRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenRow")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("asset_id", &self.asset_id)
            .field("account", &self.account)
            .field("protocol", &self.protocol)
            .finish_non_exhaustive()
    }
}

impl TokenRow {
    pub fn expired_at(&self, now: Timestamp) -> bool {
        now.millis() >= self.date_expired
    }

    /// A one-time token that was redeemed already.
    pub fn used(&self) -> bool {
        !self.is_reusable && self.redeemed_at.is_some()
    }

    pub fn options(&self) -> serde_json::Value {
        serde_json::from_str(&self.connect_options)
            .unwrap_or_else(|_| serde_json::Value::Object(Default::default()))
    }
}

pub fn value_seal_context(id: Uuid) -> String {
    format!("connection_token:{id}")
}

pub fn input_seal_context(id: Uuid) -> String {
    format!("connection_token_input:{id}")
}

pub async fn insert_token(db: &Db, row: &TokenRow) -> Result<(), AppError> {
    let sql = format!(
        "INSERT INTO connection_tokens ({TOKEN_COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
    );
    on_db!(db, pool => sqlx::query(&sql)
        .bind(row.id).bind(row.user_id).bind(row.asset_id).bind(&row.account)
        .bind(&row.input_username).bind(&row.input_secret_enc).bind(&row.protocol)
        .bind(&row.connect_method).bind(&row.connect_options).bind(row.is_reusable)
        .bind(row.is_active).bind(row.date_expired).bind(row.date_created).bind(&row.remote_addr)
        .bind(&row.value_enc).bind(row.redeemed_at)
        .execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(())
}

pub async fn find_token(db: &Db, id: Uuid) -> Result<Option<TokenRow>, AppError> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM connection_tokens WHERE id = $1");
    on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await).or_internal()
}

/// The tokens of `user` that can still be used at `now`, newest first.
pub async fn live_tokens_of(
    db: &Db,
    user: Uuid,
    now: Timestamp,
) -> Result<Vec<TokenRow>, AppError> {
    let sql = format!(
        "SELECT {TOKEN_COLUMNS} FROM connection_tokens WHERE user_id = $1 AND is_active \
         AND date_expired > $2 AND (is_reusable OR redeemed_at IS NULL) \
         ORDER BY date_created DESC, id"
    );
    on_db!(db, pool => sqlx::query_as(&sql).bind(user).bind(now.millis()).fetch_all(pool).await)
        .or_internal()
}

/// Switches a token off at `now` (its owner expired it).
pub async fn expire_token(db: &Db, id: Uuid, now: Timestamp) -> Result<(), AppError> {
    let sql = "UPDATE connection_tokens SET is_active = FALSE, \
               date_expired = CASE WHEN date_expired > $2 THEN $2 ELSE date_expired END WHERE id = $1";
    on_db!(db, pool => sqlx::query(sql).bind(id).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}

pub async fn set_token_reusable(
    db: &Db,
    id: Uuid,
    reusable: bool,
    date_expired: Timestamp,
) -> Result<(), AppError> {
    let sql = "UPDATE connection_tokens SET is_reusable = $2, date_expired = $3 WHERE id = $1";
    on_db!(db, pool => sqlx::query(sql).bind(id).bind(reusable).bind(date_expired.millis())
        .execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(())
}

pub async fn renew_token(db: &Db, id: Uuid, date_expired: Timestamp) -> Result<(), AppError> {
    let sql = "UPDATE connection_tokens SET date_expired = $2 WHERE id = $1 AND is_active";
    on_db!(db, pool => sqlx::query(sql).bind(id).bind(date_expired.millis())
        .execute(pool).await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(())
}

/// Marks a one-time token redeemed. Compare-and-set: of any number of
/// concurrent calls (on any instance), exactly one gets `true`.
pub async fn redeem_once(db: &Db, id: Uuid, now: Timestamp) -> Result<bool, AppError> {
    let sql = "UPDATE connection_tokens SET redeemed_at = $2 \
               WHERE id = $1 AND redeemed_at IS NULL AND is_active AND NOT is_reusable";
    let n = on_db!(db, pool => sqlx::query(sql).bind(id).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(n == 1)
}

/// Records the first redemption of a reusable token (it stays usable).
pub async fn note_redeemed(db: &Db, id: Uuid, now: Timestamp) -> Result<(), AppError> {
    let sql = "UPDATE connection_tokens SET redeemed_at = $2 WHERE id = $1 AND redeemed_at IS NULL";
    on_db!(db, pool => sqlx::query(sql).bind(id).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}
