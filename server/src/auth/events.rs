//! The authentication log: every attempt, successful or not, with the
//! factor, the channel, the reason of a failure and where it came from.

use crate::db::Db;
use crate::error::OrInternal;
use crate::on_db;
use app::auth::model::ClientInfo;
use app::common::{AppError, Timestamp};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Browser,
    Api,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Browser => "browser",
            Channel::Api => "api",
        }
    }
}

pub struct AuthEvent<'a> {
    pub user_id: Option<Uuid>,
    pub username: &'a str,
    pub factor: &'a str,
    pub channel: Channel,
    pub success: bool,
    /// Empty on success; a stable word otherwise (`bad_credentials`, `inactive`, ...).
    pub reason: &'a str,
}

pub async fn record(
    db: &Db,
    event: AuthEvent<'_>,
    client: &ClientInfo,
    now: Timestamp,
) -> Result<(), AppError> {
    let sql = "INSERT INTO auth_events (id, at, user_id, username, factor, channel, success, reason, ip, user_agent) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    let username: String = event.username.chars().take(128).collect();
    let user_agent: Option<String> =
        client.user_agent.as_deref().map(|ua| ua.chars().take(512).collect());
    on_db!(db, pool => sqlx::query(sql)
        .bind(Uuid::new_v4())
        .bind(now.millis())
        .bind(event.user_id)
        .bind(&username)
        .bind(event.factor)
        .bind(event.channel.as_str())
        .bind(event.success)
        .bind(event.reason)
        .bind(client.ip.as_deref())
        .bind(user_agent.as_deref())
        .execute(pool)
        .await.map(|r| r.rows_affected()))
    .or_internal()?;
    tracing::info!(
        user = %username,
        factor = event.factor,
        channel = event.channel.as_str(),
        success = event.success,
        reason = event.reason,
        ip = client.ip.as_deref().unwrap_or("-"),
        "authentication attempt"
    );
    Ok(())
}

impl crate::core::Core {
    /// A credential of `user` changed (a factor bound, a password, a key):
    /// logged beside the sign-ins, as a success with `what` as the reason.
    pub async fn log_credential_change(
        &self,
        channel: Channel,
        client: &ClientInfo,
        user: &crate::users::store::UserRow,
        factor: &str,
        what: &str,
    ) -> Result<(), AppError> {
        let event = AuthEvent {
            user_id: Some(user.id),
            username: &user.username,
            factor,
            channel,
            success: true,
            reason: what,
        };
        record(&self.db, event, client, self.now()).await
    }
}
