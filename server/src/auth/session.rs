//! Server-side sessions. The browser holds a random 256-bit token in an
//! HttpOnly cookie; the database holds only its SHA-256, so every instance
//! behind a load balancer sees the same sessions and a leaked table opens
//! none. A session ends when idle too long, when its absolute lifetime is
//! over, at sign-out, or when its account is deactivated.

use crate::crypto::{new_token, token_hash};
use crate::db::Db;
use crate::error::OrInternal;
use crate::on_db;
use crate::users::store::{self, UserRow};
use app::auth::model::{ClientInfo, SessionCtx, SessionStage};
use app::common::{AppError, Timestamp};
use uuid::Uuid;

/// How stale `last_seen_at` may get before a request refreshes it: keeps
/// idle tracking accurate to a minute without a write per request.
const TOUCH_AFTER_MS: i64 = 60_000;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub stage: String,
    pub channel: String,
    pub factors: String,
    pub confirmed_until: i64,
    pub confirmed_with: String,
    pub mfa_passed: bool,
}

impl SessionRow {
    pub fn stage(&self) -> SessionStage {
        SessionStage::parse(&self.stage)
    }

    pub fn ctx(&self, user: &UserRow) -> SessionCtx {
        SessionCtx {
            session_id: self.id,
            user: user.current_user(),
            stage: self.stage(),
            confirmed_until: self.confirmed_until,
            confirmed_with: self.confirmed_with.clone(),
        }
    }
}

/// Who the session is for and how long it may live.
pub struct NewSession<'a> {
    pub stage: SessionStage,
    pub channel: &'a str,
    /// Comma-separated factors proven, e.g. `password,otp`.
    pub factors: &'a str,
    /// The absolute lifetime; a pending MFA state gets far less than a session.
    pub lifetime_secs: i64,
    /// A fresh sign-in counts as a password confirmation for this long.
    pub confirmed_secs: i64,
    pub confirmed_with: &'a str,
}

/// How long the half-signed state (password right, MFA pending) may last.
pub const PENDING_MFA_SECS: i64 = 600;

/// A session that was just opened: its id and the token for the cookie.
pub struct OpenedSession {
    pub id: Uuid,
    pub token: String,
}

pub struct Lifetimes {
    pub idle_secs: i64,
    pub max_secs: i64,
}

pub async fn open(
    db: &Db,
    user_id: Uuid,
    client: &ClientInfo,
    new: &NewSession<'_>,
    now: Timestamp,
) -> Result<OpenedSession, AppError> {
    let id = Uuid::new_v4();
    let token = new_token();
    let sql = "INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent, \
               factors, stage, channel, confirmed_until, confirmed_with) \
               VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
    on_db!(db, pool => sqlx::query(sql)
        .bind(id)
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(now.millis())
        .bind(now.plus_secs(new.lifetime_secs).millis())
        .bind(client.ip.as_deref())
        .bind(client.user_agent.as_deref().map(|ua| truncate(ua, 512)))
        .bind(new.factors)
        .bind(new.stage.as_str())
        .bind(new.channel)
        .bind(if new.confirmed_secs > 0 { now.plus_secs(new.confirmed_secs).millis() } else { 0 })
        .bind(new.confirmed_with)
        .execute(pool)
        .await.map(|r| r.rows_affected()))
    .or_internal()?;
    Ok(OpenedSession { id, token })
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

const SESSION_COLUMNS: &str = "id, user_id, last_seen_at, expires_at, stage, channel, factors, \
    confirmed_until, confirmed_with, mfa_passed";

/// The live session for `token` on `channel` and its account, or `None` when
/// the token is unknown, the session timed out, or the account may no longer
/// sign in.
pub async fn resolve(
    db: &Db,
    token: &str,
    channel: &str,
    now: Timestamp,
    lifetimes: &Lifetimes,
) -> Result<Option<(SessionRow, UserRow)>, AppError> {
    let sql =
        format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE token_hash = $1 AND channel = $2");
    let hash = token_hash(token);
    let row = on_db!(db, pool => sqlx::query_as::<_, SessionRow>(&sql).bind(&hash).bind(channel).fetch_optional(pool).await)
        .or_internal()?;
    let Some(row) = row else { return Ok(None) };
    let idle_deadline = row.last_seen_at.saturating_add(lifetimes.idle_secs.saturating_mul(1000));
    if now.millis() >= row.expires_at || now.millis() >= idle_deadline {
        end(db, row.id).await?;
        return Ok(None);
    }
    let Some(user) = store::find_by_id(db, row.user_id).await? else { return Ok(None) };
    if !user.usable_at(now) {
        end_all_for_user(db, user.id, None).await?;
        return Ok(None);
    }
    if now.millis() - row.last_seen_at >= TOUCH_AFTER_MS {
        let sql = "UPDATE sessions SET last_seen_at = $2 WHERE id = $1";
        on_db!(db, pool => sqlx::query(sql).bind(row.id).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected())).or_internal()?;
    }
    Ok(Some((row, user)))
}

