//! The tables of assets, their accounts, asset permissions (with their users
//! and assets) and connection tokens ([`tokens`]). The same SQL runs on both
//! backends.

mod tokens;
pub use tokens::*;

use crate::db::{is_unique_violation, Db};
use crate::error::OrInternal;
use crate::on_db;
use crate::users::store::like_pattern;
use app::common::{AppError, Timestamp};
use app::connect::model::{
    AccountRecord, AssetRecord, PermedAsset, PermissionRecord, PermissionValues, Protocol,
};
use uuid::Uuid;

fn limit_offset(limit: u64, offset: u64) -> (i64, i64) {
    (i64::try_from(limit).unwrap_or(i64::MAX), i64::try_from(offset).unwrap_or(i64::MAX))
}

fn json_list<T: serde::de::DeserializeOwned>(text: &str) -> Vec<T> {
    serde_json::from_str(text).unwrap_or_default()
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).or_internal()
}

// Assets.

const ASSET_COLUMNS: &str =
    "id, name, address, platform, protocols, is_active, comment, db_name, date_created";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssetRow {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub platform: String,
    /// JSON `[{"name": "ssh", "port": 22}]`.
    pub protocols: String,
    pub is_active: bool,
    pub comment: String,
    pub db_name: String,
    pub date_created: i64,
}

impl AssetRow {
    pub fn protocols(&self) -> Vec<Protocol> {
        json_list(&self.protocols)
    }

    pub fn speaks(&self, protocol: &str) -> bool {
        self.protocols().iter().any(|p| p.name == protocol)
    }

    pub fn record(&self) -> AssetRecord {
        AssetRecord {
            id: self.id,
            name: self.name.clone(),
            address: self.address.clone(),
            platform: self.platform.clone(),
            protocols: self.protocols(),
            is_active: self.is_active,
            comment: self.comment.clone(),
            db_name: self.db_name.clone(),
            date_created: Timestamp::from_millis(self.date_created),
        }
    }

    pub fn permed(&self) -> PermedAsset {
        PermedAsset {
            id: self.id,
            name: self.name.clone(),
            address: self.address.clone(),
            platform: self.platform.clone(),
            protocols: self.protocols(),
            is_active: self.is_active,
            comment: self.comment.clone(),
        }
    }
}

fn asset_name_taken() -> AppError {
    AppError::conflict("name", "An asset with this name exists already.")
}

pub async fn insert_asset(db: &Db, row: &AssetRow) -> Result<(), AppError> {
    let sql = format!(
        "INSERT INTO assets ({ASSET_COLUMNS}, name_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    );
    let done = on_db!(db, pool => sqlx::query(&sql)
        .bind(row.id).bind(&row.name).bind(&row.address).bind(&row.platform).bind(&row.protocols)
        .bind(row.is_active).bind(&row.comment).bind(&row.db_name).bind(row.date_created)
        .bind(row.name.to_lowercase())
        .execute(pool).await.map(|r| r.rows_affected()));
    match done {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(asset_name_taken()),
        Err(e) => Err(crate::error::internal(e)),
    }
}

pub async fn update_asset(db: &Db, row: &AssetRow) -> Result<(), AppError> {
    let sql = "UPDATE assets SET name = $2, name_key = $3, address = $4, platform = $5, \
               protocols = $6, is_active = $7, comment = $8, db_name = $9 WHERE id = $1";
    let done = on_db!(db, pool => sqlx::query(sql)
        .bind(row.id).bind(&row.name).bind(row.name.to_lowercase()).bind(&row.address)
        .bind(&row.platform).bind(&row.protocols).bind(row.is_active).bind(&row.comment)
        .bind(&row.db_name)
        .execute(pool).await.map(|r| r.rows_affected()));
    match done {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(asset_name_taken()),
        Err(e) => Err(crate::error::internal(e)),
    }
}

pub async fn find_asset(db: &Db, id: Uuid) -> Result<Option<AssetRow>, AppError> {
    let sql = format!("SELECT {ASSET_COLUMNS} FROM assets WHERE id = $1");
    on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await).or_internal()
}

