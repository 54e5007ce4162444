//! The users table.

use crate::db::{is_unique_violation, Db};
use crate::error::OrInternal;
use crate::on_db;
use app::auth::{CurrentUser, Role};
use app::common::{AppError, Timestamp};
use app::profile::model::Profile;
use app::users::model::UserRecord;
use uuid::Uuid;

const COLUMNS: &str = "id, username, name, email, phone, wechat, role, source, is_active, \
    date_joined, last_login, date_password_last_updated, date_expired, comment, password_hash, mfa_level, phone_confirmed_at";

#[derive(Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub wechat: String,
    pub role: String,
    pub source: String,
    pub is_active: bool,
    pub date_joined: i64,
    pub last_login: Option<i64>,
    pub date_password_last_updated: Option<i64>,
    pub date_expired: Option<i64>,
    pub comment: String,
    pub password_hash: Option<String>,
    pub mfa_level: i16,
    /// When `phone` was confirmed with a code; only then does SMS work.
    pub phone_confirmed_at: Option<i64>,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("is_active", &self.is_active)
            .finish_non_exhaustive()
    }
}

fn ts(ms: Option<i64>) -> Option<Timestamp> {
    ms.map(Timestamp::from_millis)
}

impl UserRow {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::User)
    }

    /// Whether the account may be used at `now`: active and not past its end date.
    pub fn usable_at(&self, now: Timestamp) -> bool {
        self.is_active && self.date_expired.is_none_or(|end| now.millis() < end)
    }

    /// The phone number SMS codes may go to: set and confirmed.
    pub fn confirmed_phone(&self) -> Option<&str> {
        self.phone.as_deref().filter(|_| self.phone_confirmed_at.is_some())
    }

    pub fn current_user(&self) -> CurrentUser {
        CurrentUser {
            id: self.id,
            username: self.username.clone(),
            name: self.name.clone(),
            role: self.role(),
        }
    }

    pub fn record(&self) -> UserRecord {
        UserRecord {
            id: self.id,
            username: self.username.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            wechat: self.wechat.clone(),
            role: self.role(),
            source: self.source.clone(),
            is_active: self.is_active,
            date_joined: Timestamp::from_millis(self.date_joined),
            last_login: ts(self.last_login),
            date_password_last_updated: ts(self.date_password_last_updated),
            date_expired: ts(self.date_expired),
            comment: self.comment.clone(),
            mfa_level: self.mfa_level,
        }
    }

    pub fn profile(&self) -> Profile {
        Profile {
            id: self.id,
            username: self.username.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            wechat: self.wechat.clone(),
            role: self.role(),
            source: self.source.clone(),
            is_active: self.is_active,
            date_joined: Timestamp::from_millis(self.date_joined),
            last_login: ts(self.last_login),
            date_password_last_updated: ts(self.date_password_last_updated),
            date_expired: ts(self.date_expired),
            comment: self.comment.clone(),
            mfa_level: self.mfa_level,
            mfa_enabled: self.mfa_level > 0,
            mfa_force_enabled: self.mfa_level == 2,
            // Filled in from the factor tables by `Core::profile_of`.
            is_otp_secret_key_bound: false,
            // Filled in from the face templates by `Core::profile_of`.
            is_face_code_set: false,
        }
    }
}

/// A row to insert; the password is already hashed.
pub struct NewUserRow {
    pub username: String,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: Role,
    pub is_active: bool,
    pub comment: String,
    pub date_expired: Option<Timestamp>,
    pub password_hash: String,
}

fn taken() -> AppError {
    AppError::conflict("username", "This username is already taken.")
}

pub async fn insert(db: &Db, new: NewUserRow, now: Timestamp) -> Result<UserRow, AppError> {
    let id = Uuid::new_v4();
    let sql = format!(
        "INSERT INTO users (id, username, username_key, name, email, email_key, phone, role, \
         is_active, date_joined, date_password_last_updated, date_expired, comment, password_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13) RETURNING {COLUMNS}"
    );
    let result = on_db!(db, pool => sqlx::query_as::<_, UserRow>(&sql)
        .bind(id)
        .bind(&new.username)
        .bind(new.username.to_lowercase())
        .bind(&new.name)
        .bind(&new.email)
        .bind(new.email.to_lowercase())
        .bind(&new.phone)
        .bind(new.role.as_str())
        .bind(new.is_active)
        .bind(now.millis())
        .bind(new.date_expired.map(Timestamp::millis))
        .bind(&new.comment)
        .bind(&new.password_hash)
        .fetch_one(pool)
        .await);
    match result {
        Ok(row) => Ok(row),
        Err(e) if is_unique_violation(&e) => Err(taken()),
        Err(e) => Err(crate::error::internal(e)),
    }
}