/// Records a re-authentication on the session.
pub async fn set_confirmed(
    db: &Db,
    session_id: Uuid,
    until: Timestamp,
    with: &str,
) -> Result<(), AppError> {
    let sql = "UPDATE sessions SET confirmed_until = $2, confirmed_with = $3 WHERE id = $1";
    on_db!(db, pool => sqlx::query(sql).bind(session_id).bind(until.millis()).bind(with).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()?;
    Ok(())
}

/// The factors a session was opened with (`password,otp`, ...).
pub async fn factors_of(db: &Db, session_id: Uuid) -> Result<String, AppError> {
    let sql = "SELECT factors FROM sessions WHERE id = $1";
    let factors: Option<String> =
        on_db!(db, pool => sqlx::query_scalar(sql).bind(session_id).fetch_optional(pool).await)
            .or_internal()?;
    Ok(factors.unwrap_or_else(|| "password".into()))
}

/// Marks an API client's pending sign-in as having passed MFA.
pub async fn set_mfa_passed(db: &Db, session_id: Uuid) -> Result<(), AppError> {
    let sql = "UPDATE sessions SET mfa_passed = TRUE WHERE id = $1";
    on_db!(db, pool => sqlx::query(sql).bind(session_id).execute(pool).await.map(|r| r.rows_affected())).or_internal()?;
    Ok(())
}

pub async fn end(db: &Db, session_id: Uuid) -> Result<(), AppError> {
    let sql = "DELETE FROM sessions WHERE id = $1";
    on_db!(db, pool => sqlx::query(sql).bind(session_id).execute(pool).await.map(|r| r.rows_affected())).or_internal()?;
    Ok(())
}

/// Ends every session of a user, except `keep` when given.
pub async fn end_all_for_user(db: &Db, user_id: Uuid, keep: Option<Uuid>) -> Result<u64, AppError> {
    let result = match keep {
        Some(keep) => {
            let sql = "DELETE FROM sessions WHERE user_id = $1 AND id <> $2";
            on_db!(db, pool => sqlx::query(sql).bind(user_id).bind(keep).execute(pool).await.map(|r| r.rows_affected()))
        }
        None => {
            let sql = "DELETE FROM sessions WHERE user_id = $1";
            on_db!(db, pool => sqlx::query(sql).bind(user_id).execute(pool).await.map(|r| r.rows_affected()))
        }
    };
    result.or_internal()
}

/// Removes sessions past their absolute end; run now and then.
pub async fn purge_expired(db: &Db, now: Timestamp) -> Result<u64, AppError> {
    let sql = "DELETE FROM sessions WHERE expires_at <= $1";
    on_db!(db, pool => sqlx::query(sql).bind(now.millis()).execute(pool).await.map(|r| r.rows_affected()))
        .or_internal()
}

/// The session cookie's name: `__Host-` prefixed when served over HTTPS, so
/// no subdomain or plain-HTTP page can plant or read it.
pub fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-bp_session"
    } else {
        "bp_session"
    }
}

pub fn set_cookie_header(https: bool, token: &str, max_age_secs: i64) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}",
        cookie_name(https)
    )
}

pub fn clear_cookie_header(https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}", cookie_name(https))
}

/// The value of cookie `name` in a `Cookie` request header.
pub fn read_cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_and_lax_and_secure_over_https() {
        let plain = set_cookie_header(false, "tok", 60);
        assert_eq!(plain, "bp_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
        let secure = set_cookie_header(true, "tok", 60);
        assert!(secure.starts_with("__Host-bp_session=tok; Path=/;"));
        assert!(secure.ends_with("; Secure"));
        assert!(clear_cookie_header(true).contains("Max-Age=0"));
    }

    #[test]
    fn reads_one_cookie_among_many() {
        let header = "theme=dark; bp_session=abc123 ; other=x";
        assert_eq!(read_cookie(header, "bp_session"), Some("abc123"));
        assert_eq!(read_cookie(header, "missing"), None);
        assert_eq!(read_cookie("bp_session=", "bp_session"), None);
    }
}
