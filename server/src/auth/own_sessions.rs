//! A user's own sessions and API tokens: listing them and ending them
//! (`/api/v1/authentication/sessions/`, ours: JumpServer has only the
//! administrators' view).

use super::events::Channel;
use crate::auth::extract::ApiCaller;
use crate::core::Core;
use crate::error::OrInternal;
use crate::http::api::route_both;
use crate::http::error::ApiResult;
use crate::http::AppState;
use crate::on_db;
use app::auth::model::{ClientInfo, SessionCtx};
use app::common::{AppError, Timestamp};
use app::sessions::model::{SessionInfo, SessionKind};
use app::sessions::port::SessionsPort;
use axum::extract::{Path, State};
use axum::routing::{delete, get};
use axum::{Extension, Json, Router};
use http::StatusCode;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct BrowserRow {
    id: Uuid,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
    ip: Option<String>,
    user_agent: Option<String>,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: Uuid,
    created_at: i64,
    expires_at: i64,
}

impl Core {
    pub async fn sessions_of(
        &self,
        user_id: Uuid,
        current: Uuid,
    ) -> Result<Vec<SessionInfo>, AppError> {
        let now = self.now().millis();
        let idle_ms = self.session_lifetimes().idle_secs.saturating_mul(1000);
        let sql = "SELECT id, created_at, last_seen_at, expires_at, ip, user_agent FROM sessions \
                   WHERE user_id = $1 AND stage = 'full' AND channel = 'browser' AND expires_at > $2 AND last_seen_at > $3";
        let browsers: Vec<BrowserRow> = on_db!(&self.db, pool => sqlx::query_as(sql)
            .bind(user_id).bind(now).bind(now.saturating_sub(idle_ms)).fetch_all(pool).await)
        .or_internal()?;
        let sql = "SELECT id, created_at, expires_at FROM api_tokens WHERE user_id = $1 AND expires_at > $2";
        let tokens: Vec<TokenRow> = on_db!(&self.db, pool => sqlx::query_as(sql).bind(user_id).bind(now).fetch_all(pool).await)
            .or_internal()?;
        let mut out: Vec<SessionInfo> = browsers
            .into_iter()
            .map(|b| SessionInfo {
                id: b.id,
                kind: SessionKind::Browser,
                date_created: Timestamp::from_millis(b.created_at),
                last_active: Some(Timestamp::from_millis(b.last_seen_at)),
                date_expired: Timestamp::from_millis(
                    b.expires_at.min(b.last_seen_at.saturating_add(idle_ms)),
                ),
                ip: b.ip,
                user_agent: b.user_agent,
                is_current: b.id == current,
            })
            .chain(tokens.into_iter().map(|t| SessionInfo {
                id: t.id,
                kind: SessionKind::ApiToken,
                date_created: Timestamp::from_millis(t.created_at),
                last_active: None,
                date_expired: Timestamp::from_millis(t.expires_at),
                ip: None,
                user_agent: None,
                is_current: t.id == current,
            }))
            .collect();
        out.sort_by(|a, b| {
            b.is_current.cmp(&a.is_current).then(b.date_created.cmp(&a.date_created))
        });
        Ok(out)
    }

    /// Ends one session or token of `user_id`; the one in use is refused.
    pub async fn end_own_session(
        &self,
        channel: Channel,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<(), AppError> {
        if id == session.session_id {
            return Err(AppError::invalid(
                "id",
                "This is the session you are using: sign out instead.",
            ));
        }
        let user = self.session_user(session).await?;
        let mut ended = 0;
        for sql in [
            "DELETE FROM sessions WHERE id = $1 AND user_id = $2",
            "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2",
        ] {
            ended += on_db!(&self.db, pool => sqlx::query(sql).bind(id).bind(user.id).execute(pool).await.map(|r| r.rows_affected()))
                .or_internal()?;
        }
        if ended == 0 {
            return Err(AppError::NotFound);
        }
        self.log_credential_change(channel, client, &user, "session", "ended").await?;
        Ok(())
    }

    pub async fn end_other_own_sessions(
        &self,
        channel: Channel,
        client: &ClientInfo,
        session: &SessionCtx,
    ) -> Result<u64, AppError> {
        let user = self.session_user(session).await?;
        let browsers =
            super::session::end_all_for_user(&self.db, user.id, Some(session.session_id)).await?;
        let tokens =
            super::tokens::revoke_for_user(&self.db, user.id, Some(session.session_id)).await?;
        self.log_credential_change(channel, client, &user, "session", "ended_others").await?;
        Ok(browsers + tokens)
    }
}

#[async_trait::async_trait]
impl SessionsPort for Core {
    async fn list_sessions(&self, session: &SessionCtx) -> Result<Vec<SessionInfo>, AppError> {
        self.sessions_of(session.user.id, session.session_id).await
    }

    async fn end_session(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
        id: Uuid,
    ) -> Result<(), AppError> {
        self.end_own_session(Channel::Browser, client, session, id).await
    }

    async fn end_other_sessions(
        &self,
        client: &ClientInfo,
        session: &SessionCtx,
    ) -> Result<u64, AppError> {
        self.end_other_own_sessions(Channel::Browser, client, session).await
    }
}

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = route_both(router, "/authentication/sessions/", get(list).delete(end_others));
    route_both(router, "/authentication/sessions/{id}/", delete(end_one))
}

/// The caller's browser sessions and API tokens (ours).
#[utoipa::path(get, path = "/api/v1/authentication/sessions/", tag = "Sessions",
    responses((status = 200, body = [SessionInfo])))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<Vec<SessionInfo>>> {
    Ok(Json(state.core.sessions_of(caller.user.id, caller.session.session_id).await?))
}

/// Ends one of the caller's sessions or tokens (not the one in use).
#[utoipa::path(delete, path = "/api/v1/authentication/sessions/{id}/", tag = "Sessions",
    params(("id" = Uuid, Path)), responses((status = 204), (status = 400, description = "The session in use"), (status = 404)))]
pub async fn end_one(
    State(state): State<AppState>,
    caller: ApiCaller,
    Extension(client): Extension<ClientInfo>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.core.end_own_session(caller.channel(), &client, &caller.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every other session and token of the caller.
#[utoipa::path(delete, path = "/api/v1/authentication/sessions/", tag = "Sessions",
    responses((status = 200, description = "How many ended", example = json!({"ended": 2}))))]
pub async fn end_others(
    State(state): State<AppState>,
    caller: ApiCaller,
    Extension(client): Extension<ClientInfo>,
) -> ApiResult<Json<serde_json::Value>> {
    let n = state.core.end_other_own_sessions(caller.channel(), &client, &caller.session).await?;
    Ok(Json(serde_json::json!({"ended": n})))
}