pub async fn find_by_id(db: &Db, id: Uuid) -> Result<Option<UserRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    on_db!(db, pool => sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(pool).await)
        .or_internal()
}

pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<UserRow>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE username_key = $1");
    let key = username.trim().to_lowercase();
    on_db!(db, pool => sqlx::query_as::<_, UserRow>(&sql).bind(key).fetch_optional(pool).await)
        .or_internal()
}

/// Escapes `%`, `_` and `\` so a search matches them literally.
pub(crate) fn like_pattern(search: &str) -> String {
    let mut out = String::from("%");
    for c in search.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// One page of accounts matching `search` (username, name or email), by username.
pub async fn list(
    db: &Db,
    search: &str,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<UserRow>), AppError> {
    let pattern = like_pattern(search);
    let filter = "username_key LIKE $1 ESCAPE '\\' OR lower(name) LIKE $1 ESCAPE '\\' \
                  OR email_key LIKE $1 ESCAPE '\\'";
    let count_sql = format!("SELECT COUNT(*) FROM users WHERE {filter}");
    let page_sql = format!(
        "SELECT {COLUMNS} FROM users WHERE {filter} ORDER BY username_key LIMIT $2 OFFSET $3"
    );
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    on_db!(db, pool => {
        let count: i64 = sqlx::query_scalar(&count_sql).bind(&pattern).fetch_one(pool).await.or_internal()?;
        let rows = sqlx::query_as::<_, UserRow>(&page_sql)
            .bind(&pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await
            .or_internal()?;
        Ok((u64::try_from(count).unwrap_or(0), rows))
    })
}

/// Writes every editable column of `row` back. A phone number that changes
/// loses its confirmation.
pub async fn save(db: &Db, row: &UserRow) -> Result<(), AppError> {
    let sql = "UPDATE users SET name = $2, email = $3, email_key = $4, \
               phone_confirmed_at = CASE WHEN phone = $5 THEN phone_confirmed_at ELSE NULL END, \
               phone = $5, wechat = $6, \
               role = $7, is_active = $8, comment = $9, date_expired = $10, mfa_level = $11 WHERE id = $1";
    on_db!(db, pool => sqlx::query(sql)
        .bind(row.id)
        .bind(&row.name)
        .bind(&row.email)
        .bind(row.email.to_lowercase())
        .bind(&row.phone)
        .bind(&row.wechat)
        .bind(&row.role)
        .bind(row.is_active)
        .bind(&row.comment)
        .bind(row.date_expired)
        .bind(row.mfa_level)
        .execute(pool)
        .await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(())
}

/// Sets the phone number as confirmed (`Some`), or removes the
/// confirmation and keeps the number as contact information (`None`).
pub async fn set_confirmed_phone(
    db: &Db,
    id: Uuid,
    phone: Option<&str>,
    now: Timestamp,
) -> Result<(), AppError> {
    let n = match phone {
        Some(phone) => {
            let sql = "UPDATE users SET phone = $2, phone_confirmed_at = $3 WHERE id = $1";
            on_db!(db, pool => sqlx::query(sql).bind(id).bind(phone).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
        }
        None => {
            let sql = "UPDATE users SET phone_confirmed_at = NULL WHERE id = $1";
            on_db!(db, pool => sqlx::query(sql).bind(id).execute(pool).await.map(|r| r.rows_affected()))
        }
    }
    .or_internal()?;
    if n == 1 {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn set_password_hash(
    db: &Db,
    id: Uuid,
    hash: &str,
    now: Timestamp,
) -> Result<(), AppError> {
    let sql = "UPDATE users SET password_hash = $2, date_password_last_updated = $3 WHERE id = $1";
    on_db!(db, pool => sqlx::query(sql).bind(id).bind(hash).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}

pub async fn set_last_login(db: &Db, id: Uuid, now: Timestamp) -> Result<(), AppError> {
    let sql = "UPDATE users SET last_login = $2 WHERE id = $1";
    on_db!(db, pool => sqlx::query(sql).bind(id).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected())).or_internal()?;
    Ok(())
}

pub async fn admin_exists(db: &Db) -> Result<bool, AppError> {
    let sql = "SELECT COUNT(*) FROM users WHERE role = 'admin'";
    let count: i64 =
        on_db!(db, pool => sqlx::query_scalar(sql).fetch_one(pool).await).or_internal()?;
    Ok(count > 0)
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn search_wildcards_match_literally() {
        assert_eq!(like_pattern(" Ann_B "), "%ann\\_b%");
        assert_eq!(like_pattern("100%"), "%100\\%%");
        assert_eq!(like_pattern(""), "%%");
    }
}