/// Deletes the asset; its accounts, its place in permissions and its
/// connection tokens go with it.
pub async fn delete_asset(db: &Db, id: Uuid) -> Result<bool, AppError> {
    let sql = "DELETE FROM assets WHERE id = $1";
    let n = on_db!(db, pool => sqlx::query(sql).bind(id).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(n > 0)
}

/// One page of assets whose name or address matches `search`, by name.
pub async fn assets_page(
    db: &Db,
    search: &str,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<AssetRow>), AppError> {
    let pattern = like_pattern(search);
    let filter = "name_key LIKE $1 ESCAPE '\\' OR lower(address) LIKE $1 ESCAPE '\\'";
    let count_sql = format!("SELECT COUNT(*) FROM assets WHERE {filter}");
    let page_sql = format!(
        "SELECT {ASSET_COLUMNS} FROM assets WHERE {filter} ORDER BY name_key LIMIT $2 OFFSET $3"
    );
    let (limit, offset) = limit_offset(limit, offset);
    on_db!(db, pool => {
        let count: i64 = sqlx::query_scalar(&count_sql).bind(&pattern).fetch_one(pool).await.or_internal()?;
        let rows = sqlx::query_as(&page_sql).bind(&pattern).bind(limit).bind(offset)
            .fetch_all(pool).await.or_internal()?;
        Ok((u64::try_from(count).unwrap_or(0), rows))
    })
}

/// The permissions in force for `user` at `now` that name an asset.
const PERMITTED_ASSET_IDS: &str = "SELECT pa.asset_id FROM asset_permission_assets pa \
    JOIN asset_permissions p ON p.id = pa.permission_id \
    JOIN asset_permission_users pu ON pu.permission_id = p.id \
    WHERE pu.user_id = $1 AND p.is_active AND p.date_start <= $2 AND p.date_expired > $2";

/// One page of the active assets `user` holds a permission in force for.
pub async fn permitted_assets_page(
    db: &Db,
    user: Uuid,
    now: Timestamp,
    search: &str,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<AssetRow>), AppError> {
    let pattern = like_pattern(search);
    let filter = format!(
        "is_active AND id IN ({PERMITTED_ASSET_IDS}) \
         AND (name_key LIKE $3 ESCAPE '\\' OR lower(address) LIKE $3 ESCAPE '\\')"
    );
    let count_sql = format!("SELECT COUNT(*) FROM assets WHERE {filter}");
    let page_sql = format!(
        "SELECT {ASSET_COLUMNS} FROM assets WHERE {filter} ORDER BY name_key LIMIT $4 OFFSET $5"
    );
    let (limit, offset) = limit_offset(limit, offset);
    on_db!(db, pool => {
        let count: i64 = sqlx::query_scalar(&count_sql).bind(user).bind(now.millis()).bind(&pattern)
            .fetch_one(pool).await.or_internal()?;
        let rows = sqlx::query_as(&page_sql).bind(user).bind(now.millis()).bind(&pattern)
            .bind(limit).bind(offset).fetch_all(pool).await.or_internal()?;
        Ok((u64::try_from(count).unwrap_or(0), rows))
    })
}

// Accounts.

const ACCOUNT_COLUMNS: &str =
    "id, asset_id, name, username, secret_type, secret_enc, privileged, is_active, date_created";

#[derive(Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: Uuid,
    pub asset_id: Uuid,
    pub name: String,
    pub username: String,
    pub secret_type: String,
    /// Sealed with [`account_seal_context`]; `None` when no secret is stored.
    pub secret_enc: Option<String>,
    pub privileged: bool,
    pub is_active: bool,
    pub date_created: i64,
}

