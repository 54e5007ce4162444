//! `/api/v1/notifications/`: the backends, a user's message subscription and
//! the in-site inbox, in JumpServer's paths.

use crate::auth::extract::ApiCaller;
use crate::http::api::route_both;
use crate::http::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;
use crate::http::AppState;
use app::common::AppError;
use app::notifications::model::{Backend, BackendInfo, SiteMessage, Subscription};
use app::notifications::port::NotificationsPort;
use axum::extract::{Path, Query, State};
use axum::routing::{get, patch};
use axum::{Json, Router};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = route_both(router, "/notifications/backends/", get(backends));
    let router = route_both(
        router,
        "/notifications/user-msg-subscription/{user_id}/",
        get(read_subscription).patch(write_subscription).put(write_subscription),
    );
    let router = route_both(router, "/notifications/site-messages/", get(list));
    let router =
        route_both(router, "/notifications/site-messages/unread-total/", get(unread_total));
    let router =
        route_both(router, "/notifications/site-messages/mark-as-read/", patch(mark_as_read));
    let router =
        route_both(router, "/notifications/site-messages/mark-as-read-all/", patch(mark_all_read));
    route_both(router, "/notifications/site-messages/{id}/", get(read_one).delete(remove))
}

/// The backends notifications can go to on this server now.
#[utoipa::path(get, path = "/api/v1/notifications/backends/", tag = "Notifications",
    responses((status = 200, body = [BackendInfo])))]
pub async fn backends(
    State(state): State<AppState>,
    _caller: ApiCaller,
) -> ApiResult<Json<Vec<BackendInfo>>> {
    Ok(Json(state.core.available_backends().await?))
}

/// Only the user themself, or an administrator, sees or sets this.
fn may_manage(caller: &ApiCaller, user_id: Uuid) -> Result<(), ApiError> {
    if caller.user.id == user_id || caller.user.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

/// Where a user's notifications go.
#[utoipa::path(get, path = "/api/v1/notifications/user-msg-subscription/{user_id}/", tag = "Notifications",
    params(("user_id" = Uuid, Path)), responses((status = 200, body = Subscription), (status = 403)))]
pub async fn read_subscription(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(user_id): Path<Uuid>,
) -> ApiResult<Json<Subscription>> {
    may_manage(&caller, user_id)?;
    crate::users::store::find_by_id(&state.core.db, user_id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(state.core.subscription_of(user_id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SubscriptionPatch {
    /// Backend names; `site_msg` is always included.
    receive_backends: Vec<String>,
}

/// Chooses the backends; an unknown or unconfigured one is refused.
#[utoipa::path(method(patch, put), path = "/api/v1/notifications/user-msg-subscription/{user_id}/", tag = "Notifications",
    params(("user_id" = Uuid, Path)), request_body = SubscriptionPatch,
    responses((status = 200, body = Subscription), (status = 400), (status = 403)))]
pub async fn write_subscription(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(user_id): Path<Uuid>,
    ApiJson(body): ApiJson<SubscriptionPatch>,
) -> ApiResult<Json<Subscription>> {
    may_manage(&caller, user_id)?;
    crate::users::store::find_by_id(&state.core.db, user_id).await?.ok_or(AppError::NotFound)?;
    let mut backends = Vec::new();
    for name in &body.receive_backends {
        let backend = Backend::parse(name).ok_or_else(|| {
            AppError::invalid("receive_backends", format!("Unknown backend `{name}`."))
        })?;
        backends.push(backend);
    }
    Ok(Json(state.core.set_subscription_of(user_id, backends).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageQuery {
    /// `true` or `false` to list only read or unread messages.
    has_read: Option<bool>,
    #[serde(default)]
    limit: Option<i64>,
    #[serde(default)]
    offset: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MessagePage {
    count: u64,
    next: Option<String>,
    previous: Option<String>,
    results: Vec<SiteMessage>,
}

/// The caller's messages, newest first, paged as DRF pages (`limit`, `offset`).
#[utoipa::path(get, path = "/api/v1/notifications/site-messages/", tag = "Notifications",
    params(MessageQuery), responses((status = 200, body = MessagePage)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<MessageQuery>,
) -> ApiResult<Json<MessagePage>> {
    let limit = query.limit.unwrap_or(20).clamp(1, 200);
    let offset = query.offset.unwrap_or(0).max(0);
    let (count, results) =
        super::list_messages(&state.core.db, caller.user.id, query.has_read, limit, offset).await?;
    let link = |offset: i64| {
        let mut url = state.core.config.public_url.clone();
        url.set_path("/api/v1/notifications/site-messages/");
        let mut q = format!("limit={limit}&offset={offset}");
        if let Some(read) = query.has_read {
            q.push_str(&format!("&has_read={read}"));
        }
        url.set_query(Some(&q));
        url.to_string()
    };
    let total = i64::try_from(count).unwrap_or(i64::MAX);
    Ok(Json(MessagePage {
        count,
        next: (offset + limit < total).then(|| link(offset + limit)),
        previous: (offset > 0).then(|| link((offset - limit).max(0))),
        results,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UnreadTotal {
    total: u32,
}

#[utoipa::path(get, path = "/api/v1/notifications/site-messages/unread-total/", tag = "Notifications",
    responses((status = 200, body = UnreadTotal)))]
pub async fn unread_total(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<Json<UnreadTotal>> {
    Ok(Json(UnreadTotal { total: super::unread(&state.core.db, caller.user.id).await? }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MarkRead {
    ids: Vec<Uuid>,
}

/// Marks the caller's messages with these ids read (others are ignored).
#[utoipa::path(patch, path = "/api/v1/notifications/site-messages/mark-as-read/", tag = "Notifications",
    request_body = MarkRead, responses((status = 204)))]
pub async fn mark_as_read(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<MarkRead>,
) -> ApiResult<StatusCode> {
    state.core.mark_read(&caller.session, Some(body.ids)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(patch, path = "/api/v1/notifications/site-messages/mark-as-read-all/", tag = "Notifications",
    responses((status = 204)))]
pub async fn mark_all_read(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> ApiResult<StatusCode> {
    state.core.mark_read(&caller.session, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/notifications/site-messages/{id}/", tag = "Notifications",
    params(("id" = Uuid, Path)), responses((status = 200, body = SiteMessage), (status = 404)))]
pub async fn read_one(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<SiteMessage>> {
    Ok(Json(super::get_message(&state.core.db, caller.user.id, id).await?))
}

#[utoipa::path(delete, path = "/api/v1/notifications/site-messages/{id}/", tag = "Notifications",
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404)))]
pub async fn remove(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.core.delete_message(&caller.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
