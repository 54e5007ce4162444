//! `/api/v1/users/users/`: account administration for admins, answering
//! lists as JumpServer does (`{count, next, previous, results}`).

use crate::auth::extract::ApiCaller;
use crate::http::api::route_both;
use crate::http::error::ApiResult;
use crate::http::json::ApiJson;
use crate::http::AppState;
use app::users::model::{NewUser, UserEdit, UserQuery, UserRecord};
use app::users::port::UsersPort;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde::Serialize;
use uuid::Uuid;

pub fn routes(router: Router<AppState>) -> Router<AppState> {
    let router = route_both(router, "/users/users/", get(list).post(create));
    let router = route_both(router, "/users/users/{id}/", get(read).patch(edit));
    let router = route_both(router, "/users/users/{id}/unblock/", patch(unblock).post(unblock));
    route_both(router, "/users/users/{id}/mfa/reset/", patch(reset_mfa).post(reset_mfa))
}

/// Lifts the blocks failed attempts put on an account (administrators).
#[utoipa::path(method(patch, post), path = "/api/v1/users/users/{id}/unblock/", tag = "Users",
    params(("id" = Uuid, Path)), responses((status = 204), (status = 403), (status = 404)))]
pub async fn unblock(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.core.unblock_user(&caller.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes an account's authenticator and recovery codes (administrators).
#[utoipa::path(method(patch, post), path = "/api/v1/users/users/{id}/mfa/reset/", tag = "Users",
    params(("id" = Uuid, Path)), responses((status = 204), (status = 403), (status = 404)))]
pub async fn reset_mfa(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.core.reset_user_mfa(&caller.session, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One page of accounts, as DRF pages them.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Listing {
    count: u64,
    next: Option<String>,
    previous: Option<String>,
    results: Vec<UserRecord>,
}

fn page_link(state: &AppState, query: &UserQuery, offset: u64) -> String {
    let mut url = state.core.config.public_url.clone();
    url.set_path("/api/v1/users/users/");
    url.query_pairs_mut()
        .append_pair("limit", &query.bounded_limit().to_string())
        .append_pair("offset", &offset.to_string());
    if !query.search.is_empty() {
        url.query_pairs_mut().append_pair("search", &query.search);
    }
    url.to_string()
}

/// Accounts, paged with `limit`/`offset` and filtered by `search` (administrators).
#[utoipa::path(get, path = "/api/v1/users/users/", tag = "Users",
    params(UserQuery), responses((status = 200, body = Listing), (status = 403)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<UserQuery>,
) -> ApiResult<Json<Listing>> {
    caller.require_admin()?;
    let page = state.core.list_users(&caller.session, query.clone()).await?;
    let limit = query.bounded_limit();
    let shown_to = query.offset.saturating_add(page.results.len() as u64);
    let next = (shown_to < page.count).then(|| page_link(&state, &query, shown_to));
    let previous =
        (query.offset > 0).then(|| page_link(&state, &query, query.offset.saturating_sub(limit)));
    Ok(Json(Listing { count: page.count, next, previous, results: page.results }))
}

/// Creates an account (administrators).
#[utoipa::path(post, path = "/api/v1/users/users/", tag = "Users",
    request_body = NewUser, responses((status = 201, body = UserRecord), (status = 400), (status = 403), (status = 409)))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(user): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<UserRecord>)> {
    caller.require_admin()?;
    let valid = user.validate()?;
    let record = state.core.create_user(&caller.session, valid).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// One account (administrators).
#[utoipa::path(get, path = "/api/v1/users/users/{id}/", tag = "Users",
    params(("id" = Uuid, Path)), responses((status = 200, body = UserRecord), (status = 403), (status = 404)))]
pub async fn read(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<UserRecord>> {
    caller.require_admin()?;
    Ok(Json(state.core.get_user(&caller.session, id).await?))
}

/// Changes an account (administrators); absent fields stay.
#[utoipa::path(patch, path = "/api/v1/users/users/{id}/", tag = "Users",
    params(("id" = Uuid, Path)), request_body = UserEdit,
    responses((status = 200, body = UserRecord), (status = 400), (status = 403), (status = 404)))]
pub async fn edit(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<Uuid>,
    ApiJson(edit): ApiJson<UserEdit>,
) -> ApiResult<Json<UserRecord>> {
    caller.require_admin()?;
    let changes = edit.validate()?;
    Ok(Json(state.core.update_user(&caller.session, id, changes).await?))
}