impl std::fmt::Debug for AccountRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountRow")
            .field("id", &self.id)
            .field("asset_id", &self.asset_id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl AccountRow {
    pub fn record(&self) -> AccountRecord {
        AccountRecord {
            id: self.id,
            asset: self.asset_id,
            name: self.name.clone(),
            username: self.username.clone(),
            secret_type: self.secret_type.clone(),
            has_secret: self.secret_enc.is_some(),
            privileged: self.privileged,
            is_active: self.is_active,
            date_created: Timestamp::from_millis(self.date_created),
        }
    }
}

pub fn account_seal_context(id: Uuid) -> String {
    format!("asset_account:{id}")
}

fn account_name_taken() -> AppError {
    AppError::conflict("name", "This asset has an account with this name already.")
}

pub async fn insert_account(db: &Db, row: &AccountRow) -> Result<(), AppError> {
    let sql = format!(
        "INSERT INTO asset_accounts ({ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    );
    let done = on_db!(db, pool => sqlx::query(&sql)
        .bind(row.id).bind(row.asset_id).bind(&row.name).bind(&row.username).bind(&row.secret_type)
        .bind(&row.secret_enc).bind(row.privileged).bind(row.is_active).bind(row.date_created)
        .execute(pool).await.map(|r| r.rows_affected()));
    match done {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(account_name_taken()),
        Err(e) => Err(crate::error::internal(e)),
    }
}

pub async fn update_account(db: &Db, row: &AccountRow) -> Result<(), AppError> {
    let sql = "UPDATE asset_accounts SET name = $2, username = $3, secret_enc = $4, \
               privileged = $5, is_active = $6 WHERE id = $1";
    let done = on_db!(db, pool => sqlx::query(sql)
        .bind(row.id).bind(&row.name).bind(&row.username).bind(&row.secret_enc)
        .bind(row.privileged).bind(row.is_active)
        .execute(pool).await.map(|r| r.rows_affected()));
    match done {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(account_name_taken()),
        Err(e) => Err(crate::error::internal(e)),
    }
}

pub async fn find_account(db: &Db, id: Uuid) -> Result<Option<AccountRow>, AppError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM asset_accounts WHERE id = $1");
    on_db!(db, pool => sqlx::query_as(&sql).bind(id).fetch_optional(pool).await).or_internal()
}

pub async fn find_account_named(
    db: &Db,
    asset: Uuid,
    name: &str,
) -> Result<Option<AccountRow>, AppError> {
    let sql =
        format!("SELECT {ACCOUNT_COLUMNS} FROM asset_accounts WHERE asset_id = $1 AND name = $2");
    on_db!(db, pool => sqlx::query_as(&sql).bind(asset).bind(name).fetch_optional(pool).await)
        .or_internal()
}

pub async fn accounts_of(db: &Db, asset: Uuid) -> Result<Vec<AccountRow>, AppError> {
    let sql =
        format!("SELECT {ACCOUNT_COLUMNS} FROM asset_accounts WHERE asset_id = $1 ORDER BY name");
    on_db!(db, pool => sqlx::query_as(&sql).bind(asset).fetch_all(pool).await).or_internal()
}

pub async fn delete_account(db: &Db, id: Uuid) -> Result<bool, AppError> {
    let sql = "DELETE FROM asset_accounts WHERE id = $1";
    let n = on_db!(db, pool => sqlx::query(sql).bind(id).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(n > 0)
}

/// One page of accounts (of one asset, or all), matching name or username.
pub async fn accounts_page(
    db: &Db,
    asset: Option<Uuid>,
    search: &str,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<AccountRow>), AppError> {
    let pattern = like_pattern(search);
    let filter = "($2 IS NULL OR asset_id = $2) \
                  AND (lower(name) LIKE $1 ESCAPE '\\' OR lower(username) LIKE $1 ESCAPE '\\')";
    let count_sql = format!("SELECT COUNT(*) FROM asset_accounts WHERE {filter}");
    let page_sql = format!(
        "SELECT {ACCOUNT_COLUMNS} FROM asset_accounts WHERE {filter} \
         ORDER BY asset_id, name LIMIT $3 OFFSET $4"
    );
    let (limit, offset) = limit_offset(limit, offset);
    on_db!(db, pool => {
        let count: i64 = sqlx::query_scalar(&count_sql).bind(&pattern).bind(asset)
            .fetch_one(pool).await.or_internal()?;
        let rows = sqlx::query_as(&page_sql).bind(&pattern).bind(asset).bind(limit).bind(offset)
            .fetch_all(pool).await.or_internal()?;
        Ok((u64::try_from(count).unwrap_or(0), rows))
    })
}

// Permissions.

const PERMISSION_COLUMNS: &str = "id, name, accounts, protocols, actions, is_active, \
    date_start, date_expired, comment, date_created";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PermissionRow {
    pub id: Uuid,
    pub name: String,
    /// JSON arrays of names.
    pub accounts: String,
    pub protocols: String,
    pub actions: String,
    pub is_active: bool,
    pub date_start: i64,
    pub date_expired: i64,
    pub comment: String,
    pub date_created: i64,
}

/// A permission with whom and what it names.
#[derive(Debug, Clone)]
pub struct Permission {
    pub row: PermissionRow,
    pub users: Vec<Uuid>,
    pub assets: Vec<Uuid>,
}

impl Permission {
    pub fn record(&self) -> PermissionRecord {
        let row = &self.row;
        PermissionRecord {
            id: row.id,
            name: row.name.clone(),
            users: self.users.clone(),
            assets: self.assets.clone(),
            accounts: json_list(&row.accounts),
            protocols: json_list(&row.protocols),
            actions: json_list(&row.actions),
            is_active: row.is_active,
            date_start: Timestamp::from_millis(row.date_start),
            date_expired: Timestamp::from_millis(row.date_expired),
            comment: row.comment.clone(),
            date_created: Timestamp::from_millis(row.date_created),
        }
    }
}

fn permission_name_taken() -> AppError {
    AppError::conflict("name", "A permission with this name exists already.")
}

/// Inserts (`created` given) or replaces a permission and its members, in
/// one transaction.
pub async fn save_permission(
    db: &Db,
    id: Uuid,
    values: &PermissionValues,
    created: Option<Timestamp>,
) -> Result<(), AppError> {
    let accounts = to_json(&values.accounts)?;
    let protocols = to_json(&values.protocols)?;
    let actions = to_json(&values.actions)?;
    let insert =
        "INSERT INTO asset_permissions (id, name, name_key, accounts, protocols, actions, \
                  is_active, date_start, date_expired, comment, date_created) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    let update = "UPDATE asset_permissions SET name = $2, name_key = $3, accounts = $4, \
                  protocols = $5, actions = $6, is_active = $7, date_start = $8, \
                  date_expired = $9, comment = $10 WHERE id = $1";
    on_db!(db, pool => {
        let mut tx = pool.begin().await.or_internal()?;
        let query = sqlx::query(if created.is_some() { insert } else { update })
            .bind(id).bind(&values.name).bind(values.name.to_lowercase()).bind(&accounts)
            .bind(&protocols).bind(&actions).bind(values.is_active)
            .bind(values.date_start.millis()).bind(values.date_expired.millis())
            .bind(&values.comment);
        let query = match created {
            Some(at) => query.bind(at.millis()),
            None => query,
        };
        match query.execute(&mut *tx).await {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(permission_name_taken()),
            Err(e) => return Err(crate::error::internal(e)),
        }
        sqlx::query("DELETE FROM asset_permission_users WHERE permission_id = $1")
            .bind(id).execute(&mut *tx).await.or_internal()?;
        sqlx::query("DELETE FROM asset_permission_assets WHERE permission_id = $1")
            .bind(id).execute(&mut *tx).await.or_internal()?;
        for user in &values.users {
            sqlx::query("INSERT INTO asset_permission_users (permission_id, user_id) VALUES ($1, $2)")
                .bind(id).bind(user).execute(&mut *tx).await.or_internal()?;
        }
        for asset in &values.assets {
            sqlx::query("INSERT INTO asset_permission_assets (permission_id, asset_id) VALUES ($1, $2)")
                .bind(id).bind(asset).execute(&mut *tx).await.or_internal()?;
        }
        tx.commit().await.or_internal()
    })
}

async fn members(
    db: &Db,
    table: &str,
    column: &str,
    ids_sql: &str,
    pattern: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<(Uuid, Uuid)>, AppError> {
    let sql = format!(
        "SELECT permission_id, {column} FROM {table} WHERE permission_id IN ({ids_sql}) \
         ORDER BY permission_id, {column}"
    );
    on_db!(db, pool => sqlx::query_as(&sql).bind(pattern).bind(limit).bind(offset).fetch_all(pool).await)
        .or_internal()
}

/// One page of permissions whose name matches `search`, by name, with
/// their users and assets.
pub async fn permissions_page(
    db: &Db,
    search: &str,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<Permission>), AppError> {
    let pattern = like_pattern(search);
    let filter = "name_key LIKE $1 ESCAPE '\\'";
    let count_sql = format!("SELECT COUNT(*) FROM asset_permissions WHERE {filter}");
    let page_sql = format!(
        "SELECT {PERMISSION_COLUMNS} FROM asset_permissions WHERE {filter} \
         ORDER BY name_key LIMIT $2 OFFSET $3"
    );
    let ids_sql = format!(
        "SELECT id FROM asset_permissions WHERE {filter} ORDER BY name_key LIMIT $2 OFFSET $3"
    );
    let (limit, offset) = limit_offset(limit, offset);
    let (count, rows): (i64, Vec<PermissionRow>) = on_db!(db, pool => {
        let count: i64 = sqlx::query_scalar(&count_sql).bind(&pattern).fetch_one(pool).await.or_internal()?;
        let rows = sqlx::query_as(&page_sql).bind(&pattern).bind(limit).bind(offset)
            .fetch_all(pool).await.or_internal()?;
        (count, rows)
    });
    let users =
        members(db, "asset_permission_users", "user_id", &ids_sql, &pattern, limit, offset).await?;
    let assets =
        members(db, "asset_permission_assets", "asset_id", &ids_sql, &pattern, limit, offset)
            .await?;
    let of = |list: &[(Uuid, Uuid)], id: Uuid| -> Vec<Uuid> {
        list.iter().filter(|(p, _)| *p == id).map(|(_, m)| *m).collect()
    };
    let permissions = rows
        .into_iter()
        .map(|row| Permission { users: of(&users, row.id), assets: of(&assets, row.id), row })
        .collect();
    Ok((u64::try_from(count).unwrap_or(0), permissions))
}

pub async fn find_permission(db: &Db, id: Uuid) -> Result<Option<Permission>, AppError> {
    let sql = format!("SELECT {PERMISSION_COLUMNS} FROM asset_permissions WHERE id = $1");
    let users_sql =
        "SELECT user_id FROM asset_permission_users WHERE permission_id = $1 ORDER BY user_id";
    let assets_sql =
        "SELECT asset_id FROM asset_permission_assets WHERE permission_id = $1 ORDER BY asset_id";
    on_db!(db, pool => {
        let Some(row) = sqlx::query_as::<_, PermissionRow>(&sql).bind(id).fetch_optional(pool).await.or_internal()? else {
            return Ok(None);
        };
        let users = sqlx::query_scalar(users_sql).bind(id).fetch_all(pool).await.or_internal()?;
        let assets = sqlx::query_scalar(assets_sql).bind(id).fetch_all(pool).await.or_internal()?;
        Ok(Some(Permission { row, users, assets }))
    })
}

pub async fn delete_permission(db: &Db, id: Uuid) -> Result<bool, AppError> {
    let sql = "DELETE FROM asset_permissions WHERE id = $1";
    let n = on_db!(db, pool => sqlx::query(sql).bind(id).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(n > 0)
}

/// Every permission naming both `user` and `asset`, whatever its state:
/// the caller decides which are in force (and tells "expired" from "gone").
pub async fn permissions_naming(
    db: &Db,
    user: Uuid,
    asset: Uuid,
) -> Result<Vec<PermissionRow>, AppError> {
    let sql = format!(
        "SELECT {PERMISSION_COLUMNS} FROM asset_permissions WHERE id IN \
         (SELECT pu.permission_id FROM asset_permission_users pu \
          JOIN asset_permission_assets pa ON pa.permission_id = pu.permission_id \
          WHERE pu.user_id = $1 AND pa.asset_id = $2)"
    );
    on_db!(db, pool => sqlx::query_as(&sql).bind(user).bind(asset).fetch_all(pool).await)
        .or_internal()
}

impl PermissionRow {
    pub fn grant(&self) -> super::grants::Grant {
        super::grants::Grant {
            accounts: json_list(&self.accounts),
            protocols: json_list(&self.protocols),
            actions: json_list(&self.actions),
            is_active: self.is_active,
            date_start: Timestamp::from_millis(self.date_start),
            date_expired: Timestamp::from_millis(self.date_expired),
        }
    }
}
